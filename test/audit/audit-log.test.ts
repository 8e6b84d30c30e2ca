import { describe, expect, it } from "vitest";
import { appendAudit, verifyAudit } from "../../src/audit/audit-log.ts";
import type { Db } from "../../src/db/db.ts";
import { dbKinds, freshDb } from "../support/db.ts";

async function append(db: Db, n: number): Promise<void> {
  for (let i = 1; i <= n; i++) {
    await db.transaction((tx) =>
      appendAudit(
        tx,
        {
          actor: "ca",
          action: "certificate.issue",
          subject: `serial-${i}`,
          details: { purpose: "bank", n: i },
        },
        new Date(Date.UTC(2026, 10, 25, 0, 0, i)),
      ),
    );
  }
}

describe.each(dbKinds)("the audit log on %s", (kind) => {
  it("chains every entry and verifies whole", async () => {
    const db = await freshDb(kind);
    try {
      expect(await verifyAudit(db)).toMatchObject({ ok: true, entries: 0 });
      await append(db, 5);
      const v = await verifyAudit(db, 2); // small pages: the walk crosses page boundaries
      expect(v).toMatchObject({ ok: true, entries: 5 });
    } finally {
      await db.close();
    }
  });

  it("refuses UPDATE, DELETE and TRUNCATE", async () => {
    const db = await freshDb(kind);
    try {
      await append(db, 2);
      await expect(db.query("UPDATE audit_log SET actor = 'x' WHERE seq = 1")).rejects.toThrow("append-only");
      await expect(db.query("DELETE FROM audit_log WHERE seq = 2")).rejects.toThrow("append-only");
      await expect(db.exec("TRUNCATE audit_log")).rejects.toThrow("append-only");
      expect(await verifyAudit(db)).toMatchObject({ ok: true, entries: 2 });
    } finally {
      await db.close();
    }
  });

  it("finds the first entry where someone who went around the triggers changed the log", async () => {
    const db = await freshDb(kind);
    try {
      await append(db, 6);
      await db.exec("ALTER TABLE audit_log DISABLE TRIGGER USER");
      await db.query(`UPDATE audit_log SET payload = replace(payload, '"n":3', '"n":30') WHERE seq = 3`);
      expect(await verifyAudit(db)).toEqual({ ok: false, seq: 3n, problem: "hash" });
      await db.query(`UPDATE audit_log SET payload = replace(payload, '"n":30', '"n":3') WHERE seq = 3`);
      await db.query("UPDATE audit_log SET subject = 'serial-x' WHERE seq = 4");
      expect(await verifyAudit(db)).toEqual({ ok: false, seq: 4n, problem: "columns" });
      await db.query("UPDATE audit_log SET subject = 'serial-4' WHERE seq = 4");
      expect(await verifyAudit(db)).toMatchObject({ ok: true });
      await db.query("DELETE FROM audit_log WHERE seq = 5");
      expect(await verifyAudit(db)).toEqual({ ok: false, seq: 5n, problem: "gap" });
      await db.query("DELETE FROM audit_log WHERE seq = 6");
      expect(await verifyAudit(db)).toEqual({ ok: false, seq: 5n, problem: "head" });
    } finally {
      await db.close();
    }
  });
});

describe("the audit log under concurrency", () => {
  it("50 appends at once on PostgreSQL form one unbroken chain", async () => {
    const db = await freshDb("postgres");
    try {
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          db.transaction((tx) =>
            appendAudit(tx, { actor: "ca", action: "x", subject: String(i) }, new Date()),
          ),
        ),
      );
      expect(await verifyAudit(db)).toMatchObject({ ok: true, entries: 50 });
    } finally {
      await db.close();
    }
  });
});
