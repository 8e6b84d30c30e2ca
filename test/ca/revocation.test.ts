// Revocation, suspension and release on both databases: the state each leaves, the audit entry
// each writes, the CRL each republishes, the refusals (with no change), two revocations at once,
// and the automatic revocation after six months on hold.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAudit } from "../../src/audit/audit-log.ts";
import { issuingCa } from "../../src/ca/context.ts";
import { currentCrl } from "../../src/ca/crl-publisher.ts";
import { CaLifecycleError, caLifecycleErrorCodes } from "../../src/ca/errors.ts";
import {
  holdCertificate,
  releaseCertificate,
  revokeCertificate,
  revokeExpiredHolds,
  revokeInTransaction,
} from "../../src/ca/revocation.ts";
import { describeError } from "../../src/messages/index.ts";
import { readCrl } from "../../src/pki/crl.ts";
import { type CaFixture, caFixture } from "../support/ca-fixture.ts";
import { dbKinds } from "../support/db.ts";

const dayMs = 86_400_000;

function lifecycle(code: string) {
  return expect.objectContaining({ name: "CaLifecycleError", code });
}

describe.each(dbKinds)("revocation on %s", (kind) => {
  let f: CaFixture;
  beforeAll(async () => {
    f = await caFixture(kind);
  }, 120_000);
  afterAll(async () => {
    await f?.close();
  });

  async function row(serial: Uint8Array) {
    const { rows } = await f.db.query<{
      status: string;
      revoked_at: Date | null;
      revocation_reason: string | null;
    }>("SELECT status, revoked_at, revocation_reason FROM certificates WHERE serial = $1", [serial]);
    return rows[0]!;
  }

  async function audits(action: string, hex: string): Promise<number> {
    const { rows } = await f.db.query<{ n: bigint }>(
      "SELECT count(*) AS n FROM audit_log WHERE action = $1 AND subject = $2",
      [action, hex],
    );
    return Number(rows[0]!.n);
  }

  async function crlEntry(hex: string) {
    const crl = await currentCrl(f.ca);
    const parsed = await readCrl(crl.der, (await issuingCa(f.ca)).certificate);
    return parsed.entries.find((e) => e.serialNumber === hex);
  }

  it("revokes a valid certificate once: row, audit entry, CRL; a second revocation is refused", async () => {
    const c = await f.issue();
    const change = await revokeCertificate(f.ca, {
      serial: c.serial,
      reason: "keyCompromise",
      actor: "teller:kim",
    });
    expect(change).toMatchObject({
      serial: c.hex,
      previous: "valid",
      status: "revoked",
      reason: "keyCompromise",
    });
    const r = await row(c.serial);
    expect(r.status).toBe("revoked");
    expect(r.revocation_reason).toBe("keyCompromise");
    expect(await audits("certificate.revoke", c.hex)).toBe(1);
    expect((await crlEntry(c.hex))?.reason).toBe("keyCompromise");

    await expect(
      revokeCertificate(f.ca, { serial: c.serial, reason: "superseded", actor: "teller:kim" }),
    ).rejects.toThrow(lifecycle("already_revoked"));
    expect((await row(c.serial)).revocation_reason).toBe("keyCompromise");
    expect(await audits("certificate.revoke", c.hex)).toBe(1);
    expect(await verifyAudit(f.db)).toMatchObject({ ok: true });
  });

  it("refuses unknown serials, bad reasons, and serials not yet signed, changing nothing", async () => {
    const unknown = new Uint8Array(16).fill(0x41);
    await expect(
      revokeCertificate(f.ca, { serial: unknown, reason: "superseded", actor: "t" }),
    ).rejects.toThrow(lifecycle("cert_unknown"));
    await expect(
      revokeCertificate(f.ca, { serial: new Uint8Array(8).fill(1), reason: "superseded", actor: "t" }),
    ).rejects.toThrow(lifecycle("bad_serial"));
    const c = await f.issue();
    await expect(
      revokeCertificate(f.ca, { serial: c.serial, reason: "certificateHold", actor: "t" }),
    ).rejects.toThrow(lifecycle("bad_reason"));
    await expect(
      // A reason from outside the RFC 5280 list, as an untyped caller might send.
      revokeCertificate(f.ca, { serial: c.serial, reason: "removeFromCRL" as "superseded", actor: "t" }),
    ).rejects.toThrow(lifecycle("bad_reason"));
    expect((await row(c.serial)).status).toBe("valid");
    const signing = await f.issue({ status: "signing" });
    await expect(
      revokeCertificate(f.ca, { serial: signing.serial, reason: "superseded", actor: "t" }),
    ).rejects.toThrow(lifecycle("cert_not_live"));
    expect((await row(signing.serial)).status).toBe("signing");
    expect(await audits("certificate.revoke", signing.hex)).toBe(0);
  });

  it("revokes a pending certificate: it was signed and handed out", async () => {
    const c = await f.issue({ status: "pending" });
    await revokeCertificate(f.ca, { serial: c.serial, reason: "unspecified", actor: "t" });
    expect((await row(c.serial)).status).toBe("revoked");
    expect((await crlEntry(c.hex))?.reason).toBe("unspecified");
  });

  it("suspends and releases: certificateHold on the CRL, then off it", async () => {
    const c = await f.issue();
    const held = await holdCertificate(f.ca, { serial: c.serial, actor: "teller:kim" });
    expect(held).toMatchObject({ status: "hold", reason: "certificateHold" });
    expect(await row(c.serial)).toMatchObject({ status: "hold", revocation_reason: "certificateHold" });
    expect((await crlEntry(c.hex))?.reason).toBe("certificateHold");
    await expect(holdCertificate(f.ca, { serial: c.serial, actor: "t" })).rejects.toThrow(
      lifecycle("already_on_hold"),
    );

    await releaseCertificate(f.ca, { serial: c.serial, actor: "teller:kim" });
    expect(await row(c.serial)).toMatchObject({ status: "valid", revoked_at: null, revocation_reason: null });
    expect(await crlEntry(c.hex)).toBeUndefined();
    await expect(releaseCertificate(f.ca, { serial: c.serial, actor: "t" })).rejects.toThrow(
      lifecycle("not_on_hold"),
    );
    expect(await audits("certificate.hold", c.hex)).toBe(1);
    expect(await audits("certificate.release", c.hex)).toBe(1);
  });

  it("revoking a held certificate keeps the hold's time: it has been unusable since then", async () => {
    const c = await f.issue();
    const held = await holdCertificate(f.ca, { serial: c.serial, actor: "t" });
    f.clock.advance(3 * dayMs);
    try {
      const revoked = await revokeCertificate(f.ca, {
        serial: c.serial,
        reason: "keyCompromise",
        actor: "t",
      });
      expect(revoked.revokedAt?.getTime()).toBe(held.revokedAt?.getTime());
      expect(revoked.previous).toBe("hold");
      await expect(releaseCertificate(f.ca, { serial: c.serial, actor: "t" })).rejects.toThrow(
        lifecycle("already_revoked"),
      );
    } finally {
      f.clock.advance(-3 * dayMs);
    }
  });

  it("revokeInTransaction is part of the caller's transaction: a rollback leaves no trace", async () => {
    const c = await f.issue();
    await expect(
      f.db.transaction(async (tx) => {
        await revokeInTransaction(tx, {
          serial: c.serial,
          reason: "superseded",
          actor: "cmp",
          at: f.clock.now(),
        });
        throw new Error("the confirmation failed");
      }),
    ).rejects.toThrow("the confirmation failed");
    expect((await row(c.serial)).status).toBe("valid");
    expect(await audits("certificate.revoke", c.hex)).toBe(0);
  });

  it("of two revocations of one serial at once, one changes the row and the other is told", async () => {
    const c = await f.issue();
    const results = await Promise.allSettled([
      revokeCertificate(f.ca, { serial: c.serial, reason: "keyCompromise", actor: "a" }),
      revokeCertificate(f.ca, { serial: c.serial, reason: "superseded", actor: "b" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(CaLifecycleError);
    expect(refused.reason.code).toBe("already_revoked");
    expect(await audits("certificate.revoke", c.hex)).toBe(1);
    expect(await verifyAudit(f.db)).toMatchObject({ ok: true });
  });

  it("revokes holds after six months (cessationOfOperation, at the hold's time); refuses their release", async () => {
    const old = await f.issue();
    const recent = await f.issue();
    const oldHold = await holdCertificate(f.ca, { serial: old.serial, actor: "t" });
    f.clock.advance(60 * dayMs);
    await holdCertificate(f.ca, { serial: recent.serial, actor: "t" });
    f.clock.advance(122 * dayMs); // 182 days after the first hold: six months have passed
    try {
      await expect(releaseCertificate(f.ca, { serial: old.serial, actor: "t" })).rejects.toThrow(
        lifecycle("hold_expired"),
      );
      const revoked = await revokeExpiredHolds(f.ca);
      const hexes = revoked.map((s) => Buffer.from(s).toString("hex"));
      expect(hexes).toContain(old.hex);
      expect(hexes).not.toContain(recent.hex);
      expect(await row(old.serial)).toMatchObject({
        status: "revoked",
        revocation_reason: "cessationOfOperation",
      });
      expect((await row(old.serial)).revoked_at?.getTime()).toBe(oldHold.revokedAt?.getTime());
      expect((await row(recent.serial)).status).toBe("hold");
      expect((await crlEntry(old.hex))?.reason).toBe("cessationOfOperation");
      const { rows } = await f.db.query<{ actor: string }>(
        "SELECT actor FROM audit_log WHERE action = 'certificate.revoke' AND subject = $1",
        [old.hex],
      );
      expect(rows.map((r) => r.actor)).toEqual(["scheduler"]);
      expect(await revokeExpiredHolds(f.ca)).toEqual([]);
    } finally {
      f.clock.advance(-182 * dayMs);
    }
  });
});

describe("lifecycle error messages", () => {
  it("every code has a Korean and an English sentence naming the serial", () => {
    for (const code of caLifecycleErrorCodes) {
      const e = new CaLifecycleError(code, "abc123");
      expect(describeError(e, "ko"), code).toMatch(/[가-힣].*abc123$/);
      expect(describeError(e, "en"), code).toMatch(/^[\x20-\x7e]+abc123$/);
    }
  });
});
