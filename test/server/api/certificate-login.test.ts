// Certificate login through the API, on both databases, with certificates the server's own CA
// issued (VID over the member's number and R): success and a session as password login gives,
// and every refusal: challenge unknown, expired, used (replayed one after another and at once),
// a tampered form, another origin, another key's signature, a certificate of another CA (even one
// that copies our issuing CA's name), one the CA has no record of, revoked, on hold, expired, never
// confirmed, without a VID or without R, another member's R, a member not enrolled for internet
// banking, and a login locked by wrong passwords.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  challengeKeptMs,
  challengeLifetimeMs,
  purgeLoginChallenges,
} from "../../../src/auth/certificate-login.ts";
import { revealRrnForVid } from "../../../src/bank/members.ts";
import { issuingCa } from "../../../src/ca/context.ts";
import { holdCertificate, revokeCertificate } from "../../../src/ca/revocation.ts";
import { base64Encode, toBytes, utf8 } from "../../../src/pki/bytes.ts";
import { generateCaKeyPair, issueCaCertificate } from "../../../src/pki/ca-profile.ts";
import { signCms } from "../../../src/pki/cms.ts";
import { loginFormText } from "../../../src/pki/login-form.ts";
import { issuePersonalCertificate, newSerialNumber, personalSubjectName } from "../../../src/pki/profile.ts";
import { X509Certificate } from "../../../src/pki/x509.ts";
import { buildServer } from "../../../src/server/app.ts";
import { publicOrigin } from "../../../src/server/context.ts";
import { dbKinds } from "../../support/db.ts";
import {
  issueLoginCertificate,
  type LoginCertificate,
  loginBody,
  setUpServerCa,
} from "../../support/login-certificates.ts";
import { startWebServer, type WebMember, type WebServer } from "../../support/web-server.ts";

