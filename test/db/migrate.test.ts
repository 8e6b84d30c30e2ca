import { describe, expect, it } from "vitest";
import { loadMigrations, migrate } from "../../src/db/migrate.ts";
import { dbKinds, freshDb } from "../support/db.ts";

describe.each(dbKinds)("database on %s", (kind) => {
  it("applies every migration once, and again nothing", async () => {
    const db = await freshDb(kind);
    try {
      const { rows } = await db.query<{ version: number }>(
        "SELECT version FROM schema_migrations ORDER BY version",
      );
      expect(rows.map((r) => r.version)).toEqual(loadMigrations().map((m) => m.version));
      expect(await migrate(db)).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it("reads int8 as bigint and takes bigint parameters exactly", async () => {
    const db = await freshDb(kind);
    try {
      const big = 9_007_199_254_740_993n; // 2^53 + 1: a float would lose the 1
      const { rows } = await db.query<{ v: bigint }>("SELECT $1::bigint + 1 AS v", [big]);
      expect(rows[0]!.v).toBe(big + 1n);
    } finally {
      await db.close();
    }
  });

  it("rolls a failed transaction back whole", async () => {
    const db = await freshDb(kind);
    try {
      await db.exec("CREATE TABLE t (x int)");
      await expect(
        db.transaction(async (tx) => {
          await tx.query("INSERT INTO t VALUES (1)");
          throw new Error("stop");
        }),
      ).rejects.toThrow("stop");
      expect((await db.query("SELECT * FROM t")).rowCount).toBe(0);
    } finally {
      await db.close();
    }
  });
});
