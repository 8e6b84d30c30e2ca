// The reissue's additional check (issue 14 item 7): a one-time code to the member's registered
// phone through the message sender, read back from the development outbox as a developer would;
// right, wrong, expired, reused, five wrong tries, another session's, replaced by a newer code; the
// send route's refusals and rate limit; and the reissue authorisation route through the real
// identity proofing (his resident registration number, account and passbook PIN, OTP), bound to the
// session like a web issuance, ending in a real enrolment at /pki/cmp with the session's cookie
// that replaces the old certificate: superseded at confirmation after a forgotten password, revoked
// at once after a loss (as `openssl ocsp` reads the responder), free and with the old expiry; a
// loss's revocation, the authorisation and its binding to the session are done together or not at all.
// A member who has not agreed to the terms in force gets neither a code nor a reissue, and spends
// nothing (no message, no proofing try, no revocation) until agreeing as the issue page does.
// Logs never carry the code or the number.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findMemberSession } from "../../src/auth/sessions.ts";
import { findUser } from "../../src/auth/users.ts";
import { formatAccountNumber } from "../../src/bank/account-number.ts";
import { openAccount } from "../../src/bank/accounts.ts";
import { registerOtp } from "../../src/bank/security-medium.ts";
import { totpCode } from "../../src/bank/totp.ts";
import { liveCertificate } from "../../src/ca/certificates.ts";
import { authorizeForUser, holderOf } from "../../src/certcenter/authorize.ts";
import { recordConsents } from "../../src/certcenter/consents.ts";
import { CertcenterError } from "../../src/certcenter/errors.ts";
import { readOutbox } from "../../src/certcenter/message-sender.ts";
import { type PhoneCodeRequester, verifyReissuePhoneCode } from "../../src/certcenter/phone-code.ts";
import { loadConfig } from "../../src/config.ts";
import { currentConsentRefs } from "../../src/messages/consent-documents.ts";
import { toBytes, toHex, toPem } from "../../src/pki/bytes.ts";
import { parsePkiMessage } from "../../src/pki/cmp.ts";
import { CmpRefusal, enrol } from "../../src/pki/cmp-client.ts";
import { generateKeyPair } from "../../src/pki/csr.ts";
import { X509Certificate } from "../../src/pki/x509.ts";
import { buildServer } from "../../src/server/app.ts";
import { deposit } from "../support/bank.ts";
import { type CaServer, startCaServer } from "../support/ca-server.ts";
import { dbKinds } from "../support/db.ts";

/** A JSON answer, read as the web app reads it (fetch's own type). */
type Json = Awaited<ReturnType<Response["json"]>>;

interface Session {
  cookie: string;
  csrf: string;
  id: string;
}