describe.each(dbKinds)("certificate login on %s", (kind) => {
  let s: WebServer;
  let hongCert: LoginCertificate;
  let kimCert: LoginCertificate;

  async function person(who: WebMember) {
    const { cooperativeId, id } = who.member;
    return {
      cooperativeId,
      memberId: id,
      realName: who.member.realName,
      rrn: await revealRrnForVid(s.app.bank, cooperativeId, id),
    };
  }

  beforeAll(async () => {
    s = await startWebServer(kind, {
      rateRules: {
        loginPerAddress: { max: 10_000, windowMs: 60_000 },
        loginPerUser: { max: 10_000, windowMs: 60_000 },
        challengePerAddress: { max: 10_000, windowMs: 60_000 },
      },
    });
    await setUpServerCa(s.app);
    hongCert = await issueLoginCertificate(s.app, await person(s.hong));
    kimCert = await issueLoginCertificate(s.app, await person(s.kim), {
      keyType: { kind: "EC", curve: "P-256" },
    });
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  async function challenge(): Promise<string> {
    const r = await s.request("POST", "/api/auth/certificate/challenge");
    expect(r.statusCode).toBe(200);
    return r.json().challenge;
  }

  function login(body: unknown) {
    return s.request("POST", "/api/auth/certificate/login", { body });
  }

  async function refusal(body: unknown): Promise<string> {
    const r = await login(body);
    expect(r.statusCode, r.body).toBeGreaterThanOrEqual(400);
    expect(r.statusCode, r.body).toBeLessThan(500);
    const { error } = r.json();
    expect(error.message.ko).toMatch(/[가-힣]/);
    expect(error.message.en).toMatch(/[a-z]/);
    return error.code;
  }

  it("issues a challenge of 128 random bits for two minutes, kept only as its hash", async () => {
    const r = await s.request("POST", "/api/auth/certificate/challenge");
    expect(r.statusCode).toBe(200);
    const { challenge: c, expiresAt } = r.json();
    expect(c).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(new Date(expiresAt).getTime() - s.clock.now().getTime()).toBe(120_000);
    const { rows } = await s.app.db.query<{ challenge_hash: Uint8Array }>(
      "SELECT challenge_hash FROM login_challenges WHERE challenge_hash = $1",
      [createHash("sha256").update(c).digest()],
    );
    expect(rows).toHaveLength(1);
    expect(Buffer.from(rows[0]!.challenge_hash).toString("latin1")).not.toContain(c);
    expect(await challenge()).not.toBe(c);
  });

  it("logs in with the member's certificate: the answer, cookie and session of a password login", async () => {
    const password = await s.request("POST", "/api/auth/login", {
      body: { userId: "hong", password: s.hong.password },
    });
    expect(password.statusCode).toBe(200);
    const r = await login(await loginBody(s.app, hongCert, await challenge()));
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    expect(Object.keys(body).sort()).toEqual(Object.keys(password.json()).sort());
    expect(body).toMatchObject({
      userId: "hong",
      name: "홍길동",
      mustChangePassword: false,
      idleTimeoutSeconds: 600,
    });
    expect(body.previousLoginAt).toBe(s.clock.now().toISOString());
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cookie = String(r.headers["set-cookie"]);
    expect(cookie).toMatch(/^geumgo_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    const session = { cookie: cookie.split(";")[0]!, csrf: body.csrfToken };
    const me = await s.request("GET", "/api/session", { session });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ kind: "member", userId: "hong" });
    // The session is hong's own: his accounts answer.
    const accounts = await s.request("GET", "/api/accounts", { session });
    expect(accounts.statusCode).toBe(200);
    expect(JSON.stringify(accounts.json())).toContain(s.hong.accounts[0]!);
    // An ECDSA certificate logs its member in too.
    const kim = await login(await loginBody(s.app, kimCert, await challenge()));
    expect(kim.statusCode, kim.body).toBe(200);
    expect(kim.json().userId).toBe("kim2026");
  });

  it("refuses a challenge it never issued, one past two minutes, and one used before", async () => {
    expect(await refusal(await loginBody(s.app, hongCert, "A".repeat(22)))).toBe("challenge_unknown");
    const late = await challenge();
    s.clock.advance(120_000);
    expect(await refusal(await loginBody(s.app, hongCert, late))).toBe("challenge_expired");
    const once = await loginBody(s.app, hongCert, await challenge());
    expect((await login(once)).statusCode).toBe(200);
    expect(await refusal(once)).toBe("challenge_used");
    // Even signed anew by the member: the challenge is spent.
    expect(await refusal(await loginBody(s.app, hongCert, once.challenge))).toBe("challenge_used");
  });

  it("sweeps challenges an hour after they expire: a replay is told used until then, unknown after", async () => {
    const body = await loginBody(s.app, hongCert, await challenge());
    expect((await login(body)).statusCode).toBe(200);
    s.clock.advance(challengeLifetimeMs + challengeKeptMs - 1_000);
    await purgeLoginChallenges(s.app.db, s.clock.now());
    expect(await refusal(body)).toBe("challenge_used");
    s.clock.advance(1_000);
    expect(await purgeLoginChallenges(s.app.db, s.clock.now())).toBeGreaterThan(0);
    expect(await refusal(body)).toBe("challenge_unknown");
  });

  it("lets one of several logins sent at once with one challenge in, and refuses the rest as used", async () => {
    const body = await loginBody(s.app, hongCert, await challenge());
    const answers = await Promise.all(Array.from({ length: 6 }, () => login(body)));
    const statuses = answers.map((a) => a.statusCode);
    expect(statuses.filter((x) => x === 200)).toHaveLength(1);
    for (const a of answers.filter((x) => x.statusCode !== 200)) {
      expect(a.statusCode).toBe(401);
      expect(a.json().error.code).toBe("challenge_used");
    }
  });

  it("refuses a signature over a tampered form, over another origin, or by another key", async () => {
    const c = await challenge();
    // The same fields, but with a space: not the byte-exact form.
    const spaced = loginFormText({ challenge: c, origin: publicOrigin(s.app) }).replace(",", ", ");
    const tampered = await signCms({
      content: utf8(spaced),
      certificate: hongCert.certificate,
      privateKey: hongCert.privateKey,
    });
    expect(
      await refusal({
        challenge: c,
        certificate: base64Encode(hongCert.certificate),
        signature: base64Encode(tampered),
        vidRandom: base64Encode(hongCert.vidRandom!),
      }),
    ).toBe("signature_invalid");
    // A page elsewhere relaying our challenge gets a signature over its own origin.
    expect(await refusal(await loginBody(s.app, hongCert, await challenge(), "https://geumgo.example"))).toBe(
      "signature_invalid",
    );
    expect(await refusal(await loginBody(s.app, hongCert, await challenge(), "http://127.0.0.1:8081"))).toBe(
      "signature_invalid",
    );
    // Kim signs; hong's certificate is sent with it.
    const kims = await loginBody(s.app, kimCert, await challenge());
    expect(await refusal({ ...kims, certificate: base64Encode(hongCert.certificate) })).toBe(
      "signature_invalid",
    );
    // Not a signature at all.
    expect(
      await refusal({ ...(await loginBody(s.app, hongCert, await challenge())), signature: "AAAA" }),
    ).toBe("signature_invalid");
  });

  it("answers a cut or garbled signature or certificate with a refusal, never a 500", async () => {
    const good = await loginBody(s.app, hongCert, await challenge());
    const signature = Buffer.from(good.signature, "base64");
    const certificate = Buffer.from(good.certificate, "base64");
    const cuts = [1, 2, 10, 100, signature.length - 1];
    for (const n of cuts) {
      const body = { ...(await loginBody(s.app, hongCert, await challenge())) };
      expect(await refusal({ ...body, signature: signature.subarray(0, n).toString("base64") })).toBe(
        "signature_invalid",
      );
    }
    for (const n of [1, 50, certificate.length - 1]) {
      const body = await loginBody(s.app, hongCert, await challenge());
      expect(await refusal({ ...body, certificate: certificate.subarray(0, n).toString("base64") })).toBe(
        "signature_invalid",
      );
    }
    const flipped = Buffer.from(signature);
    flipped[flipped.length - 10]! ^= 0xff;
    const body = await loginBody(s.app, hongCert, await challenge());
    expect(await refusal({ ...body, signature: flipped.toString("base64") })).toBe("signature_invalid");
    // R that is not R: too long, empty bytes.
    const odd = await loginBody(s.app, hongCert, await challenge());
    expect(await refusal({ ...odd, vidRandom: Buffer.alloc(150, 1).toString("base64") })).toBe(
      "vid_mismatch",
    );
  });

  it("takes its origin from the configured public URL, never from the request's Host", async () => {
    const inject = async (body: unknown, host: string) =>
      s.fastify.inject({
        method: "POST",
        url: "/api/auth/certificate/login",
        headers: { host, "x-forwarded-host": host },
        payload: body as Record<string, unknown>,
      });
    const evil = await inject(
      await loginBody(s.app, hongCert, await challenge(), "https://evil.example"),
      "evil.example",
    );
    expect(evil.statusCode).toBe(401);
    expect(evil.json().error.code).toBe("signature_invalid");
    const ours = await inject(await loginBody(s.app, hongCert, await challenge()), "evil.example");
    expect(ours.statusCode, ours.body).toBe(200);
  });

  it("refuses another CA's certificate, even under our issuing CA's very name, and one our CA never recorded", async () => {
    const ours = await issuingCa(s.app.ca);
    const rootKeys = await generateCaKeyPair("P-384");
    const now = s.clock.now();
    const later = new Date(now.getTime() + 365 * 86_400_000);
    const impostorKeys = await generateCaKeyPair("P-384");
    const impostor = await issueCaCertificate({
      subject: new X509Certificate(toBytes(ours.certificate)).subject,
      keys: impostorKeys,
      algorithm: "P-384",
      notBefore: new Date(now.getTime() - 86_400_000),
      notAfter: later,
      issuer: {
        certificate: await issueCaCertificate({
          subject: "C=KR, O=Elsewhere, CN=Elsewhere Root",
          keys: rootKeys,
          algorithm: "P-384",
          notBefore: new Date(now.getTime() - 86_400_000),
          notAfter: later,
          pathLength: 1,
        }),
        privateKey: rootKeys.privateKey,
        algorithm: "P-384",
      },
      pathLength: 0,
    });
    const memberKeys = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
      "sign",
      "verify",
    ])) as CryptoKeyPair;
    const certificateUnder = (issuer: { certificate: Uint8Array; key: CryptoKey }, serial: Uint8Array) =>
      issuePersonalCertificate({
        issuer: { certificate: issuer.certificate },
        signingKey: issuer.key,
        signingAlgorithm: { name: "ECDSA", hash: "SHA-384" } as EcdsaParams,
        publicKey: memberKeys.publicKey,
        subject: personalSubjectName({
          realName: "홍길동",
          serialHint: "0091041299999999",
          registrationUnit: "한빛새마을금고",
          organization: s.app.ca.organization,
        }),
        serialNumber: serial,
        notBefore: now,
        notAfter: later,
        purpose: "bank",
        crlUrl: s.app.ca.urls.crl,
        ocspUrl: s.app.ca.urls.ocsp,
      });
    // The impostor even copies the serial of hong's real certificate.
    const foreign = {
      certificate: await certificateUnder(
        { certificate: impostor, key: impostorKeys.privateKey },
        hongCert.serial,
      ),
      privateKey: memberKeys.privateKey,
      vidRandom: hongCert.vidRandom,
      holder: hongCert.holder,
      serial: hongCert.serial,
    };
    expect(await refusal(await loginBody(s.app, foreign, await challenge()))).toBe("certificate_not_ours");
    // Signed by our CA's key, but with no record in the CA (not issued through its books).
    const unrecorded = {
      ...foreign,
      certificate: await certificateUnder(
        { certificate: ours.certificate, key: ours.privateKey },
        newSerialNumber(),
      ),
    };
    expect(await refusal(await loginBody(s.app, unrecorded, await challenge()))).toBe("certificate_unknown");
    // Our CA's signature over our own record's serial, but not the certificate recorded under it.
    const sameSerial = {
      ...foreign,
      certificate: await certificateUnder(
        { certificate: ours.certificate, key: ours.privateKey },
        kimCert.serial,
      ),
    };
    expect(await refusal(await loginBody(s.app, sameSerial, await challenge()))).toBe("certificate_unknown");
  });

  it("refuses a revoked, a suspended, an expired and a never-confirmed certificate", async () => {
    const hong = await person(s.hong);
    const revoked = await issueLoginCertificate(s.app, hong, { keyType: { kind: "EC", curve: "P-256" } });
    await revokeCertificate(s.app.ca, { serial: revoked.serial, reason: "keyCompromise", actor: "test" });
    expect(await refusal(await loginBody(s.app, revoked, await challenge()))).toBe("certificate_revoked");

    const held = await issueLoginCertificate(s.app, hong, { keyType: { kind: "EC", curve: "P-256" } });
    await holdCertificate(s.app.ca, { serial: held.serial, actor: "test" });
    expect(await refusal(await loginBody(s.app, held, await challenge()))).toBe("certificate_on_hold");

    const pending = await issueLoginCertificate(s.app, hong, {
      keyType: { kind: "EC", curve: "P-256" },
      confirm: false,
    });
    expect(await refusal(await loginBody(s.app, pending, await challenge()))).toBe("certificate_pending");

    const short = await issueLoginCertificate(s.app, hong, {
      keyType: { kind: "EC", curve: "P-256" },
      validMs: 3_600_000,
    });
    expect((await login(await loginBody(s.app, short, await challenge()))).statusCode).toBe(200);
    s.clock.advance(3_600_000);
    expect(await refusal(await loginBody(s.app, short, await challenge()))).toBe("certificate_expired");
    // Hong's first certificate was superseded by these: the CA's records say so, and login obeys.
    expect(await refusal(await loginBody(s.app, hongCert, await challenge()))).toBe("certificate_revoked");
    hongCert = await issueLoginCertificate(s.app, hong);
    expect((await login(await loginBody(s.app, hongCert, await challenge()))).statusCode).toBe(200);
  }, 60_000);

  it("refuses a certificate without a VID, a login without R, and another member's R", async () => {
    const noVid = await issueLoginCertificate(s.app, await person(s.kim), {
      keyType: { kind: "EC", curve: "P-256" },
      vid: false,
    });
    expect(await refusal(await loginBody(s.app, noVid, await challenge()))).toBe("no_identify_data");
    expect(
      await refusal({
        ...(await loginBody(s.app, noVid, await challenge())),
        vidRandom: base64Encode(kimCert.vidRandom!),
      }),
    ).toBe("no_identify_data");
    kimCert = await issueLoginCertificate(s.app, await person(s.kim), {
      keyType: { kind: "EC", curve: "P-256" },
    });
    const withoutR = { ...kimCert, vidRandom: undefined };
    expect(await refusal(await loginBody(s.app, withoutR, await challenge()))).toBe("no_identify_data");
    const hongsR = { ...kimCert, vidRandom: hongCert.vidRandom };
    expect(await refusal(await loginBody(s.app, hongsR, await challenge()))).toBe("vid_mismatch");
    const oneBitOff = new Uint8Array(kimCert.vidRandom!);
    oneBitOff[19]! ^= 1;
    expect(
      await refusal(await loginBody(s.app, { ...kimCert, vidRandom: oneBitOff }, await challenge())),
    ).toBe("vid_mismatch");
    expect((await login(await loginBody(s.app, kimCert, await challenge()))).statusCode).toBe(200);
  }, 60_000);

  it("refuses a member not enrolled for internet banking, and keeps a login locked by wrong passwords locked", async () => {
    const lee = await issueLoginCertificate(s.app, await person(s.lee), {
      keyType: { kind: "EC", curve: "P-256" },
    });
    expect(await refusal(await loginBody(s.app, lee, await challenge()))).toBe("certificate_no_user");

    for (let i = 0; i < 5; i++) {
      await s.request("POST", "/api/auth/login", { body: { userId: "kim2026", password: "wrong!Pass123" } });
    }
    const r = await login(await loginBody(s.app, kimCert, await challenge()));
    expect(r.statusCode).toBe(423);
    expect(r.json().error.code).toBe("login_locked");
  });

  it("writes neither R nor the registration number to the log or the database", async () => {
    const lines: string[] = [];
    const logged = await buildServer(s.app, {
      logLevel: "trace",
      logStream: { write: (line: string) => void lines.push(line) },
    });
    try {
      const who = await person(s.hong);
      const c = (await logged.inject({ method: "POST", url: "/api/auth/certificate/challenge" })).json()
        .challenge;
      const ok = await logged.inject({
        method: "POST",
        url: "/api/auth/certificate/login",
        payload: { ...(await loginBody(s.app, hongCert, c)) },
      });
      const c2 = (await logged.inject({ method: "POST", url: "/api/auth/certificate/challenge" })).json()
        .challenge;
      const refused = await logged.inject({
        method: "POST",
        url: "/api/auth/certificate/login",
        payload: { ...(await loginBody(s.app, { ...hongCert, vidRandom: kimCert.vidRandom }, c2)) },
      });
      expect([ok.statusCode, refused.statusCode]).toEqual([200, 401]);
      expect(lines.join("\n")).toContain("logged in with a certificate");
      const secrets = [kimCert.vidRandom!, hongCert.vidRandom!].flatMap((r) => [
        Buffer.from(r).toString("base64"),
        Buffer.from(r).toString("hex"),
      ]);
      secrets.push(who.rrn, `${who.rrn.slice(0, 6)}-${who.rrn.slice(6)}`);
      const log = lines.join("\n");
      for (const secret of secrets) expect(log).not.toContain(secret);
      const { rows } = await s.app.db.query<{ t: string }>(
        "SELECT row_to_json(c)::text AS t FROM login_challenges c",
      );
      const stored = rows.map((r) => r.t).join("\n");
      for (const secret of secrets) expect(stored).not.toContain(secret);
    } finally {
      await logged.close();
    }
  });

  it("counts challenges by the caller a trusted reverse proxy names, and by the peer otherwise", async () => {
    const rateRules = { challengePerAddress: { max: 2, windowMs: 60_000 } };
    const challenge = (server: Awaited<ReturnType<typeof buildServer>>, caller: string) =>
      server.inject({
        method: "POST",
        url: "/api/auth/certificate/challenge",
        headers: { "x-forwarded-for": caller },
      });
    // The proxy on this machine is trusted: each caller behind it has a limit of its own.
    const behindProxy = await buildServer(
      { ...s.app, config: { ...s.app.config, trustProxy: ["127.0.0.1"] } },
      { logLevel: "silent", rateRules },
    );
    try {
      const a = [];
      for (let i = 0; i < 3; i++) a.push((await challenge(behindProxy, "198.51.100.1")).statusCode);
      expect(a).toEqual([200, 200, 429]);
      expect((await challenge(behindProxy, "198.51.100.2")).statusCode).toBe(200);
    } finally {
      await behindProxy.close();
    }
    // Not configured: the header is nobody's word, and the peer's address is counted.
    const direct = await buildServer(s.app, { logLevel: "silent", rateRules });
    try {
      // The peer (127.0.0.1) may have spent some of its budget in earlier tests: spend the rest.
      let status = 200;
      for (let i = 0; i < 5 && status === 200; i++)
        status = (await challenge(direct, "203.0.113.1")).statusCode;
      expect(status).toBe(429);
      // Another caller named in the header is the same peer, and refused as well.
      expect((await challenge(direct, "203.0.113.2")).statusCode).toBe(429);
    } finally {
      await direct.close();
    }
  });

  it("rate limits challenges per address, and logins per certificate as password logins per user ID", async () => {
    const limited = await startWebServer(kind, {
      rateRules: {
        challengePerAddress: { max: 3, windowMs: 60_000 },
        loginPerUser: { max: 2, windowMs: 60_000 },
      },
    });
    try {
      await setUpServerCa(limited.app);
      const { cooperativeId, id, realName } = limited.hong.member;
      const cert = await issueLoginCertificate(
        limited.app,
        {
          cooperativeId,
          memberId: id,
          realName,
          rrn: await revealRrnForVid(limited.app.bank, cooperativeId, id),
        },
        { keyType: { kind: "EC", curve: "P-256" } },
      );
      const challenges = [];
      for (let i = 0; i < 4; i++)
        challenges.push(await limited.request("POST", "/api/auth/certificate/challenge"));
      expect(challenges.map((h) => h.statusCode)).toEqual([200, 200, 200, 429]);
      expect(challenges[3]!.json().error.code).toBe("rate_limited");
      expect(challenges[3]!.headers["retry-after"]).toMatch(/^[0-9]+$/);
      const logins = [];
      for (const c of challenges.slice(0, 3)) {
        const body = await loginBody(limited.app, cert, c.json().challenge);
        logins.push(await limited.request("POST", "/api/auth/certificate/login", { body }));
      }
      expect(logins.map((l) => l.statusCode)).toEqual([200, 200, 429]);
    } finally {
      await limited.close();
    }
  }, 60_000);
});
