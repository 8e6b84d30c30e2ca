// The CA's revocation of certificates left unconfirmed, against a confirmation in flight: on the
// PostgreSQL server, where two connections can hold locks at once (PGlite has one connection);
// and serials reserved but never signed (a crash between the two), rejected by the upkeep.
import { AsnConvert } from "@peculiar/asn1-schema";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CaContext } from "../../src/ca/context.ts";
import { confirmWaitMs, issueCertificate, rejectUnsigned, revokeUnconfirmed } from "../../src/ca/issuance.ts";
import { caMaintenance } from "../../src/ca/maintenance.ts";
import { toHex } from "../../src/pki/bytes.ts";
import { personalSubjectName } from "../../src/pki/profile.ts";
import { type CaFixture, caFixture } from "../support/ca-fixture.ts";
import { dbKinds } from "../support/db.ts";

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

describe("issueCertificate on a context that has not loaded its issuing CA yet (pglite)", () => {
  let f: CaFixture;
  beforeAll(async () => {
    f = await caFixture("pglite");
  }, 120_000);
  afterAll(async () => {
    await f?.close();
  });

  it("issues: the issuing CA is loaded before PGlite's one connection is taken by the transaction", async () => {
    // A context of its own: perContext caches nothing for it yet.
    const cold: CaContext = { ...f.ca };
    const key = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
      "sign",
      "verify",
    ])) as CryptoKeyPair;
    const now = f.clock.now();
    const issuing = issueCertificate(cold, {
      holder: "1:1",
      purpose: "bank",
      subjectName: new Uint8Array(
        AsnConvert.serialize(
          personalSubjectName({
            realName: "홍길동",
            serialHint: "0000001",
            registrationUnit: "한빛새마을금고",
            organization: f.ca.organization,
          }),
        ),
      ),
      publicKey: new Uint8Array(await crypto.subtle.exportKey("spki", key.publicKey)),
      notBefore: now,
      notAfter: new Date(now.getTime() + 365 * 86_400_000),
      actor: "test",
    });
    const outcome = await Promise.race([
      issuing,
      new Promise<"waited">((resolve) => setTimeout(() => resolve("waited"), 20_000)),
    ]);
    expect(outcome, "issueCertificate waited for a connection its own transaction holds").not.toBe("waited");
    expect(outcome).toMatchObject({ der: expect.any(Uint8Array) });
  }, 60_000);
});

describe.each(dbKinds)("serials reserved and never signed (%s)", (kind) => {
  let f: CaFixture;
  beforeAll(async () => {
    f = await caFixture(kind);
  }, 120_000);
  afterAll(async () => {
    await f?.close();
  });

  it("are rejected by the CA's upkeep once the confirmation wait is over, with an audit entry", async () => {
    // A process that died between reserving a serial and signing it leaves the row in `signing`.
    const crashed = await f.issue({ status: "signing" });
    const status = async () =>
      (
        await f.db.query<{ status: string }>("SELECT status FROM certificates WHERE serial = $1", [
          crashed.serial,
        ])
      ).rows[0]?.status;
    expect(await rejectUnsigned(f.ca)).toEqual([]);
    expect(await status()).toBe("signing");
    f.clock.advance(confirmWaitMs + 60_000);
    try {
      const report = await caMaintenance(f.ca);
      expect(report.ran).toBe(true);
      expect(await status()).toBe("rejected");
      const { rows } = await f.db.query<{ payload: string }>(
        "SELECT payload FROM audit_log WHERE action = 'ca.abandoned'",
      );
      expect(
        rows.map((r) => (JSON.parse(r.payload) as { details: { serial: string } }).details.serial),
      ).toEqual([crashed.hex]);
      // Once only.
      expect(await rejectUnsigned(f.ca)).toEqual([]);
    } finally {
      f.clock.advance(-(confirmWaitMs + 60_000));
    }
  }, 60_000);
});
