// The OCSP responder on both databases, judged by OpenSSL: requests `openssl ocsp` writes, answered
// from pre-signed responses by the delegated signer; good, then revoked; held and released; never
// good for what we did not issue; re-signed when stale or contradicted; several CertIDs and SHA-256
// CertIDs signed on the fly; the signer's rotation and the scheduler's run.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  BasicOCSPResponse,
  id_pkix_ocsp_nonce,
  OCSPRequest,
  OCSPResponse,
  OCSPResponseStatus,
} from "@peculiar/asn1-ocsp";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caMaintenance, rotateOcspSigner } from "../../src/ca/maintenance.ts";
import {
  answerOcsp,
  type OcspReply,
  ocspResponseValidityMs,
  refreshOcspResponses,
} from "../../src/ca/ocsp-responder.ts";
import { activeOcspSigner } from "../../src/ca/ocsp-signer.ts";
import {
  holdCertificate,
  releaseCertificate,
  revokeCertificate,
  revokeInTransaction,
} from "../../src/ca/revocation.ts";
import { toPem } from "../../src/pki/bytes.ts";
import { type CaFixture, caFixture, type IssuedCertificate, openssl } from "../support/ca-fixture.ts";
import { dbKinds } from "../support/db.ts";

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

/** The parts of a response a test looks at: status, this update, and the signer's certificate. */
function inspect(der: Uint8Array) {
  const resp = AsnConvert.parse(der, OCSPResponse);
  if (!resp.responseBytes) return { responseStatus: resp.responseStatus };
  const basic = AsnConvert.parse(resp.responseBytes.response.buffer, BasicOCSPResponse);
  const single = basic.tbsResponseData.responses[0]!;
  return {
    responseStatus: resp.responseStatus,
    answers: basic.tbsResponseData.responses.length,
    thisUpdate: single.thisUpdate,
    signer: new Uint8Array(AsnConvert.serialize(basic.certs![0]!)),
  };
}

