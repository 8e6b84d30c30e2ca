// What the teller API refuses: another cooperative's members (the same 404 as nobody), calls
// without a session or without the CSRF header, malformed input, user IDs outside the rules,
// enrolment twice, and a teller's sixth password guess. Refusals are 4xx with a code and words in
// both languages, and change nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TellerError, tellerErrorCodes } from "../../../src/auth/teller-errors.ts";
import { createTeller } from "../../../src/auth/tellers.ts";
import { findMemberByRrn } from "../../../src/bank/members.ts";
import { errorReply } from "../../../src/server/errors.ts";
import { dbKinds } from "../../support/db.ts";
import {
  auditHead,
  auditSince,
  expectRefusal,
  otherTeller,
  startTellerServer,
  TellerClient,
  type TellerServer,
} from "./teller-server.ts";

/** The demo's people (src/demo/seed.ts). */
const hong = { name: "홍길동", rrn: "8503151234567" };
const younghee = { name: "김영희", rrn: "9207222345678" };
const chulsoo = { name: "이철수", rrn: "7811301456789" };

describe("teller error codes", () => {
  it("each has Korean and English words and a 4xx status", () => {
    for (const code of tellerErrorCodes) {
      const { status, body } = errorReply(new TellerError(code));
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThan(500);
      expect(body.error.code).toBe(code);
      expect(body.error.message.ko, code).toMatch(/[가-힣]/);
      expect(body.error.message.en, code).toMatch(/^[\x20-\x7e]+$/);
    }
    expect(
      errorReply(new TellerError("teller_bad_credentials", { remaining: 1 })).body.error.message.en,
    ).toContain("1 try left");
  });
});

