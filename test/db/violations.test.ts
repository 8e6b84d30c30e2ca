// The constraint-violation helpers read the same SQLSTATE and constraint name from both drivers.
import { describe, expect, it } from "vitest";
import { isForeignKeyViolation, isUniqueViolation } from "../../src/db/db.ts";
import { dbKinds, freshDb } from "../support/db.ts";

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (e) {
    return e;
  }
  throw new Error("the statement did not fail");
}

describe.each(dbKinds)("constraint violations on %s", (kind) => {
  it("tells a unique violation from a foreign-key violation, and names the constraint", async () => {
    const db = await freshDb(kind);
    try {
      await db.exec(`CREATE TABLE parent (id int CONSTRAINT parent_pkey PRIMARY KEY);
        CREATE TABLE child (id int, parent_id int CONSTRAINT child_parent_fk REFERENCES parent (id));
        INSERT INTO parent VALUES (1);`);

      const unique = await failure(() => db.query("INSERT INTO parent VALUES (1)"));
      expect(isUniqueViolation(unique)).toBe(true);
      expect(isUniqueViolation(unique, "parent_pkey")).toBe(true);
      expect(isUniqueViolation(unique, "other")).toBe(false);
      expect(isForeignKeyViolation(unique)).toBe(false);

      const missing = await failure(() => db.query("INSERT INTO child VALUES (1, 2)"));
      expect(isForeignKeyViolation(missing)).toBe(true);
      expect(isForeignKeyViolation(missing, "child_parent_fk")).toBe(true);
      expect(isForeignKeyViolation(missing, "other")).toBe(false);
      expect(isUniqueViolation(missing)).toBe(false);

      await db.query("INSERT INTO child VALUES (1, 1)");
      const named = await failure(() => db.query("DELETE FROM parent WHERE id = 1"));
      expect(isForeignKeyViolation(named, "child_parent_fk")).toBe(true);

      for (const notDb of [undefined, null, "23503", new Error("23503"), { code: 23503 }]) {
        expect(isForeignKeyViolation(notDb)).toBe(false);
      }
    } finally {
      await db.close();
    }
  });
});
