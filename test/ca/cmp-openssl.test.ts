// OpenSSL's CMP client against the running server (issue 4): ir with the reference number and
// authorisation code, kur inside the renewal window, rr by the certificate's own key; the results
// judged by `openssl verify`, `openssl ocsp` and `openssl crl`.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caMaintenance } from "../../src/ca/maintenance.ts";
import { authorizeForUser } from "../../src/certcenter/authorize.ts";
import { type CaServer, newKeyFile, startCaServer } from "../support/ca-server.ts";

const day = 86_400_000;

describe.each(["pglite", "postgres"] as const)("openssl cmp against the server (%s)", (kind) => {
  let s: CaServer;
  // Certificates are issued 340 days ago by the server's clock, which then moves to the real time
  // now: the renewal window is open, and OpenSSL (which checks times against its own clock) agrees.
  const issuedAt = new Date(Date.now() - 340 * day);

  beforeAll(async () => {
    s = await startCaServer(kind, { at: issuedAt });
  }, 60_000);
  afterAll(async () => s?.close());

  const authorize = (userId: string) =>
    authorizeForUser(s.app, { userId, purpose: "bank", channel: "branch", actor: "teller:t1" });
  const server = () => ["-server", `127.0.0.1:${s.port}`, "-path", "pki/cmp"];
  const ir = (ref: string, code: string, key: string, out: string, extra: string[] = []) =>
    s.openssl([
      "cmp",
      "-cmd",
      "ir",
      ...server(),
      "-ref",
      ref,
      "-secret",
      `pass:${code}`,
      "-newkey",
      key,
      "-subject",
      "/CN=hong",
      "-certout",
      out,
      ...extra,
    ]);
  /** A key update signed by the old certificate's key (-cert = -oldcert), answered under chain.pem. */
  const kur = (oldCert: string, key: string, newKey: string, out: string) =>
    s.openssl([
      "cmp",
      "-cmd",
      "kur",
      ...server(),
      "-oldcert",
      oldCert,
      "-cert",
      oldCert,
      "-key",
      key,
      "-newkey",
      newKey,
      "-trusted",
      s.files.chain,
      "-certout",
      out,
    ]);
  const ocsp = async (cert: string) => {
    const r = await s.openssl([
      "ocsp",
      "-issuer",
      s.files.issuing,
      "-cert",
      cert,
      "-url",
      `${s.url}/pki/ocsp`,
      "-CAfile",
      s.files.chain,
      "-no_nonce",
    ]);
    return r.stdout + r.stderr;
  };
  const nowReal = async () => {
    s.clock.at = new Date();
    await caMaintenance(s.app.ca); // what the server's scheduler does: a fresh OCSP signer and responses
  };

  it("enrols with ir: the certificate verifies and carries the CA's subject, not the template's", async () => {
    const auth = await authorize("hong2026");
    expect(auth.referenceNumber).toMatch(/^\d{10}$/);
    expect(auth.authorizationCode).toMatch(/^\d{16}$/);
    const r = await ir(
      auth.referenceNumber,
      auth.authorizationCode,
      newKeyFile(s.dir, "hong.key"),
      "hong.pem",
    );
    expect(r.status, r.output).toBe(0);
    const v = await s.openssl(["verify", "-CAfile", s.files.root, "-untrusted", s.files.issuing, "hong.pem"]);
    expect(v.stdout).toContain("hong.pem: OK");
    const text = await s.openssl([
      "x509",
      "-in",
      "hong.pem",
      "-noout",
      "-nameopt",
      "oneline,-esc_msb",
      "-subject",
      "-ext",
      "crlDistributionPoints,authorityInfoAccess",
    ]);
    expect(text.stdout).toContain("CN = 홍길동()0099002000000000001");
    expect(text.stdout).not.toMatch(/CN = hong$/m);
    expect(text.stdout).toContain(`${s.url}/pki/crl`);
    expect(text.stdout).toContain(`OCSP - URI:${s.url}/pki/ocsp`);

    const again = await ir(
      auth.referenceNumber,
      auth.authorizationCode,
      newKeyFile(s.dir, "again.key"),
      "again.pem",
      // A used authorisation is refused before any MAC work: the refusal comes unprotected.
      ["-unprotected_errors"],
    );
    expect(again.status, "the code is one-time").not.toBe(0);
    expect(again.output).toContain("notAuthorized");
  });

  it("ends an authorisation after five wrong codes; the right code is refused after that", async () => {
    const auth = await authorize("kim2026");
    const key = newKeyFile(s.dir, "kim-x.key");
    for (let i = 0; i < 5; i++) {
      const r = await ir(auth.referenceNumber, "0000000000000000", key, "kim-x.pem");
      expect(r.status).not.toBe(0);
    }
    const r = await ir(auth.referenceNumber, auth.authorizationCode, key, "kim-x.pem");
    expect(r.status).not.toBe(0);
    const { rows } = await s.app.db.query<{
      state: string;
      failed_macs: number;
      rrn_sealed: Uint8Array | null;
    }>("SELECT state, failed_macs, rrn_sealed FROM ca_authorizations WHERE reference_number = $1", [
      auth.referenceNumber,
    ]);
    expect(rows[0]).toMatchObject({ state: "locked", failed_macs: 5, rrn_sealed: null });
    // After the lock, the right code is answered exactly as a wrong one (no MAC work: the refusal
    // comes unprotected, which OpenSSL reads with -unprotected_errors).
    const after: string[] = [];
    for (const code of [auth.authorizationCode, "0000000000000000"]) {
      const a = await ir(auth.referenceNumber, code, key, "kim-x.pem", ["-unprotected_errors"]);
      expect(a.status).not.toBe(0);
      after.push(a.output.replace(/^.*will contact.*$/m, ""));
    }
    expect(after[0]).toContain("notAuthorized");
    expect(after[0]).toContain("authorization_ended");
    expect(after[1]).toBe(after[0]);
  });

  it("refuses HMAC-MD5 as the PBM's MAC with badAlg", async () => {
    const auth = await authorize("kim2026");
    const r = await ir(
      auth.referenceNumber,
      auth.authorizationCode,
      newKeyFile(s.dir, "md5.key"),
      "md5.pem",
      ["-mac", "hmac-md5", "-unprotected_errors"],
    );
    expect(r.status).not.toBe(0);
    expect(r.output).toContain("badAlg");
    expect(r.output).toContain("pbm_parameters");
  });

  it("OCSP says good for the issued certificate, and never good for a serial it did not issue", async () => {
    const kim = await authorize("kim2026");
    const r = await ir(kim.referenceNumber, kim.authorizationCode, newKeyFile(s.dir, "kim.key"), "kim.pem");
    expect(r.status, r.output).toBe(0);
    await nowReal();
    expect(await ocsp("hong.pem")).toMatch(/hong\.pem: good/);
    const forged = await s.openssl([
      "ocsp",
      "-issuer",
      s.files.issuing,
      "-serial",
      "0x4a1b2c3d4e5f60718293a4b5c6d7e8f9",
      "-url",
      `${s.url}/pki/ocsp`,
      "-CAfile",
      s.files.chain,
      "-no_nonce",
    ]);
    expect(forged.stdout + forged.stderr).not.toMatch(/: good/);
  });

  it("kur renews with a new key inside the window; the old certificate is superseded", async () => {
    const same = await kur("hong.pem", "hong.key", "hong.key", "same.pem");
    expect(same.status, "the same key again is refused").not.toBe(0);
    expect(same.output).toContain("badCertTemplate");

    const r = await kur("hong.pem", "hong.key", newKeyFile(s.dir, "hong2.key"), "hong2.pem");
    expect(r.status, r.output).toBe(0);
    const dates = async (f: string) =>
      (await s.openssl(["x509", "-in", f, "-noout", "-enddate"])).stdout.trim();
    const oldEnd = new Date((await dates("hong.pem")).replace("notAfter=", ""));
    const newEnd = new Date((await dates("hong2.pem")).replace("notAfter=", ""));
    expect(newEnd.getUTCFullYear() - oldEnd.getUTCFullYear()).toBe(1);
    expect(newEnd.toISOString().slice(5)).toBe(oldEnd.toISOString().slice(5));
    expect(
      (await s.openssl(["verify", "-CAfile", s.files.root, "-untrusted", s.files.issuing, "hong2.pem"]))
        .stdout,
    ).toContain("OK");
    expect(await ocsp("hong2.pem")).toMatch(/hong2\.pem: good/);
    const old = await ocsp("hong.pem");
    expect(old).toMatch(/hong\.pem: revoked/);
    expect(old).toContain("Reason: superseded");

    const revokedOld = await kur("hong.pem", "hong.key", newKeyFile(s.dir, "hong3.key"), "hong3.pem");
    expect(revokedOld.status, "a revoked certificate cannot be renewed").not.toBe(0);
    expect(revokedOld.output).toContain("certRevoked");
  });

  it("refuses a kur outside the 30 days before expiry", async () => {
    const at = s.clock.at;
    s.clock.at = new Date(Date.now() - 100 * day);
    try {
      const r = await kur("kim.pem", "kim.key", newKeyFile(s.dir, "kim2.key"), "kim2.pem");
      expect(r.status).not.toBe(0);
      expect(r.output).toContain("notAuthorized");
    } finally {
      s.clock.at = at;
    }
  });

  it("rr revokes only the signer's own certificate; OCSP and the CRL then say revoked", async () => {
    const other = await s.openssl([
      "cmp",
      "-cmd",
      "rr",
      ...server(),
      "-oldcert",
      "kim.pem",
      "-cert",
      "hong2.pem",
      "-key",
      "hong2.key",
      "-revreason",
      "1",
      "-trusted",
      s.files.chain,
    ]);
    expect(other.status, "someone else's certificate").not.toBe(0);
    expect(other.output).toContain("notAuthorized");
    expect(await ocsp("kim.pem")).toMatch(/kim\.pem: good/);

    const r = await s.openssl([
      "cmp",
      "-cmd",
      "rr",
      ...server(),
      "-oldcert",
      "hong2.pem",
      "-cert",
      "hong2.pem",
      "-key",
      "hong2.key",
      "-revreason",
      "1",
      "-trusted",
      s.files.chain,
    ]);
    expect(r.status, r.output).toBe(0);
    const status = await ocsp("hong2.pem");
    expect(status).toMatch(/hong2\.pem: revoked/);
    expect(status).toContain("Reason: keyCompromise");

    const crl = await fetch(`${s.url}/pki/crl`);
    expect(crl.status).toBe(200);
    const crlFile = join(s.dir, "crl.der");
    (await import("node:fs")).writeFileSync(crlFile, new Uint8Array(await crl.arrayBuffer()));
    const text = await s.openssl([
      "crl",
      "-inform",
      "DER",
      "-in",
      crlFile,
      "-CAfile",
      s.files.chain,
      "-noout",
      "-text",
    ]);
    expect(text.output).toContain("verify OK");
    const serialOf = async (f: string) =>
      (await s.openssl(["x509", "-in", f, "-noout", "-serial"])).stdout.trim().replace("serial=", "");
    expect(text.stdout).toContain(await serialOf("hong2.pem"));
    expect(text.stdout).toContain(await serialOf("hong.pem"));
    expect(text.stdout).toContain("Key Compromise");
    expect(text.stdout).toContain("Superseded");
    expect(readFileSync(join(s.dir, "kim.pem"), "utf8")).toContain("BEGIN CERTIFICATE");
  });
});
