// Test databases: a fresh PGlite (a copy of a migrated template, pglite-template.ts), and a fresh database on the PostgreSQL server
// (127.0.0.1:5432, trust auth; GEUMGO_TEST_PG overrides), dropped again when the test closes it.
// CI runs both; a server that is down fails the PostgreSQL tests rather than skipping them.
import { randomBytes } from "node:crypto";
import pg from "pg";
import type { Db } from "../../src/db/db.ts";
import { migrate } from "../../src/db/migrate.ts";
import { openPglite } from "../../src/db/pglite.ts";
import { openPostgres } from "../../src/db/postgres.ts";
import { scratchPgliteDir } from "./pglite-template.ts";

export const adminUrl = process.env.GEUMGO_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/test";

export type DbKind = "pglite" | "postgres";
export const dbKinds: DbKind[] = ["pglite", "postgres"];

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A new, migrated database of the kind; close() also drops a PostgreSQL test database. */
export async function freshDb(
  kind: DbKind,
  options: { poolSize?: number } = {},
): Promise<Db & { url?: string }> {
  if (kind === "pglite") {
    const scratch = await scratchPgliteDir();
    const db = await openPglite(scratch.dir);
    return {
      ...db,
      async close() {
        await db.close();
        scratch.remove();
      },
    };
  }
  const name = `geumgo_test_${randomBytes(6).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = openPostgres(url.toString(), options);
  await migrate(db);
  return {
    ...db,
    url: url.toString(),
    async close() {
      await db.close();
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
