// The RA's issuance authorisations and the lifecycle rules they carry (DESIGN §4): one live
// certificate per member and purpose, reissue after loss (revoked at once, keyCompromise) or after
// damage (revoked with the new one's confirmation, superseded), the old expiry kept, lifetimes of
// web and branch authorisations, and the RRN erased once used.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findUser } from "../../src/auth/users.ts";
import { liveCertificate } from "../../src/ca/certificates.ts";
import { issuingCa } from "../../src/ca/context.ts";
import { revokeCertificate } from "../../src/ca/revocation.ts";
import { authorizeForUser, holderOf } from "../../src/certcenter/authorize.ts";
import { CertcenterError } from "../../src/certcenter/errors.ts";
import { toBytes } from "../../src/pki/bytes.ts";
import { CmpRefusal, enrol } from "../../src/pki/cmp-client.ts";
import { generateKeyPair } from "../../src/pki/csr.ts";
import { X509Certificate } from "../../src/pki/x509.ts";
import { type CaServer, startCaServer } from "../support/ca-server.ts";

describe.each(["pglite", "postgres"] as const)("issuance authorisations (%s)", (kind) => {
  let s: CaServer;
  const send = (der: Uint8Array<ArrayBuffer>) => s.cmp(der);
  const authorize = (
    userId: string,
    o: { reissue?: "lost" | "damaged" | "forgotten"; channel?: "web" | "branch" } = {},
  ) =>
    authorizeForUser(s.app, {
      userId,
      purpose: "bank",
      channel: o.channel ?? "web",
      actor: "teller:t1",
      ...o,
    });
  const statusOf = async (cert: Uint8Array) => {
    const serial = new X509Certificate(toBytes(cert)).serialNumber;
    const { rows } = await s.app.db.query<{ status: string; revocation_reason: string | null }>(
      "SELECT status, revocation_reason FROM certificates WHERE encode(serial, 'hex') = $1",
      [serial.toLowerCase().replace(/^00/, "")],
    );
    return rows[0];
  };

  const findHolder = async (userId: string) => {
    const u = await findUser(s.app.db, userId);
    return u && holderOf(u.cooperativeId, u.memberId);
  };

  beforeAll(async () => {
    s = await startCaServer(kind);
  }, 60_000);
  afterAll(async () => s?.close());

  it("keeps one live certificate per member and purpose; reissues replace it as DESIGN says", async () => {
    const userId = s.users[0]!.userId;
    const first = await enrol({
      send,
      ...(await authorize(userId)),
      keys: await generateKeyPair({ algorithm: "EC" }),
    });
    const { rows } = await s.app.db.query<{ rrn_sealed: Uint8Array | null }>(
      "SELECT rrn_sealed FROM ca_authorizations WHERE state = 'used'",
    );
    expect(
      rows.every((r) => r.rrn_sealed === null),
      "the RRN is erased once used",
    ).toBe(true);

    await expect(authorize(userId)).rejects.toEqual(new CertcenterError("cert_exists"));
    await expect(authorize(s.users[1]!.userId, { reissue: "damaged" })).rejects.toEqual(
      new CertcenterError("no_certificate"),
    );

    // Damaged: the old one stays valid until the new one is confirmed, then is superseded.
    const damaged = await authorize(userId, { reissue: "damaged" });
    expect(await statusOf(first.certificate)).toEqual({ status: "valid", revocation_reason: null });
    const second = await enrol({ send, ...damaged, keys: await generateKeyPair({ algorithm: "EC" }) });
    expect(await statusOf(first.certificate)).toEqual({ status: "revoked", revocation_reason: "superseded" });
    expect(await statusOf(second.certificate)).toEqual({ status: "valid", revocation_reason: null });
    const notAfter = (c: Uint8Array) => new X509Certificate(toBytes(c)).notAfter.getTime();
    expect(notAfter(second.certificate), "a reissue keeps the old expiry").toBe(notAfter(first.certificate));

    // Lost: revoked the moment the reissue is authorised, before any new certificate exists.
    const lost = await authorize(userId, { reissue: "lost" });
    expect(await statusOf(second.certificate)).toEqual({
      status: "revoked",
      revocation_reason: "keyCompromise",
    });
    const third = await enrol({ send, ...lost, keys: await generateKeyPair({ algorithm: "EC" }) });
    expect(await statusOf(third.certificate)).toEqual({ status: "valid", revocation_reason: null });
    expect(notAfter(third.certificate)).toBe(notAfter(first.certificate));
  });

  it("lets only one of two authorisations made at once become the live certificate", async () => {
    const userId = "kim2026";
    const [a, b] = await Promise.all([authorize(userId), authorize(userId)]);
    await enrol({ send, ...a!, keys: await generateKeyPair({ algorithm: "EC" }) });
    const second = await enrol({ send, ...b!, keys: await generateKeyPair({ algorithm: "EC" }) }).catch(
      (e: unknown) => e,
    );
    expect(second).toBeInstanceOf(CmpRefusal);
    expect((second as CmpRefusal).failures).toEqual(["notAuthorized"]);
    const { rows } = await s.app.db.query<{ status: string }>(
      "SELECT c.status FROM certificates c WHERE c.authorization_ref IN ($1, $2) ORDER BY c.status",
      [a!.referenceNumber, b!.referenceNumber],
    );
    expect(rows.map((r) => r.status)).toEqual(["pending", "valid"]);
    // Leave the member without a live certificate for the next test.
    const live = await liveCertificate(s.app.db, (await findHolder(userId))!, "bank");
    await revokeCertificate(s.app.ca, {
      serial: live!.serial,
      reason: "cessationOfOperation",
      actor: "test",
    });
  });

  it("ends web authorisations after 10 minutes and branch ones after 14 days", async () => {
    const userId = s.users[1]!.userId;
    const web = await authorize(userId);
    const branch = await authorize(userId, { channel: "branch" });
    const keys = await generateKeyPair({ algorithm: "EC" });
    const start = s.clock.at;
    try {
      s.clock.advance(10 * 60_000 + 1000);
      // Refused before any MAC work, so the refusal is signed by the CA: read it with its certificate.
      const caCertificate = (await issuingCa(s.app.ca)).certificate;
      await expect(enrol({ send, ...web, keys, caCertificate })).rejects.toBeInstanceOf(CmpRefusal);
      s.clock.advance(14 * 86_400_000 - 20 * 60_000);
      const ok = await enrol({ send, ...branch, keys });
      expect(ok.certificate.length).toBeGreaterThan(100);
    } finally {
      s.clock.at = start;
    }
  });
});

describe("a CA that requires the VID random", () => {
  let s: CaServer;
  beforeAll(async () => {
    s = await startCaServer("pglite", { requireVidRandom: true });
  }, 60_000);
  afterAll(async () => s?.close());

  it("refuses a request without R (as plain openssl cmp sends) and issues one with it", async () => {
    const send = (der: Uint8Array<ArrayBuffer>) => s.cmp(der);
    const auth = await authorizeForUser(s.app, {
      userId: s.users[0]!.userId,
      purpose: "universal",
      channel: "web",
      actor: "member",
    });
    const keys = await generateKeyPair({ algorithm: "EC" });
    const refused = await enrol({ send, ...auth, keys }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CmpRefusal);
    expect((refused as CmpRefusal).failures).toEqual(["badRequest"]);
    const vidRandom = crypto.getRandomValues(new Uint8Array(20));
    const { certificate } = await enrol({ send, ...auth, keys, vidRandom });
    expect(certificate.length).toBeGreaterThan(100);
  });
});
