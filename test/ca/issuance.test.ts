// The CA's revocation of certificates left unconfirmed, against a confirmation in flight: on the
// PostgreSQL server, where two connections can hold locks at once (PGlite has one connection).
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { confirmWaitMs, revokeUnconfirmed } from "../../src/ca/issuance.ts";
import { toHex } from "../../src/pki/bytes.ts";
import { type CaFixture, caFixture } from "../support/ca-fixture.ts";

describe("revokeUnconfirmed on postgres", () => {
  let f: CaFixture;
  beforeAll(async () => {
    f = await caFixture("postgres", { poolSize: 4 });
  }, 120_000);
  afterAll(async () => {
    await f?.close();
  });

  async function status(serial: Uint8Array): Promise<string | undefined> {
    const { rows } = await f.db.query<{ status: string }>(
      "SELECT status FROM certificates WHERE serial = $1",
      [serial],
    );
    return rows[0]?.status;
  }

  it("leaves a certificate being confirmed to its confirmation, and does not wait for it", async () => {
    const [a, b] = [await f.issue({ status: "pending" }), await f.issue({ status: "pending" })];
    f.clock.advance(confirmWaitMs + 60_000);
    // A certConf for b in flight on another connection: b's row locked, the audit head not yet
    // taken (confirmPlainly takes them in that order, in one statement).
    const other = new pg.Client({ connectionString: (f.db as { url?: string }).url });
    await other.connect();
    try {
      await other.query("BEGIN");
      await other.query("SELECT 1 FROM certificates WHERE serial = $1 FOR NO KEY UPDATE", [b.serial]);
      const outcome = await Promise.race([
        revokeUnconfirmed(f.ca),
        new Promise<"waited">((resolve) => setTimeout(() => resolve("waited"), 10_000)),
      ]);
      expect(outcome, "revokeUnconfirmed waited on the locked certificate").not.toBe("waited");
      expect((outcome as Uint8Array[]).map(toHex)).toEqual([a.hex]);
      await other.query("UPDATE certificates SET status = 'valid' WHERE serial = $1", [b.serial]);
      await other.query("COMMIT");
    } finally {
      await other.query("ROLLBACK").catch(() => undefined);
      await other.end();
      f.clock.advance(-(confirmWaitMs + 60_000));
    }
    expect(await status(a.serial)).toBe("revoked");
    expect(await status(b.serial)).toBe("valid");
  }, 30_000);
});