describe.each(dbKinds)("OCSP responder on %s", (kind) => {
  let f: CaFixture;
  let n = 0;
  beforeAll(async () => {
    f = await caFixture(kind);
  }, 120_000);
  afterAll(async () => {
    await f?.close();
  });

  /** `openssl ocsp` writes a request for these certificates (or serial numbers). */
  function request(
    targets: (IssuedCertificate | string)[],
    extra: string[] = [],
  ): { path: string; der: Uint8Array } {
    const path = join(f.dir, `req-${++n}.der`);
    const names = targets.flatMap((t) => (typeof t === "string" ? ["-serial", t] : ["-cert", t.pemPath]));
    // Options first: OpenSSL takes a CertID digest only before the -cert or -serial it applies to.
    const r = openssl(["ocsp", "-issuer", join(f.dir, "issuing.pem"), ...extra, ...names, "-reqout", path]);
    expect(r.status, r.stderr).toBe(0);
    return { path, der: new Uint8Array(readFileSync(path)) };
  }

  /** OpenSSL's judgement of our answer to a request: its verification line and the response text. */
  async function judge(req: { path: string; der: Uint8Array }) {
    return verdict(req, await answerOcsp(f.ca, req.der));
  }

  function verdict(req: { path: string; der: Uint8Array }, reply: OcspReply, name = "resp") {
    expect(reply.status).toBe(200);
    const respPath = `${req.path}.${name}`;
    writeFileSync(respPath, reply.body);
    const r = openssl([
      "ocsp",
      "-reqin",
      req.path,
      "-respin",
      respPath,
      "-issuer",
      join(f.dir, "issuing.pem"),
      "-CAfile",
      join(f.dir, "chain.pem"),
      "-resp_text",
    ]);
    return { ...r, out: `${r.stdout}${r.stderr}`, reply };
  }

  it("answers good, then revoked with reason and time, from responses OpenSSL verifies", async () => {
    const c = await f.issue();
    const good = await judge(request([c], ["-no_nonce"]));
    expect(good.stderr).toContain("Response verify OK");
    expect(good.stdout).toMatch(/Cert Status: good/);
    expect(good.out).not.toMatch(/nonce/i);
    expect(good.reply.maxAgeSeconds).toBeGreaterThan(0);

    await revokeCertificate(f.ca, { serial: c.serial, reason: "keyCompromise", actor: "t" });
    const revoked = await judge(request([c], ["-no_nonce"]));
    expect(revoked.stderr).toContain("Response verify OK");
    expect(revoked.stdout).toMatch(/Cert Status: revoked[\s\S]*Revocation Reason: keyCompromise/);
  });

  it("a pre-signed response cannot echo a nonce: OpenSSL warns, and still verifies", async () => {
    const c = await f.issue();
    const withNonce = await judge(request([c]));
    expect(withNonce.status).toBe(0);
    expect(withNonce.stderr).toContain("WARNING: no nonce in response");
    expect(withNonce.stderr).toContain("Response verify OK");
    // The same bytes as for a request without a nonce: served from the store, not signed anew.
    const without = await answerOcsp(f.ca, request([c], ["-no_nonce"]).der);
    expect(Buffer.from(without.body).equals(Buffer.from(withNonce.reply.body))).toBe(true);
  });

  it("held is revoked (certificateHold); released is good again", async () => {
    const c = await f.issue();
    await holdCertificate(f.ca, { serial: c.serial, actor: "t" });
    const held = await judge(request([c], ["-no_nonce"]));
    expect(held.stdout).toMatch(/Cert Status: revoked[\s\S]*Revocation Reason: certificateHold/);
    await releaseCertificate(f.ca, { serial: c.serial, actor: "t" });
    const released = await judge(request([c], ["-no_nonce"]));
    expect(released.stderr).toContain("Response verify OK");
    expect(released.stdout).toMatch(/Cert Status: good/);
  });

  it("never answers good for a serial it did not issue, nor one never signed or confirmed", async () => {
    const notOurs = await judge(request(["0x4a1b2c3d4e5f60718293a4b5c6d7e8f9"]));
    expect(notOurs.out).toMatch(/Responder Error: unauthorized/);
    expect(notOurs.out).not.toMatch(/Cert Status: good/);
    for (const status of ["signing", "pending", "rejected"] as const) {
      const c = await f.issue({ status });
      const hex = `0x${c.hex}`;
      const r = await judge(request([hex]));
      expect(r.out, status).toMatch(/Responder Error: unauthorized/);
    }
    // Our serial, but named under another issuer (the root).
    const c = await f.issue();
    const path = join(f.dir, `req-${++n}.der`);
    openssl(["ocsp", "-issuer", join(f.dir, "root.pem"), "-serial", `0x${c.hex}`, "-reqout", path]);
    expect((await judge({ path, der: new Uint8Array(readFileSync(path)) })).out).toMatch(/unauthorized/);
    // Not DER at all.
    expect(inspect((await answerOcsp(f.ca, new Uint8Array([0x30, 0x03, 1, 2, 3]))).body).responseStatus).toBe(
      1,
    );
  });

  it("answers many relying parties at once (one look-up per turn), each for its own certificate", async () => {
    const good = await f.issue();
    const revoked = await f.issue();
    const pending = await f.issue({ status: "pending" });
    await revokeCertificate(f.ca, { serial: revoked.serial, reason: "keyCompromise", actor: "t" });
    const asked = [
      { req: request([good], ["-no_nonce"]), expected: /Cert Status: good/ },
      { req: request([revoked], ["-no_nonce"]), expected: /Cert Status: revoked[\s\S]*keyCompromise/ },
      { req: request([`0x${pending.hex}`], ["-no_nonce"]), expected: /Responder Error: unauthorized/ },
      { req: request(["0x4a1b2c3d4e5f60718293a4b5c6d7e8f9"], ["-no_nonce"]), expected: /unauthorized/ },
    ];
    // Every request several times over, all in flight together: the answers must not be crossed,
    // and the stored responses are looked up once for all of them.
    const rounds = 5;
    const db = f.ca.db;
    const query = db.query;
    let lookups = 0;
    db.query = ((sql: string, params?: readonly unknown[]) => {
      if (sql.includes("LEFT JOIN ocsp_signers")) lookups++;
      return query.call(db, sql, params);
    }) as typeof db.query;
    let replies: OcspReply[];
    try {
      replies = await Promise.all(
        Array.from({ length: rounds }, () => asked.map((a) => answerOcsp(f.ca, a.req.der))).flat(),
      );
    } finally {
      db.query = query;
    }
    expect(lookups).toBe(1);
    for (const [i, reply] of replies.entries()) {
      const a = asked[i % asked.length]!;
      const r = verdict(a.req, reply, `${i}.resp`);
      expect(r.out).toMatch(a.expected);
    }
  });

  it("never serves a stored response that contradicts the certificate (a lost republication)", async () => {
    const c = await f.issue();
    expect((await judge(request([c], ["-no_nonce"]))).stdout).toMatch(/Cert Status: good/);
    // Revoked, committed, and then the process died before republishing.
    await f.db.transaction((tx) =>
      revokeInTransaction(tx, { serial: c.serial, reason: "superseded", actor: "t", at: f.clock.now() }),
    );
    const after = await judge(request([c], ["-no_nonce"]));
    expect(after.stdout).toMatch(/Cert Status: revoked[\s\S]*Revocation Reason: superseded/);
  });

  it("re-signs a response about to go stale instead of serving it", async () => {
    const c = await f.issue();
    const req = request([c], ["-no_nonce"]);
    const first = await answerOcsp(f.ca, req.der);
    const again = await answerOcsp(f.ca, req.der);
    expect(Buffer.from(again.body).equals(Buffer.from(first.body))).toBe(true);
    f.clock.advance(ocspResponseValidityMs - 5 * 60_000);
    try {
      const late = await answerOcsp(f.ca, req.der);
      expect(late.thisUpdate!.getTime()).toBeGreaterThan(first.thisUpdate!.getTime());
      expect(inspect(late.body).thisUpdate!.getTime()).toBe(late.thisUpdate!.getTime());
      expect(late.nextUpdate!.getTime()).toBeGreaterThan(f.clock.now().getTime() + 23 * hourMs);
    } finally {
      f.clock.advance(-(ocspResponseValidityMs - 5 * 60_000));
    }
  });

  it("signs several CertIDs, and SHA-256 CertIDs, on the fly with the nonce echoed", async () => {
    const a = await f.issue();
    const b = await f.issue();
    await revokeCertificate(f.ca, { serial: b.serial, reason: "superseded", actor: "t" });
    const both = await judge(request([a, b]));
    expect(both.stderr).toContain("Response verify OK");
    expect(both.stderr).not.toContain("WARNING: no nonce");
    expect(both.stdout).toMatch(/Cert Status: good[\s\S]*Cert Status: revoked/);
    expect(inspect(both.reply.body).answers).toBe(2);
    // One certificate we did not issue spoils the lot.
    expect((await judge(request([a, "0x4a1b2c3d4e5f60718293a4b5c6d7e8f9"]))).out).toMatch(/unauthorized/);

    const sha256 = await judge(request([a], ["-sha256"]));
    expect(sha256.stderr).toContain("Response verify OK");
    expect(sha256.stdout).toMatch(/Hash Algorithm: sha256[\s\S]*Cert Status: good/);
  });

  it("nonces of 1 to 32 bytes are echoed; 0 or 33 bytes are malformedRequest (RFC 8954 §2.1)", async () => {
    const a = await f.issue();
    // OpenSSL writes a 16-byte nonce; the request is re-written with a nonce of each length.
    const base = request([a], ["-sha256"]);
    const withNonce = (bytes: number) => {
      const req = AsnConvert.parse(base.der, OCSPRequest);
      const ext = req.tbsRequest.requestExtensions!.find((e) => e.extnID === id_pkix_ocsp_nonce)!;
      const value = new Uint8Array(bytes).fill(0x5a);
      ext.extnValue = new OctetString(AsnConvert.serialize(new OctetString(value)));
      const path = join(f.dir, `req-${++n}-nonce${bytes}.der`);
      const der = new Uint8Array(AsnConvert.serialize(req));
      writeFileSync(path, der);
      return { path, der };
    };
    for (const bytes of [1, 16, 32]) {
      const ok = await judge(withNonce(bytes));
      expect(ok.stderr, `${bytes} bytes`).toContain("Response verify OK");
      expect(ok.stderr, `${bytes} bytes`).not.toMatch(/nonce/i);
    }
    for (const bytes of [0, 33]) {
      const refused = await judge(withNonce(bytes));
      expect(refused.out, `${bytes} bytes`).toMatch(/Responder Error: malformedrequest/i);
      expect(inspect(refused.reply.body).responseStatus).toBe(OCSPResponseStatus.malformedRequest);
    }
  });

  it("refreshes every response going stale, and only those", async () => {
    const certs = [await f.issue(), await f.issue(), await f.issue()];
    await refreshOcspResponses(f.ca);
    expect(await refreshOcspResponses(f.ca)).toBe(0);
    const stored = await f.db.query<{ n: bigint }>(
      "SELECT count(*) AS n FROM ocsp_responses r JOIN certificates c USING (serial) WHERE c.serial = ANY(ARRAY[$1::bytea, $2::bytea, $3::bytea])",
      certs.map((c) => c.serial),
    );
    expect(stored.rows[0]!.n).toBe(3n);
    f.clock.advance(13 * hourMs);
    try {
      // Due now: every response with under twelve hours left at the moved clock.
      const due = await f.db.query<{ n: bigint }>(
        "SELECT count(*) AS n FROM ocsp_responses WHERE next_update < $1",
        [new Date(f.clock.now().getTime() + 12 * hourMs)],
      );
      expect(Number(due.rows[0]!.n)).toBeGreaterThanOrEqual(certs.length);
      expect(await refreshOcspResponses(f.ca)).toBe(Number(due.rows[0]!.n));
      expect(await refreshOcspResponses(f.ca)).toBe(0);
    } finally {
      f.clock.advance(-13 * hourMs);
    }
  });

  it("the delegated signer: OCSP signing only, no-check, issued by the issuing CA", async () => {
    const signer = await activeOcspSigner(f.ca);
    const path = join(f.dir, "signer.pem");
    writeFileSync(path, toPem("CERTIFICATE", signer.certificate));
    const text = openssl(["x509", "-in", path, "-noout", "-text"]).stdout;
    expect(text).toMatch(/Extended Key Usage:\s+OCSP Signing/);
    expect(text).toMatch(/OCSP No Check/);
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature/);
    const v = openssl([
      "verify",
      "-x509_strict",
      "-purpose",
      "ocsphelper",
      "-CAfile",
      join(f.dir, "chain.pem"),
      path,
    ]);
    expect(v.stdout).toContain("OK");
    expect(signer.notAfter.getTime() - f.clock.now().getTime()).toBeLessThanOrEqual(30 * dayMs);
  });

  it("rotation: responses are re-signed by the new signer, OpenSSL still verifies, the audit log records it", async () => {
    const c = await f.issue();
    const req = request([c], ["-no_nonce"]);
    const before = inspect((await answerOcsp(f.ca, req.der)).body).signer;
    const { signer, responsesSigned } = await rotateOcspSigner(f.ca, { actor: "operator:test" });
    expect(responsesSigned).toBeGreaterThan(0);
    const active = await activeOcspSigner(f.ca);
    expect(active.id).toBe(signer.id);
    const after = await judge(req);
    expect(after.stderr).toContain("Response verify OK");
    expect(Buffer.from(inspect(after.reply.body).signer!).equals(Buffer.from(active.certificate))).toBe(true);
    expect(Buffer.from(inspect(after.reply.body).signer!).equals(Buffer.from(before!))).toBe(false);
    const { rows } = await f.db.query<{ n: bigint }>(
      "SELECT count(*) AS n FROM ocsp_responses WHERE signer_id <> $1",
      [signer.id],
    );
    expect(rows[0]!.n).toBe(0n);
    const audit = await f.db.query<{ actor: string }>(
      "SELECT actor FROM audit_log WHERE action = 'ocsp.signer.rotate' AND subject = $1",
      [signer.fingerprint],
    );
    expect(audit.rows.map((r) => r.actor)).toEqual(["operator:test"]);
  });

  it("the scheduler rotates a signer with under a week left, once, and runs one process at a time", async () => {
    const first = await activeOcspSigner(f.ca);
    const jump = first.notAfter.getTime() - f.clock.now().getTime() - 6 * dayMs;
    f.clock.advance(jump);
    try {
      const runs = await Promise.all([caMaintenance(f.ca), caMaintenance(f.ca)]);
      expect(runs.map((r) => r.ran).sort()).toEqual([false, true]);
      const ran = runs.find((r) => r.ran)!;
      expect(ran.signerRotated).toBeDefined();
      expect((await activeOcspSigner(f.ca)).id).not.toBe(first.id);
      const again = await caMaintenance(f.ca);
      expect(again.ran).toBe(true);
      expect(again.signerRotated).toBeUndefined();
      expect(again.responsesSigned).toBe(0);
    } finally {
      f.clock.advance(-jump);
    }
  });
});
