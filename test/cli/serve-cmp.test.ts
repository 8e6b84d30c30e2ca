// Issue 4's "done when" through the real process: `geumgo serve` on a fresh PGlite data dir, the
// branch flow (`geumgo ra authorize`) and the operator's revocation commands beside it, and
// `openssl cmp` enrolling (ir), renewing (kur) and revoking (rr), judged by `openssl verify`,
// `openssl ocsp` and `openssl crl`. The server's clock starts 340 days back (GEUMGO_FAKE_NOW) for
// the enrolment, then the server restarts on the real time: the certificate is 25 days from expiry,
// inside the renewal window, and OpenSSL (which checks times against the real clock) agrees.
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type OpensslResult, runOpenssl } from "../support/ca-server.ts";
import { runCli, type Serving, serve, stopServing, tempDir } from "./run-cli.ts";

const day = 86_400_000;

afterAll(stopServing);

/** `geumgo serve` on the PGlite data dir, at 127.0.0.1 where openssl cmp is sent. */
async function servePglite(env: Record<string, string>): Promise<Serving> {
  const server = await serve(env);
  expect(server.database).toBe("pglite");
  expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  return server;
}

describe("geumgo serve: openssl cmp ir, kur and rr, and the operator's commands beside it", () => {
  const data = tempDir();
  const dir = tempDir();
  const env = { GEUMGO_DATA: data };
  // The steps build on each other: one server run 340 days back, then one on the real time.
  let server: Serving;

  const openssl = async (args: string[]): Promise<OpensslResult> => runOpenssl(dir, args);
  const newKey = async (name: string) => {
    const r = await openssl([
      "genpkey",
      "-algorithm",
      "EC",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-out",
      name,
    ]);
    expect(r.status, r.output).toBe(0);
    return name;
  };
  const cmpServer = () => ["-server", `127.0.0.1:${server.port}`, "-path", "pki/cmp"];
  const authorize = async (purpose: string, extra: string[] = []) => {
    const r = await runCli(
      ["ra", "authorize", "--user", "hong", "--purpose", purpose, "--json", ...extra],
      env,
    );
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as { referenceNumber: string; authorizationCode: string; expiresAt: string };
  };
  const ir = async (purpose: string, key: string, certOut: string) => {
    const a = await authorize(purpose);
    await newKey(key);
    const r = await openssl([
      "cmp",
      "-cmd",
      "ir",
      ...cmpServer(),
      "-ref",
      a.referenceNumber,
      "-secret",
      `pass:${a.authorizationCode}`,
      "-newkey",
      key,
      "-subject",
      "/CN=hong",
      "-certout",
      certOut,
    ]);
    // `openssl cmp` prints its errors on stdout.
    expect(r.status, r.output).toBe(0);
    return a;
  };
  const serialOf = async (cert: string) => {
    const r = await openssl(["x509", "-in", cert, "-noout", "-serial"]);
    return r.stdout.trim().replace("serial=", "");
  };
  const endOf = async (cert: string) => {
    const r = await openssl(["x509", "-in", cert, "-noout", "-enddate"]);
    return new Date(r.stdout.trim().replace("notAfter=", ""));
  };
  const ocspOnce = async (cert: string) => {
    const r = await openssl([
      "ocsp",
      "-issuer",
      "issuing.pem",
      "-cert",
      cert,
      "-url",
      `${server.url}/pki/ocsp`,
      "-CAfile",
      "chain.pem",
      "-no_nonce",
    ]);
    return r.output;
  };
  /**
   * OpenSSL's verdict once it verifies and matches `expected`. Right after a restart the stored
   * responses may be stale under the new clock until the scheduler's first run re-signs them.
   */
  const ocsp = async (cert: string, expected: RegExp) => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const text = await ocspOnce(cert);
      if ((text.includes("Response verify OK") && expected.test(text)) || Date.now() > deadline) return text;
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const expectRevoked = async (cert: string, reason: string) => {
    const text = await ocsp(cert, new RegExp(`${cert}: revoked[\\s\\S]*Reason: ${reason}`));
    expect(text).toContain("Response verify OK");
    expect(text).toMatch(new RegExp(`${cert}: revoked`));
    expect(text).toContain(`Reason: ${reason}`);
  };
  const expectGood = async (cert: string) => {
    const text = await ocsp(cert, new RegExp(`${cert}: good`));
    expect(text).toContain("Response verify OK");
    expect(text).toContain(`${cert}: good`);
  };

  it("340 days back: enrols hong with ir; the certificate verifies against /pki/chain.pem", async () => {
    server = await servePglite({ ...env, GEUMGO_FAKE_NOW: new Date(Date.now() - 340 * day).toISOString() });
    expect(server.stdout()).toContain("key ceremony");
    expect(server.stdout()).toContain("member login: hong /");

    const chain = await fetch(`${server.url}/pki/chain.pem`);
    expect(chain.status).toBe(200);
    const pem = await chain.text();
    writeFileSync(join(dir, "chain.pem"), pem);
    const issuing = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/.exec(pem)![0];
    writeFileSync(join(dir, "issuing.pem"), issuing);

    const a = await ir("bank", "key.pem", "cert.pem");
    // The authorisation ran in the server (PGlite admits one process), on its clock.
    expect(server.stdout()).toContain('"operation":"ra.authorize"');
    expect(server.stdout()).not.toContain(a.authorizationCode);
    const days = (Date.parse(a.expiresAt) - Date.now()) / day;
    expect(days).toBeGreaterThan(-327);
    expect(days).toBeLessThan(-325);

    const v = await openssl(["verify", "-CAfile", "chain.pem", "cert.pem"]);
    expect(v.stdout, v.output).toContain("cert.pem: OK");
    const left = ((await endOf("cert.pem")).getTime() - Date.now()) / day;
    expect(left).toBeGreaterThan(24);
    expect(left).toBeLessThan(26);
  }, 240_000);

  it("refuses `geumgo init` and `geumgo ca init` while the server holds the data dir", async () => {
    for (const args of [["init"], ["ca", "init"]]) {
      const r = await runCli(args, env);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain("error: Another process is using this data directory (PGlite)");
    }
    const ko = await runCli(["init", "--demo"], { ...env, GEUMGO_LANG: "ko" });
    expect(ko.code, ko.stderr).toBe(2);
    expect(ko.stderr).toContain("오류: 다른 프로세스가 이 데이터 디렉터리(PGlite)를 쓰고 있어요");
    // The server still owns it and answers.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  }, 120_000);

  it("restarted on the real time: kur renews inside the window; the old certificate is superseded", async () => {
    expect(await server.stop()).toBe(0);
    expect(existsSync(join(data, "server.json"))).toBe(false);
    server = await servePglite(env);
    expect(server.stdout()).not.toContain("key ceremony");

    const r = await openssl([
      "cmp",
      "-cmd",
      "kur",
      ...cmpServer(),
      "-oldcert",
      "cert.pem",
      "-cert",
      "cert.pem",
      "-key",
      "key.pem",
      "-newkey",
      await newKey("key2.pem"),
      "-trusted",
      "chain.pem",
      "-certout",
      "cert2.pem",
    ]);
    expect(r.status, r.output).toBe(0);
    expect((await openssl(["verify", "-CAfile", "chain.pem", "cert2.pem"])).stdout).toContain(
      "cert2.pem: OK",
    );
    // A renewal runs one year from the old expiry.
    const oldEnd = await endOf("cert.pem");
    const newEnd = await endOf("cert2.pem");
    expect(newEnd.getUTCFullYear() - oldEnd.getUTCFullYear()).toBe(1);
    expect(newEnd.toISOString().slice(5)).toBe(oldEnd.toISOString().slice(5));

    await expectRevoked("cert.pem", "superseded");
    await expectGood("cert2.pem");
  }, 240_000);

  it("rr revokes by the certificate's own key; OCSP says keyCompromise and the CRL lists both", async () => {
    const r = await openssl([
      "cmp",
      "-cmd",
      "rr",
      ...cmpServer(),
      "-oldcert",
      "cert2.pem",
      "-cert",
      "cert2.pem",
      "-key",
      "key2.pem",
      "-revreason",
      "1",
      "-trusted",
      "chain.pem",
    ]);
    expect(r.status, r.output).toBe(0);
    await expectRevoked("cert2.pem", "keyCompromise");

    const crl = await fetch(`${server.url}/pki/crl`);
    expect(crl.status).toBe(200);
    writeFileSync(join(dir, "crl.der"), new Uint8Array(await crl.arrayBuffer()));
    const text = await openssl([
      "crl",
      "-inform",
      "DER",
      "-in",
      "crl.der",
      "-CAfile",
      "chain.pem",
      "-noout",
      "-text",
    ]);
    expect(text.output).toContain("verify OK");
    expect(text.stdout).toMatch(
      new RegExp(
        `Serial Number: ${await serialOf("cert.pem")}\\s+Revocation Date[^\\n]*\\n\\s+CRL entry extensions:\\s+X509v3 CRL Reason Code:\\s+Superseded`,
      ),
    );
    expect(text.stdout).toMatch(
      new RegExp(
        `Serial Number: ${await serialOf("cert2.pem")}\\s+Revocation Date[^\\n]*\\n\\s+CRL entry extensions:\\s+X509v3 CRL Reason Code:\\s+Key Compromise`,
      ),
    );
  }, 240_000);

  it("the operator's revocation commands run through the server: hold, release, revoke, crl", async () => {
    await ir("universal", "key3.pem", "cert3.pem");
    await expectGood("cert3.pem");
    const serial = await serialOf("cert3.pem");

    const hold = await runCli(["ca", "hold", "--serial", serial], env);
    expect(hold.code, hold.stderr).toBe(0);
    expect(hold.stdout).toContain(`certificate ${serial.toLowerCase()}: suspended (on hold)`);
    await expectRevoked("cert3.pem", "certificateHold");
    const release = await runCli(["ca", "release", "--serial", serial], env);
    expect(release.code, release.stderr).toBe(0);
    await expectGood("cert3.pem");

    const revoke = await runCli(
      ["ca", "revoke", "--serial", serial, "--reason", "keyCompromise", "--json"],
      env,
    );
    expect(revoke.code, revoke.stderr).toBe(0);
    expect(JSON.parse(revoke.stdout)).toMatchObject({
      serial: serial.toLowerCase(),
      previous: "valid",
      status: "revoked",
      reason: "keyCompromise",
      revokedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    await expectRevoked("cert3.pem", "keyCompromise");
    const again = await runCli(["ca", "revoke", "--serial", serial, "--reason", "superseded"], env);
    expect(again.code, again.stderr).toBe(2);
    expect(again.stderr).toContain("error: The certificate is revoked already");
    for (const op of ["ca.hold", "ca.release", "ca.revoke"]) {
      expect(server.stdout()).toContain(`"operation":"${op}"`);
    }

    // The CRL travels from the server as PEM; written here as DER, it verifies and lists all three.
    const crl = await runCli(["ca", "crl", "--out", join(dir, "operator.crl")], env);
    expect(crl.code, crl.stderr).toBe(0);
    expect(crl.stdout).toMatch(/CRL number \d+, 3 entries/);
    const text = await openssl([
      "crl",
      "-inform",
      "DER",
      "-in",
      "operator.crl",
      "-CAfile",
      "chain.pem",
      "-noout",
      "-text",
    ]);
    expect(text.output).toContain("verify OK");
    for (const c of ["cert.pem", "cert2.pem", "cert3.pem"]) expect(text.stdout).toContain(await serialOf(c));
    expect(server.stdout()).toContain('"operation":"ca.crl"');
  }, 240_000);

  it("rotates the OCSP signer through the server; responses still verify", async () => {
    const r = await runCli(["ca", "rotate-ocsp-signer", "--json"], env);
    expect(r.code, r.stderr).toBe(0);
    const rotation = JSON.parse(r.stdout) as { signer: string; notAfter: string; responsesSigned: number };
    expect(rotation.signer).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(rotation.responsesSigned).toBeGreaterThanOrEqual(3);
    await expectRevoked("cert2.pem", "keyCompromise");
  }, 120_000);

  it("ra authorize: unknown user, a live certificate, and a reissue after loss", async () => {
    const nobody = await runCli(["ra", "authorize", "--user", "nobody", "--purpose", "bank"], env);
    expect(nobody.code, nobody.stderr).toBe(2);
    expect(nobody.stderr).toContain("error: No internet banking user has that ID");
    const nobodyKo = await runCli(["ra", "authorize", "--user", "nobody", "--purpose", "bank"], {
      ...env,
      GEUMGO_LANG: "ko",
    });
    expect(nobodyKo.code, nobodyKo.stderr).toBe(2);
    expect(nobodyKo.stderr).toContain("오류: 그런 인터넷뱅킹 아이디가 없어요");

    // hong's bank certificate was revoked above: a new one, then a second is refused.
    await ir("bank", "key4.pem", "cert4.pem");
    const twice = await runCli(["ra", "authorize", "--user", "hong", "--purpose", "bank"], env);
    expect(twice.code, twice.stderr).toBe(2);
    expect(twice.stderr).toContain(
      "error: The member already holds a live certificate of that purpose: renew or reissue it",
    );
    await expectGood("cert4.pem");

    // Lost: the old certificate is revoked when the reissue is authorised, not when it is used.
    const reissue = await authorize("bank", ["--reissue", "lost"]);
    await expectRevoked("cert4.pem", "keyCompromise");
    await newKey("key5.pem");
    const r = await openssl([
      "cmp",
      "-cmd",
      "ir",
      ...cmpServer(),
      "-ref",
      reissue.referenceNumber,
      "-secret",
      `pass:${reissue.authorizationCode}`,
      "-newkey",
      "key5.pem",
      "-subject",
      "/CN=hong",
      "-certout",
      "cert5.pem",
    ]);
    expect(r.status, r.output).toBe(0);
    await expectGood("cert5.pem");
    // A reissue keeps the old certificate's expiry.
    expect((await endOf("cert5.pem")).getTime()).toBe((await endOf("cert4.pem")).getTime());

    expect(await server.stop()).toBe(0);
    expect(existsSync(join(data, "server.json"))).toBe(false);
  }, 240_000);

  it("with the server stopped, `geumgo init` opens the data dir itself and lets go of it", async () => {
    const r = await runCli(["init"], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("database ready (pglite)");
    expect(r.stdout).not.toContain("key ceremony");
    expect(existsSync(join(data, "server.json"))).toBe(false);
  }, 120_000);
});
