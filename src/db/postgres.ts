// A PostgreSQL server through node-postgres: a pool, so that many requests (and many server
// processes) work at once; int8 parsed to bigint; retry on serialization failure or deadlock.
import pg from "pg";
import {
  beginStatement,
  type Db,
  isRetryable,
  type Queryable,
  type TransactionOptions,
  toParams,
} from "./db.ts";

const INT8 = 20;

export function openPostgres(url: string, options: { poolSize?: number } = {}): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 20,
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === INT8
          ? (v: string) => BigInt(v)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client that loses its server connection must not crash the process.
  pool.on("error", () => {});
  const query = async <T>(sql: string, params?: readonly unknown[]) => {
    const r = await pool.query(sql, toParams(params));
    return { rows: r.rows as T[], rowCount: r.rowCount ?? r.rows.length };
  };
  return {
    kind: "postgres",
    query,
    exec: async (sql) => {
      await pool.query(sql);
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
      for (let attempt = 0; ; attempt++) {
        const client = await pool.connect();
        try {
          await client.query(beginStatement(options.isolation));
          const result = await fn({
            query: async <R>(sql: string, params?: readonly unknown[]) => {
              const r = await client.query(sql, toParams(params));
              return { rows: r.rows as R[], rowCount: r.rowCount ?? r.rows.length };
            },
            exec: async (sql: string) => {
              await client.query(sql);
            },
          });
          await client.query("COMMIT");
          return result;
        } catch (e) {
          await client.query("ROLLBACK").catch(() => {});
          if (!isRetryable(e) || attempt >= (options.retries ?? 5)) throw e;
        } finally {
          client.release();
        }
      }
    },
    close: () => pool.end(),
  };
}