describe.each(dbKinds)("the reissue phone code on %s", (kind) => {
  let s: CaServer;
  const phone = "010-2345-6789";
  let hong: { cooperativeId: number; memberId: bigint; userId: string };
  let hongProof: { rrn: string; account: string; pin: string; otpSecret: Uint8Array };

  beforeAll(async () => {
    s = await startCaServer(kind);
    const u = (await findUser(s.app.db, s.users[0]!.userId))!;
    hong = { cooperativeId: u.cooperativeId, memberId: u.memberId, userId: u.userId };
    await s.app.db.query("UPDATE members SET phone = $1 WHERE cooperative_id = $2 AND id = $3", [
      phone,
      u.cooperativeId,
      u.memberId,
    ]);
    // What identity proofing asks of him: an account of his own with its passbook PIN, and an OTP.
    const who = { cooperativeId: u.cooperativeId, memberId: u.memberId };
    const account = await openAccount(s.app.bank, { ...who, kind: "demand", pin: "1234" });
    await deposit(s.app.bank, account, 100_000n);
    const otp = await registerOtp(s.app.bank, { ...who, account: u.userId, issuer: "Geumgo" });
    hongProof = {
      rrn: s.users[0]!.rrn,
      account: formatAccountNumber(account.number),
      pin: "1234",
      otpSecret: otp.secret,
    };
    // Both agreed to the terms in force, as the reissue page's first step records it.
    for (const user of s.users.slice(0, 2)) {
      const member = (await findUser(s.app.db, user.userId))!;
      await recordConsents(s.app.db, { ...member, sessionId: "set-up" }, currentConsentRefs, {
        now: s.clock.now(),
        requestId: "set-up",
      });
    }
  }, 60_000);
  afterAll(async () => s?.close());

  async function login(userId: string): Promise<Session> {
    const r = await fetch(`${s.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId, password: "Temp!2026pass" }),
    });
    if (r.status !== 200) throw new Error(`login ${userId}: ${r.status} ${await r.text()}`);
    const cookie = r.headers.get("set-cookie")!.split(";")[0]!;
    const token = cookie.split("=")[1]!;
    return {
      cookie,
      csrf: ((await r.json()) as { csrfToken: string }).csrfToken,
      id: await sessionIdOf(token),
    };
  }

  /** The session id the server knows this cookie by (sessions are stored under a hash of the token). */
  async function sessionIdOf(token: string): Promise<string> {
    const found = await findMemberSession(s.app.db, token, s.clock.now(), { touch: false });
    return found!.session.sessionId;
  }

  async function post(path: string, session: Session, body: unknown) {
    const r = await fetch(`${s.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: session.cookie, "x-csrf-token": session.csrf },
      body: JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as Json };
  }

  const who = (session: Session): PhoneCodeRequester => ({
    cooperativeId: hong.cooperativeId,
    memberId: hong.memberId,
    sessionId: session.id,
  });

  /** The code in the newest message to the phone, as the member reads it. */
  async function codeOnPhone(): Promise<string> {
    const [m] = await readOutbox(s.app.db, { to: phone, limit: 1 });
    return /\[([0-9]{6})\]/.exec(m!.body)![1]!;
  }

  /** A certificate for the member, as a branch issues one (an authorisation, then our CMP client). */
  async function issue(userId: string, purpose: "bank" | "universal", channel: "branch" | "web" = "web") {
    const keys = await generateKeyPair({ algorithm: "EC" });
    const auth = await authorizeForUser(s.app, { userId, purpose, channel, actor: "test" });
    await enrol({ send: (der) => s.cmp(der), ...auth, keys });
  }

  const refusal = (code: string, details?: Record<string, unknown>) =>
    new CertcenterError(code as CertcenterError["code"], details);

  it("sends nothing without a live certificate to reissue", async () => {
    const session = await login(hong.userId);
    const r = await post("/api/certcenter/reissue/phone-code", session, { purpose: "bank" });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe("no_certificate");
    expect(await readOutbox(s.app.db, { to: phone })).toEqual([]);
  });

  it("sends 6 digits to the registered phone, good once, for 3 minutes", async () => {
    await issue(hong.userId, "bank");

    const session = await login(hong.userId);
    const r = await post("/api/certcenter/reissue/phone-code", session, { purpose: "bank" });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      sentTo: "010-****-6789",
      expiresAt: new Date(s.clock.now().getTime() + 180_000).toISOString(),
      digits: 6,
    });
    const outbox = await readOutbox(s.app.db, { to: phone });
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ channel: "sms", purpose: "reissue_code" });
    expect(outbox[0]!.body).toMatch(/^\[금고\] 인증서 재발급 인증번호 \[[0-9]{6}\]/);
    const code = await codeOnPhone();
    // Kept as a keyed hash: the code is nowhere in its row.
    const { rows } = await s.app.db.query<{ code_mac: Uint8Array }>(
      "SELECT code_mac FROM reissue_phone_codes WHERE member_id = $1",
      [hong.memberId],
    );
    expect(Buffer.from(rows[0]!.code_mac).toString("latin1")).not.toContain(code);
    expect(JSON.stringify(r.body)).not.toContain(code);

    const wrong = code === "000000" ? "000001" : "000000";
    await expect(verifyReissuePhoneCode(s.app.bank, who(session), wrong)).rejects.toEqual(
      refusal("phone_code_wrong", { remaining: 4 }),
    );
    // Another session of the same member cannot use it.
    const other = await login(hong.userId);
    await expect(verifyReissuePhoneCode(s.app.bank, who(other), code)).rejects.toEqual(
      refusal("phone_code_missing"),
    );
    s.clock.advance(179_000);
    await verifyReissuePhoneCode(s.app.bank, who(session), code);
    await expect(verifyReissuePhoneCode(s.app.bank, who(session), code), "used once").rejects.toEqual(
      refusal("phone_code_missing"),
    );
  });

  it("sends no code and authorises no reissue until the member agrees to the terms in force, spending nothing", async () => {
    const hongRows = [hong.cooperativeId, hong.memberId];
    const consents = await s.app.db.query(
      "DELETE FROM certcenter_consents WHERE cooperative_id = $1 AND member_id = $2 RETURNING id",
      hongRows,
    );
    expect(consents.rowCount).toBeGreaterThan(0);
    const session = await login(hong.userId);
    const messages = (await readOutbox(s.app.db, { to: phone })).length;
    const misses = async () =>
      (
        await s.app.db.query<{ misses: number }>(
          "SELECT misses FROM certcenter_proofing_misses WHERE cooperative_id = $1 AND member_id = $2",
          hongRows,
        )
      ).rows[0]?.misses ?? 0;
    const missesBefore = await misses();
    const old = (await hongLive("bank"))!;

    const send = await post("/api/certcenter/reissue/phone-code", session, { purpose: "bank" });
    expect(send.status).toBe(403);
    expect(send.body.error).toMatchObject({
      code: "consent_required",
      details: { documents: currentConsentRefs },
    });
    expect(await readOutbox(s.app.db, { to: phone })).toHaveLength(messages);

    // A loss (which would revoke the old certificate at once), with a wrong number and then with
    // right answers: refused before proofing counts a try and before anything is revoked.
    for (const body of [
      { ...reissueBody("bank", "lost", "000000", wrongOtp()), rrn: s.users[1]!.rrn },
      reissueBody("bank", "lost", "000000", nextOtp()),
    ]) {
      const r = await post("/api/certcenter/reissue", session, body);
      expect(r.status, JSON.stringify(r.body)).toBe(403);
      expect(r.body.error.code).toBe("consent_required");
    }
    expect(await misses()).toBe(missesBefore);
    expect(await statusOf(old.serial)).toEqual({ status: "valid", revocation_reason: null });

    // Agreed as the page's terms step posts it: the code is sent.
    const all = Object.fromEntries(currentConsentRefs.map((ref) => ref.split("@")));
    expect((await post("/api/certcenter/consents", session, all)).status).toBe(201);
    expect((await post("/api/certcenter/reissue/phone-code", session, { purpose: "bank" })).status).toBe(200);
    expect(await readOutbox(s.app.db, { to: phone })).toHaveLength(messages + 1);
  });

  it("ends a code after 3 minutes and after 5 wrong tries; a new code replaces the old", async () => {
    s.clock.advance(3_600_000); // a full bucket of sends
    const session = await login(hong.userId);
    expect((await post("/api/certcenter/reissue/phone-code", session, { purpose: "bank" })).status).toBe(200);
    const first = await codeOnPhone();
    s.clock.advance(180_000);
    await expect(verifyReissuePhoneCode(s.app.bank, who(session), first)).rejects.toEqual(
      refusal("phone_code_expired"),
    );

    const again = await login(hong.userId);
    expect((await post("/api/certcenter/reissue/phone-code", again, { purpose: "bank" })).status).toBe(200);
    const code = await codeOnPhone();
    const wrong = code === "999999" ? "999998" : "999999";
    for (let remaining = 4; remaining >= 1; remaining--) {
      await expect(verifyReissuePhoneCode(s.app.bank, who(again), wrong)).rejects.toEqual(
        refusal("phone_code_wrong", { remaining }),
      );
    }
    await expect(verifyReissuePhoneCode(s.app.bank, who(again), "12a456")).rejects.toEqual(
      refusal("phone_code_spent"),
    );
    await expect(
      verifyReissuePhoneCode(s.app.bank, who(again), code),
      "the right code, too late",
    ).rejects.toEqual(refusal("phone_code_spent"));

    // A new code: the spent one's tries are gone with it, and only the newest code counts.
    expect((await post("/api/certcenter/reissue/phone-code", again, { purpose: "bank" })).status).toBe(200);
    const older = await codeOnPhone();
    expect((await post("/api/certcenter/reissue/phone-code", again, { purpose: "bank" })).status).toBe(200);
    const newest = await codeOnPhone();
    if (older !== newest) {
      await expect(verifyReissuePhoneCode(s.app.bank, who(again), older)).rejects.toEqual(
        refusal("phone_code_wrong", { remaining: 4 }),
      );
    }
    await verifyReissuePhoneCode(s.app.bank, who(again), newest);

    // Tried at once: the right code is good for one of two, and eight wrong ones count to five.
    expect((await post("/api/certcenter/reissue/phone-code", again, { purpose: "bank" })).status).toBe(200);
    const twice = await codeOnPhone();
    const both = await Promise.allSettled(
      [0, 1].map(() => verifyReissuePhoneCode(s.app.bank, who(again), twice)),
    );
    expect(both.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    s.clock.advance(3_600_000);
    const third = await login(hong.userId);
    expect((await post("/api/certcenter/reissue/phone-code", third, { purpose: "bank" })).status).toBe(200);
    const right = await codeOnPhone();
    const bad = right === "111111" ? "111112" : "111111";
    const eight = await Promise.allSettled(
      Array.from({ length: 8 }, () => verifyReissuePhoneCode(s.app.bank, who(third), bad)),
    );
    const codes = eight.map((r) => (r.status === "rejected" ? (r.reason as CertcenterError).code : "ok"));
    expect(codes.filter((c) => c === "phone_code_wrong")).toHaveLength(4);
    expect(codes.filter((c) => c === "phone_code_spent")).toHaveLength(4);
    await expect(verifyReissuePhoneCode(s.app.bank, who(third), right)).rejects.toEqual(
      refusal("phone_code_spent"),
    );
  });

  it("refuses a member with no phone, and limits sends to 5 an hour", async () => {
    const kim = s.users[1]!.userId;
    await issue(kim, "bank");
    const r = await post("/api/certcenter/reissue/phone-code", await login(kim), { purpose: "bank" });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe("no_phone");
    expect(r.body.error.message.ko).toContain("영업점");

    s.clock.advance(3_600_000);
    const session = await login(hong.userId);
    for (let i = 0; i < 5; i++) {
      expect((await post("/api/certcenter/reissue/phone-code", session, { purpose: "bank" })).status).toBe(
        200,
      );
    }
    const sixth = await post("/api/certcenter/reissue/phone-code", session, { purpose: "bank" });
    expect(sixth.status).toBe(429);
    expect(sixth.body.error.code).toBe("rate_limited");
  });

  /** The OTP code of the next 30-second step (a code is good once), moving the clock to it. */
  function nextOtp(): string {
    s.clock.advance(30_000);
    return totpCode(hongProof.otpSecret, s.clock.now());
  }

  /** Six digits no step within the OTP's window of drift answers to. */
  function wrongOtp(): string {
    const near = [-30_000, 0, 30_000].map((d) =>
      totpCode(hongProof.otpSecret, new Date(s.clock.now().getTime() + d)),
    );
    return ["000000", "111111", "222222", "333333"].find((c) => !near.includes(c))!;
  }

  /** The reissue's body as the member fills the form: the proofing answers and the phone code. */
  const reissueBody = (purpose: string, reason: string, phoneCode: string, otp: string) => ({
    purpose,
    reason,
    phoneCode,
    rrn: hongProof.rrn,
    account: hongProof.account,
    pin: hongProof.pin,
    otp,
  });

  /** The browser's fetch to /pki/cmp (RFC 6712), with the session's cookie when it has one. */
  const cmpAs = (session?: Session) => async (der: Uint8Array<ArrayBuffer>) => {
    const r = await fetch(`${s.url}/pki/cmp`, {
      method: "POST",
      headers: { "content-type": "application/pkixcmp", ...(session ? { cookie: session.cookie } : {}) },
      body: der,
    });
    if (r.status !== 200) throw new Error(`POST /pki/cmp answered ${r.status}`);
    return new Uint8Array(await r.arrayBuffer());
  };

  /** `openssl ocsp` against the server's responder, for a certificate written out as PEM. */
  async function opensslOcsp(der: Uint8Array) {
    const path = join(s.dir, `ocsp-${toHex(crypto.getRandomValues(new Uint8Array(6)))}.pem`);
    writeFileSync(path, toPem("CERTIFICATE", der));
    const r = await s.openssl([
      "ocsp",
      "-url",
      `${s.url}/pki/ocsp`,
      "-issuer",
      s.files.issuing,
      "-CAfile",
      s.files.chain,
      "-cert",
      path,
      "-no_nonce",
      // The server's clock runs ahead of the real one here: OpenSSL verifies at the server's time,
      // and allows its answer's thisUpdate to lie that far ahead.
      "-attime",
      String(Math.floor(s.clock.now().getTime() / 1000)),
      "-validity_period",
      String(Math.ceil((s.clock.now().getTime() - Date.now()) / 1000) + 300),
    ]);
    expect(r.stderr).toContain("Response verify OK");
    return r.stdout.replace(`${path}: `, "");
  }

  const hongLive = (purpose: "bank" | "universal") =>
    liveCertificate(s.app.db, holderOf(hong.cooperativeId, hong.memberId), purpose);
  const statusOf = async (serial: Uint8Array) =>
    (
      await s.app.db.query<{ status: string; revocation_reason: string | null }>(
        "SELECT status, revocation_reason FROM certificates WHERE serial = $1",
        [serial],
      )
    ).rows[0];

  it("authorises a reissue only after the real identity proofing and the phone code, bound to the session; a forgotten password's old certificate is superseded at confirmation", async () => {
    s.clock.advance(3_600_000);
    const logged: string[] = [];
    const fastify = await buildServer(s.app, {
      logLevel: "info",
      logStream: { write: (line: string) => void logged.push(line) },
    });
    try {
      const session = await login(hong.userId);
      const inject = (method: "GET" | "POST", url: string, payload?: unknown, as = session) =>
        fastify.inject({
          method,
          url,
          headers: { cookie: as.cookie, "x-csrf-token": as.csrf },
          ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
        });
      expect(
        (await inject("POST", "/api/certcenter/reissue/phone-code", { purpose: "bank" })).statusCode,
      ).toBe(200);
      const code = await codeOnPhone();
      const old = (await hongLive("bank"))!;

      // Proofing refused at each of its steps (a number, the PIN, the OTP), counted by proofing's
      // own lockouts: the phone code is neither spent nor counted.
      const refusals = [
        { ...reissueBody("bank", "forgotten", code, "123456"), rrn: s.users[1]!.rrn },
        { ...reissueBody("bank", "forgotten", code, "123456"), pin: "9999" },
        reissueBody("bank", "forgotten", code, wrongOtp()),
      ];
      const answers = [];
      for (const body of refusals) {
        const r = await inject("POST", "/api/certcenter/reissue", body);
        answers.push([r.statusCode, r.json().error.code, r.json().error.details?.remaining]);
      }
      expect(answers).toEqual([
        [400, "rrn_mismatch", 4],
        [400, "pin_wrong", 4],
        [400, "medium_wrong", 4],
      ]);
      const wrongCode = await inject(
        "POST",
        "/api/certcenter/reissue",
        reissueBody("bank", "forgotten", code === "000000" ? "000001" : "000000", nextOtp()),
      );
      expect(wrongCode.statusCode).toBe(400);
      expect(wrongCode.json().error).toMatchObject({ code: "phone_code_wrong", details: { remaining: 4 } });

      const ok = await inject(
        "POST",
        "/api/certcenter/reissue",
        reissueBody("bank", "forgotten", code, nextOtp()),
      );
      expect(ok.statusCode, ok.body).toBe(200);
      const issued = ok.json();
      expect(issued.referenceNumber).toMatch(/^[0-9]{10}$/);
      expect(new Date(issued.expiresAt).getTime() - s.clock.now().getTime()).toBe(10 * 60_000);
      expect(await statusOf(old.serial), "forgotten: kept until the new one is confirmed").toEqual({
        status: "valid",
        revocation_reason: null,
      });

      // Bound to this session: only it sees the authorisation, and only its cookie may enrol.
      const mine = await inject("GET", `/api/certcenter/authorizations/${issued.referenceNumber}`);
      expect(mine.json()).toMatchObject({ state: "open", purpose: "bank", certificate: null, fee: null });
      const other = await login(hong.userId);
      const theirs = await inject(
        "GET",
        `/api/certcenter/authorizations/${issued.referenceNumber}`,
        undefined,
        other,
      );
      expect(theirs.statusCode).toBe(404);
      const keys = await generateKeyPair({ algorithm: "EC" });
      for (const transport of [cmpAs(other), cmpAs()]) {
        const refused = await enrol({ send: transport, ...issued, keys }).catch((e: unknown) => e);
        expect(refused).toBeInstanceOf(CmpRefusal);
        expect((refused as CmpRefusal).failures).toEqual(["notAuthorized"]);
        expect((refused as CmpRefusal).statusText).toContain("another login session");
      }
      // A second on: the CA's budget of PBM rounds per reference number and second starts again.
      s.clock.advance(2_000);
      let beforeConfirmation: unknown;
      const reissued = await enrol({
        send: async (der) => {
          if (parsePkiMessage(der).bodyType === "certConf") beforeConfirmation = await statusOf(old.serial);
          return cmpAs(session)(der);
        },
        ...issued,
        keys,
      });
      expect(beforeConfirmation).toEqual({ status: "valid", revocation_reason: null });
      expect(await statusOf(old.serial)).toEqual({ status: "revoked", revocation_reason: "superseded" });
      expect(await opensslOcsp(old.der!)).toMatch(/^revoked[\s\S]*Reason: superseded/);
      const now = (await hongLive("bank"))!;
      expect(toHex(now.serial)).not.toBe(toHex(old.serial));
      expect(now.der).toEqual(reissued.certificate);
      expect(now.notAfter.getTime(), "a reissue keeps the old expiry").toBe(old.notAfter.getTime());
      // The certificate itself says so, to its second (X.509's time has no fractions).
      expect(new X509Certificate(toBytes(reissued.certificate)).notAfter.getTime()).toBe(
        Math.floor(old.notAfter.getTime() / 1000) * 1000,
      );
      expect(
        (await inject("GET", `/api/certcenter/authorizations/${issued.referenceNumber}`)).json(),
      ).toMatchObject({
        state: "used",
        certificate: { serial: toHex(now.serial), status: "valid" },
      });

      // Malformed requests are the caller's mistake, never a 500.
      const body = reissueBody("bank", "forgotten", code, "123456");
      for (const bad of [
        {},
        { ...body, purpose: "gold" },
        { ...body, reason: "stolen" },
        { ...body, phoneCode: "12345" },
        { ...body, phoneCode: 123456 },
        { ...body, rrn: "123456-123456" },
        { ...body, pin: "12345" },
        { ...body, otp: undefined, card: { first: "1", second: "22" } },
        { ...body, proof: { pin: "1234" } },
      ]) {
        const r = await inject("POST", "/api/certcenter/reissue", bad);
        expect(r.statusCode, JSON.stringify(bad)).toBe(400);
      }
      // The used code is refused.
      const again = await inject(
        "POST",
        "/api/certcenter/reissue",
        reissueBody("bank", "forgotten", code, nextOtp()),
      );
      expect(again.statusCode).toBe(409);
      expect(again.json().error.code).toBe("phone_code_missing");
      expect(logged.length).toBeGreaterThan(0);
      const log = logged.join("\n");
      // As a number of its own: six digits turn up by chance inside timestamps and ids.
      expect(log).not.toMatch(new RegExp(`(?<![0-9])${code}(?![0-9])`));
      for (const secret of [hongProof.rrn, hongProof.rrn.replace("-", "")]) expect(log).not.toContain(secret);
    } finally {
      await fastify.close();
    }
  });

  it("after a loss revokes the old certificate at once (keyCompromise, as OCSP says), and reissues a universal certificate free with the old expiry", async () => {
    s.clock.advance(3_600_000);
    await issue(hong.userId, "universal", "branch");
    const old = (await hongLive("universal"))!;
    expect(await opensslOcsp(old.der!)).toMatch(/^good/);
    const balances = async () =>
      (
        await s.app.db.query<{ balance: bigint; held: bigint }>(
          "SELECT balance, held FROM accounts WHERE cooperative_id = $1 AND member_id = $2 ORDER BY id",
          [hong.cooperativeId, hong.memberId],
        )
      ).rows;
    const before = await balances();

    const session = await login(hong.userId);
    expect((await post("/api/certcenter/reissue/phone-code", session, { purpose: "universal" })).status).toBe(
      200,
    );
    const ok = await post(
      "/api/certcenter/reissue",
      session,
      reissueBody("universal", "lost", await codeOnPhone(), nextOtp()),
    );
    expect(ok.status).toBe(200);
    // Lost: revoked the moment the reissue is authorised, before any new certificate exists.
    expect(await statusOf(old.serial)).toEqual({ status: "revoked", revocation_reason: "keyCompromise" });
    expect(await opensslOcsp(old.der!)).toMatch(/^revoked[\s\S]*Reason: keyCompromise/);
    expect(await hongLive("universal")).toBeUndefined();

    const refused = await enrol({
      send: cmpAs(),
      ...ok.body,
      keys: await generateKeyPair({ algorithm: "EC" }),
    }).catch((e: unknown) => e);
    expect((refused as CmpRefusal).failures).toEqual(["notAuthorized"]);
    s.clock.advance(2_000);
    const reissued = await enrol({
      send: cmpAs(session),
      ...ok.body,
      keys: await generateKeyPair({ algorithm: "EC" }),
    });
    const now = (await hongLive("universal"))!;
    expect(now.der).toEqual(reissued.certificate);
    expect(now.notAfter.getTime(), "a reissue keeps the old expiry").toBe(old.notAfter.getTime());
    expect(await opensslOcsp(now.der!)).toMatch(/^good/);
    // Free: no fee held or taken for the universal reissue.
    expect(await balances()).toEqual(before);
    const fees = await s.app.db.query("SELECT id FROM certcenter_fees WHERE authorization_ref = $1", [
      ok.body.referenceNumber,
    ]);
    expect(fees.rows).toEqual([]);
    const captures = await s.app.db.query("SELECT id FROM transfers WHERE kind = 'hold_capture'");
    expect(captures.rows).toEqual([]);
  });

  it("after a loss, a reissue that cannot be bound to the session leaves the old certificate valid and no authorisation", async () => {
    s.clock.advance(3_600_000);
    const old = (await hongLive("bank"))!;
    const authorizations = async () =>
      (
        await s.app.db.query<{ n: bigint }>(
          "SELECT count(*)::bigint AS n FROM ca_authorizations WHERE holder = $1",
          [holderOf(hong.cooperativeId, hong.memberId)],
        )
      ).rows[0]!.n;
    const before = await authorizations();
    const session = await login(hong.userId);
    expect((await post("/api/certcenter/reissue/phone-code", session, { purpose: "bank" })).status).toBe(200);
    // The binding to the session fails (a constraint no new row meets), after the CA has made the
    // authorisation and revoked the lost certificate in its transaction.
    await s.app.db.exec(
      "ALTER TABLE certcenter_web_authorizations ADD CONSTRAINT refuse_binding CHECK (false) NOT VALID",
    );
    try {
      const failed = await post(
        "/api/certcenter/reissue",
        session,
        reissueBody("bank", "lost", await codeOnPhone(), nextOtp()),
      );
      expect(failed.status).toBe(500);
    } finally {
      await s.app.db.exec("ALTER TABLE certcenter_web_authorizations DROP CONSTRAINT refuse_binding");
    }
    expect(await statusOf(old.serial), "not revoked").toEqual({ status: "valid", revocation_reason: null });
    expect(await opensslOcsp(old.der!)).toMatch(/^good/);
    expect(await authorizations(), "no authorisation made").toBe(before);

    // The member asks again (a new code: the first was spent) and the reissue goes through.
    expect((await post("/api/certcenter/reissue/phone-code", session, { purpose: "bank" })).status).toBe(200);
    const ok = await post(
      "/api/certcenter/reissue",
      session,
      reissueBody("bank", "lost", await codeOnPhone(), nextOtp()),
    );
    expect(ok.status).toBe(200);
    expect(await statusOf(old.serial)).toEqual({ status: "revoked", revocation_reason: "keyCompromise" });
    expect(await authorizations()).toBe(before + 1n);
    // Enrolled under it from this session: the member holds a bank certificate again.
    s.clock.advance(2_000);
    const reissued = await enrol({
      send: cmpAs(session),
      ...ok.body,
      keys: await generateKeyPair({ algorithm: "EC" }),
    });
    expect((await hongLive("bank"))?.der).toEqual(reissued.certificate);
  });

  it("shows the outbox on the development page, and has no such page or sender in production", async () => {
    const fastify = await buildServer(s.app, { logLevel: "warn" });
    try {
      const json = await fastify.inject({ method: "GET", url: `/dev/outbox.json?to=${phone}&limit=1` });
      expect(json.statusCode).toBe(200);
      const [newest] = json.json().messages;
      expect(newest.body).toContain(await codeOnPhone());
      const page = await fastify.inject({ method: "GET", url: "/dev/outbox" });
      expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
      expect(page.body).toContain(await codeOnPhone());
      expect(page.headers["cache-control"]).toBe("no-store");
      // Through a reverse proxy on this machine the peer is local, but the caller may be anyone.
      for (const header of [
        { "x-forwarded-for": "203.0.113.7" },
        { forwarded: "for=203.0.113.7" },
        { "x-real-ip": "203.0.113.7" },
      ]) {
        for (const url of ["/dev/outbox", "/dev/outbox.json"]) {
          const proxied = await fastify.inject({ method: "GET", url, headers: header });
          expect(proxied.statusCode, `${url} ${JSON.stringify(header)}`).toBe(403);
          expect(proxied.body).not.toContain(await codeOnPhone());
        }
      }
    } finally {
      await fastify.close();
    }
    const production = { ...s.app, config: { ...s.app.config, production: true, messageSender: "none" } };
    const prod = await buildServer(production, { logLevel: "silent" });
    try {
      expect((await prod.inject({ method: "GET", url: "/dev/outbox" })).statusCode).toBe(404);
      expect((await prod.inject({ method: "GET", url: "/dev/outbox.json" })).statusCode).toBe(404);
      s.clock.advance(3_600_000);
      const again = await login(hong.userId);
      const r = await prod.inject({
        method: "POST",
        url: "/api/certcenter/reissue/phone-code",
        headers: { cookie: again.cookie, "x-csrf-token": again.csrf },
        payload: { purpose: "bank" },
      });
      expect(r.statusCode).toBe(503);
      expect(r.json().error.code).toBe("sender_unavailable");
    } finally {
      await prod.close();
    }
    const keys = {
      GEUMGO_RRN_KEY: "a".repeat(64),
      GEUMGO_RRN_INDEX_KEY: "b".repeat(64),
      GEUMGO_PIN_KEY: "c".repeat(64),
    };
    const base = { GEUMGO_DATA: s.dir, ...keys, GEUMGO_CA_PASSPHRASE: "a passphrase long enough" };
    expect(loadConfig(base).messageSender).toBe("outbox");
    expect(loadConfig({ ...base, NODE_ENV: "production" }).messageSender).toBe("none");
    expect(() => loadConfig({ ...base, NODE_ENV: "production", GEUMGO_MESSAGE_SENDER: "outbox" })).toThrow(
      "GEUMGO_MESSAGE_SENDER=outbox is refused",
    );
    expect(() => loadConfig({ ...base, GEUMGO_MESSAGE_SENDER: "Bad Name" })).toThrow("GEUMGO_MESSAGE_SENDER");
  });
});
