// The published CRL on both databases, judged by OpenSSL: signed by the issuing CA, numbered, a
// day long, listing holds and revocations with their reasons; republished when due; numbers that
// never repeat or go back, also with publishers racing on PostgreSQL.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issuingCa } from "../../src/ca/context.ts";
import {
  crlNeedsRefresh,
  crlValidityMs,
  currentCrl,
  publishCrl,
  refreshCrlIfDue,
} from "../../src/ca/crl-publisher.ts";
import { holdCertificate, revokeCertificate, revokeInTransaction } from "../../src/ca/revocation.ts";
import { readCrl } from "../../src/pki/crl.ts";
import { type CaFixture, caFixture, openssl } from "../support/ca-fixture.ts";
import { dbKinds } from "../support/db.ts";

const hourMs = 3_600_000;

describe.each(dbKinds)("CRL publisher on %s", (kind) => {
  let f: CaFixture;
  beforeAll(async () => {
    f = await caFixture(kind, { poolSize: 12 });
  }, 120_000);
  afterAll(async () => {
    await f?.close();
  });

  it("publishes a first CRL on demand, and OpenSSL verifies it and reads its entries", async () => {
    const first = await currentCrl(f.ca);
    // The time in seconds: numbers keep rising even after a restore that lost the crls table.
    expect(first.crlNumber).toBe(BigInt(Math.floor(first.thisUpdate.getTime() / 1000)));
    expect(first.entries).toBe(0);
    expect(first.nextUpdate.getTime() - first.thisUpdate.getTime()).toBe(crlValidityMs);
    expect((await currentCrl(f.ca)).crlNumber).toBe(first.crlNumber);

    const revoked = await f.issue();
    const held = await f.issue();
    const good = await f.issue();
    await revokeCertificate(f.ca, { serial: revoked.serial, reason: "keyCompromise", actor: "t" });
    await holdCertificate(f.ca, { serial: held.serial, actor: "t" });
    const crl = await currentCrl(f.ca);
    expect(crl.crlNumber).toBeGreaterThan(first.crlNumber);

    const path = join(f.dir, "crl.der");
    writeFileSync(path, crl.der);
    const r = openssl([
      "crl",
      "-inform",
      "DER",
      "-in",
      path,
      "-CAfile",
      join(f.dir, "chain.pem"),
      "-noout",
      "-text",
    ]);
    expect(r.stderr).toContain("verify OK");
    expect(r.stdout).toMatch(new RegExp(`X509v3 CRL Number:\\s+${crl.crlNumber}\\b`));
    expect(r.stdout).toMatch(
      new RegExp(`Serial Number: ${revoked.hex.toUpperCase()}[\\s\\S]*?CRL Reason Code:\\s+Key Compromise`),
    );
    expect(r.stdout).toMatch(
      new RegExp(`Serial Number: ${held.hex.toUpperCase()}[\\s\\S]*?CRL Reason Code:\\s+Certificate Hold`),
    );
    expect(r.stdout).not.toContain(good.hex.toUpperCase());
    expect(r.stdout).toMatch(/Next Update: /);
  });

  it("is due again once half its life is gone, and after a change it missed", async () => {
    await publishCrl(f.ca);
    expect(await crlNeedsRefresh(f.ca)).toBe(false);
    expect(await refreshCrlIfDue(f.ca)).toBeUndefined();

    // A revocation whose republication never happened (the process died after the commit).
    const c = await f.issue();
    await f.db.transaction((tx) =>
      revokeInTransaction(tx, { serial: c.serial, reason: "superseded", actor: "t", at: f.clock.now() }),
    );
    expect(await crlNeedsRefresh(f.ca)).toBe(true);
    const fixed = await refreshCrlIfDue(f.ca);
    expect(fixed?.entries).toBeGreaterThan(0);
    expect(await crlNeedsRefresh(f.ca)).toBe(false);

    f.clock.advance(13 * hourMs);
    try {
      expect(await crlNeedsRefresh(f.ca)).toBe(true);
      const next = await refreshCrlIfDue(f.ca);
      expect(next!.crlNumber).toBeGreaterThan(fixed!.crlNumber);
    } finally {
      f.clock.advance(-13 * hourMs);
    }
  });

  it("never serves an expired CRL: past nextUpdate, a new one is made on demand", async () => {
    const before = await currentCrl(f.ca);
    const jump = before.nextUpdate.getTime() - f.clock.now().getTime() + hourMs;
    f.clock.advance(jump);
    try {
      const after = await currentCrl(f.ca);
      expect(after.crlNumber).toBeGreaterThan(before.crlNumber);
      expect(after.nextUpdate.getTime()).toBeGreaterThan(f.clock.now().getTime());
    } finally {
      f.clock.advance(-jump);
    }
  });

  it("publishers racing get distinct, rising numbers, each CRL listing what came before", async () => {
    const start = (await currentCrl(f.ca)).crlNumber;
    const c = await f.issue();
    const racing = await Promise.all([
      ...Array.from({ length: 8 }, () => publishCrl(f.ca)),
      revokeCertificate(f.ca, { serial: c.serial, reason: "affiliationChanged", actor: "t" }),
    ]);
    const crls = racing.slice(0, 8) as Awaited<ReturnType<typeof publishCrl>>[];
    expect(new Set(crls.map((x) => x.crlNumber)).size).toBe(8);
    // Eight here and one from the revocation, in the order they took the lock.
    const { rows } = await f.db.query<{ crl_number: bigint; this_update: Date; entries: number }>(
      "SELECT crl_number, this_update, entries FROM crls WHERE crl_number > $1 ORDER BY crl_number",
      [start],
    );
    expect(rows).toHaveLength(9);
    for (let i = 1; i < rows.length; i++) {
      // A later number was made later and saw everything an earlier one did.
      expect(rows[i]!.this_update.getTime()).toBeGreaterThanOrEqual(rows[i - 1]!.this_update.getTime());
      expect(rows[i]!.entries).toBeGreaterThanOrEqual(rows[i - 1]!.entries);
    }
    const newest = await f.db.query<{ der: Uint8Array }>(
      "SELECT der FROM crls ORDER BY crl_number DESC LIMIT 1",
    );
    const listed = await readCrl(newest.rows[0]!.der, (await issuingCa(f.ca)).certificate);
    expect(listed.entries.map((e) => e.serialNumber)).toContain(c.hex);
  });

  it("keeps the newest ten CRLs and counts on from the newest", async () => {
    let last = 0n;
    for (let i = 0; i < 12; i++) last = (await publishCrl(f.ca)).crlNumber;
    const { rows } = await f.db.query<{ n: bigint; hi: bigint }>(
      "SELECT count(*) AS n, max(crl_number) AS hi FROM crls",
    );
    expect(rows[0]!.n).toBe(10n);
    expect(rows[0]!.hi).toBe(last);
    expect((await publishCrl(f.ca)).crlNumber).toBeGreaterThan(last);
  });
});