describe.each(dbKinds)("teller API guards on %s", (kind) => {
  let s: TellerServer;
  let t1: TellerClient;
  let t2: TellerClient;
  let hongId: string;
  let youngheeId: string;
  // A fresh database, the demo federation and a CA: slow when the whole suite runs at once.
  beforeAll(async () => {
    s = await startTellerServer(kind);
    t1 = new TellerClient(s.url);
    t2 = new TellerClient(s.url);
    expect((await t1.login()).status).toBe(200);
    expect((await t2.login(otherTeller)).status).toBe(200);
    hongId = (await findMemberByRrn(s.app.bank, 1, hong.rrn))!.id.toString();
    youngheeId = (await findMemberByRrn(s.app.bank, 1, younghee.rrn))!.id.toString();
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  }, 60_000);

  /** What a member's record looks like in the tables a teller can change. */
  async function state(memberId: string) {
    const q = async (sql: string) => (await s.app.db.query(sql, [1, BigInt(memberId)])).rows;
    return {
      users: await q("SELECT * FROM users WHERE cooperative_id = $1 AND member_id = $2"),
      media: await q("SELECT * FROM security_media WHERE cooperative_id = $1 AND member_id = $2"),
      accounts: await q("SELECT id, balance FROM accounts WHERE cooperative_id = $1 AND member_id = $2"),
      authorizations: (await s.app.db.query("SELECT reference_number FROM ca_authorizations")).rows,
    };
  }

  it("a teller of another cooperative finds and touches none of its members", async () => {
    const before = await state(hongId);
    const start = await auditHead(s.app);
    expectRefusal(await t2.post("/api/teller/members/lookup", hong), 404, "member_not_found");
    expectRefusal(await t2.get(`/api/teller/members/${hongId}`), 404, "member_not_found");
    const routes: [string, unknown][] = [
      ["accounts", { kind: "demand", pin: "1234" }],
      ["enrolment", { userId: "intruder1" }],
      ["otp", undefined],
      ["security-card", undefined],
      ["unlock", undefined],
      ["password-reset", undefined],
      ["certificate-authorization", { purpose: "bank" }],
    ];
    for (const [path, body] of routes) {
      expectRefusal(await t2.post(`/api/teller/members/${hongId}/${path}`, body), 404, "member_not_found");
    }
    // The same answer as for an id nobody has.
    expectRefusal(await t2.post("/api/teller/members/999999999/unlock"), 404, "member_not_found");
    expect(await state(hongId)).toEqual(before);
    // And the other way round: the first cooperative's teller cannot see 이철수 of the second.
    expectRefusal(await t1.post("/api/teller/members/lookup", chulsoo), 404, "member_not_found");
    const chulsooId = (await findMemberByRrn(s.app.bank, 2, chulsoo.rrn))!.id.toString();
    expectRefusal(await t1.get(`/api/teller/members/${chulsooId}`), 404, "member_not_found");
    // The lookups are on record, under the teller who made them, without the number looked for.
    const entries = await auditSince(s.app, start);
    expect(entries.map((e) => [e.actor, e.action])).toEqual([
      ["teller:haeoreum01", "teller.member_lookup"],
      ["teller:teller01", "teller.member_lookup"],
    ]);
    const text = JSON.stringify(entries.map((e) => [e.subject, e.payload]));
    for (const p of [hong, chulsoo]) expect(text).not.toContain(p.rrn.slice(0, 6));
  });

  it("refuses callers without a session, and unsafe calls without the CSRF token", async () => {
    const anonymous = new TellerClient(s.url);
    expectRefusal(await anonymous.get("/api/teller/session"), 401, "unauthenticated");
    expectRefusal(await anonymous.post("/api/teller/members/lookup", hong), 401, "unauthenticated");
    expectRefusal(await anonymous.post(`/api/teller/members/${youngheeId}/otp`), 401, "unauthenticated");
    // A member's session cookie is not a teller's.
    const forged = new TellerClient(s.url);
    forged.cookie = `geumgo_teller=${"A".repeat(43)}`;
    expectRefusal(await forged.get("/api/teller/session"), 401, "unauthenticated");

    const before = await state(youngheeId);
    expectRefusal(
      await t1.post(`/api/teller/members/${youngheeId}/enrolment`, { userId: "younghee1" }, { csrf: false }),
      403,
      "csrf",
    );
    expectRefusal(
      await t1.post(`/api/teller/members/${youngheeId}/otp`, undefined, { csrf: false }),
      403,
      "csrf",
    );
    expectRefusal(await t1.post("/api/teller/logout", undefined, { csrf: false }), 403, "csrf");
    expect(await state(youngheeId)).toEqual(before);
    expect((await t1.get("/api/teller/session")).status).toBe(200);
  });

  it("answers malformed input with 400 validation and changes nothing", async () => {
    const before = await state(youngheeId);
    const bad: [string, unknown][] = [
      [`/api/teller/members/${youngheeId}/accounts`, { kind: "demand", pin: "12a4" }],
      [`/api/teller/members/${youngheeId}/accounts`, { kind: "checking", pin: "1234" }],
      [`/api/teller/members/${youngheeId}/accounts`, { kind: "demand" }],
      ["/api/teller/members/abc/accounts", { kind: "demand", pin: "1234" }],
      ["/api/teller/members/0/unlock", undefined],
      ["/api/teller/members/lookup", { name: "김영희", rrn: "92072223456" }],
      ["/api/teller/members/lookup", { rrn: younghee.rrn }],
      ["/api/teller/members/lookup", { name: "", rrn: younghee.rrn }],
      ["/api/teller/members", { name: "새회원", rrn: "9207222345678", email: "not an address" }],
      [`/api/teller/members/${youngheeId}/certificate-authorization`, { purpose: "server" }],
      [`/api/teller/members/${youngheeId}/enrolment`, {}],
      ["/api/teller/login", { tellerId: "teller01" }],
    ];
    for (const [path, body] of bad) expectRefusal(await t1.post(path, body), 400, "validation");
    // A phone is judged by the desk, and refused by name: only a mobile's number is taken.
    for (const phone of ["call me", "02-123-4567", "070-1234-5678"]) {
      expectRefusal(
        await t1.post("/api/teller/members", { name: "새회원", rrn: "9207222345678", phone }),
        400,
        "bad_phone",
      );
    }
    const r = await fetch(`${s.url}/api/teller/members/lookup`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: t1.cookie!, "x-csrf-token": t1.csrfToken! },
      body: "{ not json",
    });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe("validation");
    expect(await state(youngheeId)).toEqual(before);
  });

  it("keeps user IDs to 6–12 letters and digits, unique regardless of case, and enrols once", async () => {
    for (const userId of [
      "abc12",
      "hong",
      "abcdefghijk12",
      "young_hee",
      "young hee",
      "영희영희영희",
      "younghee!",
    ]) {
      expectRefusal(
        await t1.post(`/api/teller/members/${youngheeId}/enrolment`, { userId }),
        400,
        "bad_user_id",
      );
    }
    expectRefusal(await t1.post(`/api/teller/members/${youngheeId}/password-reset`), 409, "not_enrolled");
    expectRefusal(
      await t1.post(`/api/teller/members/${youngheeId}/certificate-authorization`, { purpose: "bank" }),
      409,
      "not_enrolled",
    );
    expect((await t1.post(`/api/teller/members/${youngheeId}/unlock`)).body).toEqual({
      login: "not_enrolled",
      medium: "not_registered",
    });
    const ok = await t1.post(`/api/teller/members/${youngheeId}/enrolment`, { userId: "Younghee92" });
    expect(ok.status).toBe(201);
    expect(ok.body.userId).toBe("Younghee92");
    expectRefusal(
      await t1.post(`/api/teller/members/${youngheeId}/enrolment`, { userId: "Younghee93" }),
      409,
      "already_enrolled",
    );
    const other = await t1.post("/api/teller/members", { name: "최민수", rrn: "0101013456789" });
    expect(other.status).toBe(201);
    expectRefusal(
      await t1.post(`/api/teller/members/${String(other.body.id)}/enrolment`, { userId: "YOUNGHEE92" }),
      409,
      "user_id_taken",
    );
    const users = await s.app.db.query("SELECT user_id FROM users WHERE user_id_key = 'younghee92'");
    expect(users.rows).toEqual([{ user_id: "Younghee92" }]);
  });

  it("locks a teller's login after five wrong passwords, even against the right one", async () => {
    await createTeller(s.app.db, {
      cooperativeId: 1,
      branchId: 2,
      tellerId: "yeoksam07",
      password: "Yeoksam!2026x",
      name: "정창구",
      at: s.clock.now(),
    });
    const t = new TellerClient(s.url);
    for (let left = 4; left >= 1; left--) {
      const r = await t.login({ tellerId: "yeoksam07", password: `wrong ${left}` });
      expectRefusal(r, 401, "teller_bad_credentials");
      expect((r.body as { error: { message: { en: string } } }).error.message.en).toContain(`${left} tr`);
      expect((r.body as { error: { details?: unknown } }).error.details).toEqual({ remaining: left });
    }
    expectRefusal(await t.login({ tellerId: "yeoksam07", password: "wrong 0" }), 423, "teller_locked");
    expectRefusal(await t.login({ tellerId: "yeoksam07", password: "Yeoksam!2026x" }), 423, "teller_locked");
    expect(t.cookie).toBeUndefined();
    // An unknown teller ID gets the wrong-password answer and its count, as a known one does
    // (test/server/unknown-login-ids.test.ts compares the two through the lock).
    const unknown = await t.login({ tellerId: "nobody98", password: "whatever" });
    expectRefusal(unknown, 401, "teller_bad_credentials");
    expect((unknown.body as { error: { details?: unknown } }).error.details).toEqual({ remaining: 4 });
  });

  it("slows down guessing at one teller ID: the eleventh try in a minute waits", async () => {
    const t = new TellerClient(s.url);
    // An unknown ID locks at the fifth, as a known one does; the limit counts on.
    for (let i = 0; i < 10; i++) {
      expectRefusal(
        await t.login({ tellerId: "guessme1", password: `guess ${i}` }),
        i < 4 ? 401 : 423,
        i < 4 ? "teller_bad_credentials" : "teller_locked",
      );
    }
    const r = await t.login({ tellerId: "GUESSME1", password: "guess 10" });
    expectRefusal(r, 429, "rate_limited");
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
