// The reissue's additional check (issue 14 item 7): a one-time code to the member's registered
// phone through the message sender, read back from the development outbox as a developer would;
// right, wrong, expired, reused, five wrong tries, another session's, replaced by a newer code; the
// send route's refusals and rate limit; and the reissue authorisation route with identity proofing
// passed in (a stand-in here: the proofing module is built beside this one), ending in a real
// enrolment that replaces the old certificate. Logs never carry the code.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findMemberSession } from "../../src/auth/sessions.ts";
import { findUser } from "../../src/auth/users.ts";
import { liveCertificate } from "../../src/ca/certificates.ts";
import { authorizeForUser, holderOf } from "../../src/certcenter/authorize.ts";
import { CertcenterError } from "../../src/certcenter/errors.ts";
import { readOutbox } from "../../src/certcenter/message-sender.ts";
import { type PhoneCodeRequester, verifyReissuePhoneCode } from "../../src/certcenter/phone-code.ts";
import { loadConfig } from "../../src/config.ts";
import { enrol } from "../../src/pki/cmp-client.ts";
import { generateKeyPair } from "../../src/pki/csr.ts";
import { buildServer } from "../../src/server/app.ts";
import { ServerError } from "../../src/server/errors.ts";
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

  beforeAll(async () => {
    s = await startCaServer(kind);
    const u = (await findUser(s.app.db, s.users[0]!.userId))!;
    hong = { cooperativeId: u.cooperativeId, memberId: u.memberId, userId: u.userId };
    await s.app.db.query("UPDATE members SET phone = $1 WHERE cooperative_id = $2 AND id = $3", [
      phone,
      u.cooperativeId,
      u.memberId,
    ]);
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
    const keys = await generateKeyPair({ algorithm: "EC" });
    const auth = await authorizeForUser(s.app, {
      userId: hong.userId,
      purpose: "bank",
      channel: "web",
      actor: "test",
    });
    await enrol({ send: (der) => s.cmp(der), ...auth, keys });

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
    const keys = await generateKeyPair({ algorithm: "EC" });
    const auth = await authorizeForUser(s.app, {
      userId: kim,
      purpose: "bank",
      channel: "web",
      actor: "test",
    });
    await enrol({ send: (der) => s.cmp(der), ...auth, keys });
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

  it("authorises a reissue after proofing and the phone code, and the new certificate replaces the old", async () => {
    s.clock.advance(3_600_000);
    const logged: string[] = [];
    // Identity proofing is another module's; this stand-in takes a fixed PIN, as a refusal would be typed.
    const fastify = await buildServer(s.app, {
      logLevel: "info",
      logStream: { write: (line: string) => void logged.push(line) },
      reissueProofing: async (_app, _auth, proof) => {
        if (proof.pin !== "1234") throw new ServerError("forbidden");
      },
    });
    try {
      const session = await login(hong.userId);
      const inject = (url: string, payload: unknown) =>
        fastify.inject({
          method: "POST",
          url,
          headers: { cookie: session.cookie, "x-csrf-token": session.csrf },
          payload: payload as Record<string, unknown>,
        });
      expect((await inject("/api/certcenter/reissue/phone-code", { purpose: "bank" })).statusCode).toBe(200);
      const code = await codeOnPhone();
      const body = { purpose: "bank", reason: "forgotten", phoneCode: code, proof: { pin: "9999" } };
      // Proofing refused: the phone code is not spent.
      expect((await inject("/api/certcenter/reissue", body)).statusCode).toBe(403);
      const wrongCode = await inject("/api/certcenter/reissue", {
        ...body,
        phoneCode: code === "000000" ? "000001" : "000000",
        proof: { pin: "1234" },
      });
      expect(wrongCode.statusCode).toBe(400);
      expect(wrongCode.json().error).toMatchObject({ code: "phone_code_wrong", details: { remaining: 4 } });
      const old = (await liveCertificate(s.app.db, holderOf(hong.cooperativeId, hong.memberId), "bank"))!;
      const ok = await inject("/api/certcenter/reissue", { ...body, proof: { pin: "1234" } });
      expect(ok.statusCode).toBe(200);
      const issued = ok.json();
      expect(issued.referenceNumber).toMatch(/^[0-9]{10}$/);
      const reissued = await enrol({
        send: (der) => s.cmp(der),
        referenceNumber: issued.referenceNumber,
        authorizationCode: issued.authorizationCode,
        keys: await generateKeyPair({ algorithm: "EC" }),
      });
      expect(reissued.certificate.length).toBeGreaterThan(100);
      const now = (await liveCertificate(s.app.db, holderOf(hong.cooperativeId, hong.memberId), "bank"))!;
      expect(Buffer.from(now.serial).equals(Buffer.from(old.serial))).toBe(false);
      expect(now.notAfter.getTime(), "a reissue keeps the old expiry").toBe(old.notAfter.getTime());
      const { rows } = await s.app.db.query<{ status: string; revocation_reason: string }>(
        "SELECT status, revocation_reason FROM certificates WHERE serial = $1",
        [old.serial],
      );
      expect(rows[0]).toEqual({ status: "revoked", revocation_reason: "superseded" });
      // Malformed requests are the caller's mistake, never a 500.
      for (const bad of [
        {},
        { ...body, purpose: "gold" },
        { ...body, reason: "stolen" },
        { ...body, phoneCode: "12345" },
        { ...body, phoneCode: 123456 },
        { ...body, proof: "1234" },
        { ...body, proof: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, "v"])) },
      ]) {
        const r = await inject("/api/certcenter/reissue", bad);
        expect(r.statusCode, JSON.stringify(bad)).toBe(400);
      }
      // The reused code is refused.
      expect((await inject("/api/certcenter/reissue", { ...body, proof: { pin: "1234" } })).statusCode).toBe(
        409,
      );
      expect(logged.length).toBeGreaterThan(0);
      expect(logged.join("\n")).not.toContain(code);
    } finally {
      await fastify.close();
    }
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
