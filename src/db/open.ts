// Opens the configured database and brings its schema up to date: DATABASE_URL names a PostgreSQL
// server; without it, PGlite keeps its files in the data directory (GEUMGO_DATA, default ./data).
import { join } from "node:path";
import type { Db } from "./db.ts";
import { migrate } from "./migrate.ts";
import { openPglite } from "./pglite.ts";
import { openPostgres } from "./postgres.ts";

export interface DatabaseConfig {
  databaseUrl?: string | undefined;
  /** PGlite's folder; "memory://" keeps everything in memory (tests). */
  dataDir?: string | undefined;
}

export function databaseConfigFromEnv(env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  return { databaseUrl: env.DATABASE_URL || undefined, dataDir: join(env.GEUMGO_DATA || "./data", "pglite") };
}

export async function openDatabase(config: DatabaseConfig): Promise<Db> {
  const db = config.databaseUrl ? openPostgres(config.databaseUrl) : await openPglite(config.dataDir);
  try {
    await migrate(db);
  } catch (e) {
    await db.close();
    throw e;
  }
  return db;
}
