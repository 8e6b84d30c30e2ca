// The embedded database: PGlite, PostgreSQL compiled to WebAssembly, in-process. It admits one
// connection, so transactions queue behind each other; that is its scale (DESIGN.md §2).
import { PGlite, types } from "@electric-sql/pglite";
import { type Db, isRetryable, type Queryable, type TransactionOptions, toParams } from "./db.ts";

const parsers = { [types.INT8]: (v: string) => BigInt(v) };

/**
 * PGlite answers a query without returning to the event loop, so a chain of queries (a busy
 * server's transactions back to back) would keep sockets unread and timers unfired for as long as
 * the work lasts. Before a query, once this long has passed since the last turn given, the event
 * loop gets one; more often would cost every query a turn's delay.
 */
const turnEveryMs = 10;
let lastTurn = 0;
async function giveTurn(): Promise<void> {
  const now = performance.now();
  if (now - lastTurn < turnEveryMs) return;
  await new Promise<void>((resolve) => setImmediate(resolve));
  lastTurn = performance.now();
}

/** PGlite reports affectedRows 0 for a SELECT; node-postgres reports the rows. Both mean rows seen. */
function rowCount(r: { rows: unknown[]; affectedRows?: number }): number {
  return r.rows.length > 0 ? r.rows.length : (r.affectedRows ?? 0);
}

export async function openPglite(dataDir?: string): Promise<Db> {
  const pg = await PGlite.create(dataDir ?? "memory://", { parsers });
  let closed = false;
  const query = async <T>(sql: string, params?: readonly unknown[]) => {
    await giveTurn();
    const r = await pg.query<T>(sql, toParams(params));
    return { rows: r.rows, rowCount: rowCount(r) };
  };
  return {
    kind: "pglite",
    query,
    exec: async (sql) => {
      await pg.exec(sql);
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
      for (let attempt = 0; ; attempt++) {
        try {
          // PGlite's own transaction() holds its single connection exclusively, so other callers wait.
          return await pg.transaction(async (tx) => {
            if (options.isolation)
              await tx.exec(`SET TRANSACTION ISOLATION LEVEL ${options.isolation.toUpperCase()}`);
            return fn({
              query: async <R>(sql: string, params?: readonly unknown[]) => {
                await giveTurn();
                const r = await tx.query<R>(sql, toParams(params));
                return { rows: r.rows, rowCount: rowCount(r) };
              },
              exec: async (sql: string) => {
                await tx.exec(sql);
              },
            });
          });
        } catch (e) {
          if (!isRetryable(e) || attempt >= (options.retries ?? 5)) throw e;
        }
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pg.close();
    },
  };
}
