// The whole branch visit through HTTP, as the teller console drives it: login → look the member up
// or register them → open an account → enrol for internet banking → OTP device → certificate
// authorisation → security card, unlock, password reset → logout; every step audited with the
// teller's ID and nothing secret (no resident registration number, password or code) in the log.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAudit } from "../../../src/audit/audit-log.ts";
import { checkLoginPassword } from "../../../src/auth/password-rules.ts";
import { passwordMatches } from "../../../src/auth/users.ts";
import { verifyMedium } from "../../../src/bank/security-medium.ts";
import { base32Decode, totpCode } from "../../../src/bank/totp.ts";
import { dbKinds } from "../../support/db.ts";
import {
  auditHead,
  auditSince,
  startTellerServer,
  TellerClient,
  type TellerServer,
} from "./teller-server.ts";

type MemberView = {
  id: string;
  name: string;
  rrnMasked: string;
  branch: { code: string; name: string };
  accounts: { number: string; kind: string; balance: string }[];
  internetBanking: null | {
    userId: string;
    enrolledAt: string;
    mustChangePassword: boolean;
    deadline: string | null;
    lapsed: boolean;
    locked: boolean;
  };
  securityMedium: null | { kind: string; cardSerial: string | null; locked: boolean };
};

type Slip = { userId: string; temporaryPassword: string; enrolledAt: string; deadline: string };

describe.each(dbKinds)("the branch desk over HTTP on %s", (kind) => {
  let s: TellerServer;
  // A fresh database, the demo federation and a CA: slow when the whole suite runs at once.
  beforeAll(async () => {
    s = await startTellerServer(kind);
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  }, 60_000);

  it("walks a new member through a branch visit, every step audited as the teller", async () => {
    const start = await auditHead(s.app);
    const t = new TellerClient(s.url);
    const rrn = "9203152345671";
    const secrets: string[] = [rrn, "920315-2345671"];

    // The teller signs in: a cookie only the server reads, and a CSRF token for the page.
    const wrong = await t.login({ tellerId: "teller01", password: "not the password" });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ error: { code: "teller_bad_credentials" } });
    expect((wrong.body as { error: { message: { en: string } } }).error.message.en).toContain("4 tries left");
    const login = await t.login();
    expect(login.status).toBe(200);
    expect(login.body).toEqual({
      kind: "teller",
      tellerId: "teller01",
      name: "박창구",
      role: "teller",
      cooperative: { code: "9002", name: "한빛새마을금고" },
      branch: { code: "001", name: "본점" },
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      idleTimeoutSeconds: 600,
      expiresAt: new Date(s.clock.now().getTime() + 600_000).toISOString(),
    });
    const cookie = login.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^geumgo_teller=[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
    expect(cookie).toContain("Path=/");
    const session = await t.get("/api/teller/session");
    expect(session.status).toBe(200);
    expect(session.body.csrfToken).toBe(login.body.csrfToken);

    // Nobody with this number yet: register the member at the teller's branch.
    const none = await t.post("/api/teller/members/lookup", { name: "박서준", rrn });
    expect(none.status).toBe(404);
    expect(none.body).toMatchObject({ error: { code: "member_not_found" } });
    const created = await t.post<MemberView>("/api/teller/members", {
      name: "박서준",
      rrn: "920315-2345671",
      phone: "010-9876-5432",
      email: "seojun@example.com",
      address: "서울특별시 서초구 반포대로 1",
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: "박서준",
      rrnMasked: "920315-2******",
      branch: { code: "001", name: "본점" },
      phone: "010-9876-5432",
      accounts: [],
      internetBanking: null,
      securityMedium: null,
    });
    const memberId = created.body.id;
    const again = await t.post("/api/teller/members", { name: "박서준", rrn });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: "member_exists" } });

    // Next visit: the ID card finds them; a name that is not theirs does not.
    const found = await t.post<MemberView>("/api/teller/members/lookup", { name: "박 서준", rrn });
    expect(found.status).toBe(200);
    expect(found.body.id).toBe(memberId);
    const otherName = await t.post("/api/teller/members/lookup", { name: "박서윤", rrn });
    expect(otherName.status).toBe(409);
    expect(otherName.body).toMatchObject({ error: { code: "name_mismatch" } });

    const account = await t.post(`/api/teller/members/${memberId}/accounts`, {
      kind: "demand",
      pin: "4821",
    });
    expect(account.status).toBe(201);
    expect(account.body).toMatchObject({ kind: "demand", name: "보통예금", status: "active", balance: "0" });
    expect(account.body.number).toMatch(/^9002-\d{4}-\d{4}-\d$/);

    // Enrolment: the member's own user ID, a temporary password for the slip, 3 business days.
    const enrol = await t.post<Slip>(`/api/teller/members/${memberId}/enrolment`, { userId: "Seojun92" });
    expect(enrol.status).toBe(201);
    expect(Object.keys(enrol.body).sort()).toEqual(["deadline", "enrolledAt", "temporaryPassword", "userId"]);
    expect(enrol.body.userId).toBe("Seojun92");
    expect(enrol.body.enrolledAt).toBe(s.clock.now().toISOString());
    // Enrolled Wednesday 2026-11-25 (Seoul): Thursday, Friday, Monday; lapses at midnight starting Tuesday.
    expect(enrol.body.deadline).toBe("2026-11-30T15:00:00.000Z");
    const temporary = enrol.body.temporaryPassword;
    secrets.push(temporary);
    expect(checkLoginPassword(temporary, "Seojun92")).toEqual([]);
    const user = await s.app.db.query<{
      password_hash: string;
      must_change_password: boolean;
      enrolled_at: Date;
    }>("SELECT password_hash, must_change_password, enrolled_at FROM users WHERE user_id_key = 'seojun92'");
    expect(user.rows[0]!.must_change_password).toBe(true);
    expect(await passwordMatches(temporary, user.rows[0]!.password_hash)).toBe(true);

    // An OTP device: the secret the member types (or scans) is the one the bank checks transfers with.
    const otp = await t.post<{ secret: string; uri: string }>(`/api/teller/members/${memberId}/otp`);
    expect(otp.status).toBe(201);
    secrets.push(otp.body.secret);
    const secret = base32Decode(otp.body.secret);
    expect(secret.length).toBe(20);
    expect(otp.body.uri).toMatch(/^otpauth:\/\/totp\/.+:Seojun92\?secret=[A-Z2-7]+&issuer=/);
    expect(new URL(otp.body.uri).searchParams.get("secret")).toBe(otp.body.secret);
    const who = { cooperativeId: 1, memberId: BigInt(memberId) };
    expect(await verifyMedium(s.app.bank, { ...who, answer: totpCode(secret, s.clock.now()) })).toBe("otp");

    // A certificate authorisation for the slip: 14 days, the code never in the log.
    const auth = await t.post<{ referenceNumber: string; authorizationCode: string; expiresAt: string }>(
      `/api/teller/members/${memberId}/certificate-authorization`,
      { purpose: "bank" },
    );
    expect(auth.status).toBe(201);
    expect(auth.body.referenceNumber).toMatch(/^\d{10}$/);
    expect(auth.body.authorizationCode).toMatch(/^\d{16}$/);
    expect(Date.parse(auth.body.expiresAt) - s.clock.now().getTime()).toBe(14 * 86_400_000);
    secrets.push(auth.body.authorizationCode);

    const view = await t.get<MemberView>(`/api/teller/members/${memberId}`);
    expect(view.status).toBe(200);
    expect(view.body.accounts).toHaveLength(1);
    expect(view.body.internetBanking).toMatchObject({
      userId: "Seojun92",
      mustChangePassword: true,
      deadline: "2026-11-30T15:00:00.000Z",
      lapsed: false,
      locked: false,
    });
    expect(view.body.securityMedium).toMatchObject({ kind: "otp", cardSerial: null, locked: false });

    // A security card instead: 35 printable codes; the OTP device stops working.
    const card = await t.post<{ serial: string; codes: string[] }>(
      `/api/teller/members/${memberId}/security-card`,
    );
    expect(card.status).toBe(201);
    expect(card.body.serial).toMatch(/^\d{10}$/);
    expect(card.body.codes).toHaveLength(35);
    for (const c of card.body.codes) expect(c).toMatch(/^\d{4}$/);
    const afterCard = await t.get<MemberView>(`/api/teller/members/${memberId}`);
    expect(afterCard.body.securityMedium).toMatchObject({ kind: "card", cardSerial: card.body.serial });

    // Five wrong passwords and five wrong codes later, the member is back with the ID card.
    await s.app.db.query(
      "UPDATE users SET failed_logins = 5, locked_at = $3 WHERE cooperative_id = $1 AND member_id = $2",
      [1, BigInt(memberId), s.clock.now()],
    );
    await s.app.db.query(
      "UPDATE security_media SET failures = 5 WHERE cooperative_id = $1 AND member_id = $2",
      [1, BigInt(memberId)],
    );
    const locked = await t.get<MemberView>(`/api/teller/members/${memberId}`);
    expect(locked.body.internetBanking?.locked).toBe(true);
    expect(locked.body.securityMedium?.locked).toBe(true);
    const unlock = await t.post(`/api/teller/members/${memberId}/unlock`);
    expect(unlock.status).toBe(200);
    expect(unlock.body).toEqual({ login: "unlocked", medium: "unlocked" });
    const counts = await s.app.db.query<{ failed_logins: number; locked_at: Date | null; failures: number }>(
      `SELECT u.failed_logins, u.locked_at, m.failures FROM users u JOIN security_media m USING (cooperative_id, member_id)
        WHERE u.cooperative_id = 1 AND u.member_id = $1`,
      [BigInt(memberId)],
    );
    expect(counts.rows[0]).toEqual({ failed_logins: 0, locked_at: null, failures: 0 });
    expect((await t.post(`/api/teller/members/${memberId}/unlock`)).body).toEqual({
      login: "not_locked",
      medium: "not_locked",
    });

    // The enrolment lapsed unused: a new temporary password, and the 3 business days start again.
    s.clock.advance(7 * 86_400_000);
    expect((await t.get("/api/teller/session")).status).toBe(401);
    expect((await t.login()).status).toBe(200);
    const lapsed = await t.get<MemberView>(`/api/teller/members/${memberId}`);
    expect(lapsed.body.internetBanking?.lapsed).toBe(true);
    const reset = await t.post<Slip>(`/api/teller/members/${memberId}/password-reset`);
    expect(reset.status).toBe(200);
    expect(reset.body.userId).toBe("Seojun92");
    expect(reset.body.temporaryPassword).not.toBe(temporary);
    expect(reset.body.enrolledAt).toBe(s.clock.now().toISOString());
    expect(reset.body.deadline).toBe("2026-12-07T15:00:00.000Z");
    secrets.push(reset.body.temporaryPassword);
    const afterReset = await s.app.db.query<{
      password_hash: string;
      must_change_password: boolean;
      enrolled_at: Date;
    }>("SELECT password_hash, must_change_password, enrolled_at FROM users WHERE user_id_key = 'seojun92'");
    expect(afterReset.rows[0]!.must_change_password).toBe(true);
    expect(afterReset.rows[0]!.enrolled_at.toISOString()).toBe(s.clock.now().toISOString());
    expect(await passwordMatches(reset.body.temporaryPassword, afterReset.rows[0]!.password_hash)).toBe(true);
    expect(await passwordMatches(temporary, afterReset.rows[0]!.password_hash)).toBe(false);
    const fresh = await t.get<MemberView>(`/api/teller/members/${memberId}`);
    expect(fresh.body.internetBanking?.lapsed).toBe(false);

    // Logout ends the session on the server, not just the cookie.
    const stolen = t.cookie;
    const out = await t.post("/api/teller/logout");
    expect(out.status).toBe(204);
    expect(out.headers.get("set-cookie")).toMatch(/^geumgo_teller=;/);
    t.cookie = stolen;
    const after = await t.get("/api/teller/session");
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ error: { code: "unauthenticated" } });

    // The audit log: each step once, by this teller, about this member, and nothing secret.
    const entries = await auditSince(s.app, start);
    const actions = entries.map((e) => e.action);
    expect(actions).toEqual([
      "teller.login_failed",
      "teller.login",
      "teller.member_lookup",
      "teller.member_create",
      "teller.member_lookup",
      "teller.member_lookup",
      "teller.account_open",
      "teller.enrol",
      "teller.otp_register",
      "ra.authorize",
      "teller.member_view",
      "teller.card_issue",
      "teller.member_view",
      "teller.member_view",
      "teller.unlock",
      "teller.unlock",
      "teller.login",
      "teller.member_view",
      "teller.password_reset",
      "teller.member_view",
      "teller.logout",
    ]);
    for (const e of entries) expect(e.actor).toBe("teller:teller01");
    const subject = `1:${memberId}`;
    for (const e of entries.filter(
      (x) => !["teller.login", "teller.login_failed", "teller.logout"].includes(x.action),
    )) {
      if (e.action === "teller.member_lookup" && e.payload.includes('"found":false')) continue;
      expect(e.subject, e.action).toBe(subject);
    }
    const text = JSON.stringify(entries.map((e) => [e.subject, e.payload]));
    for (const secretText of secrets) expect(text).not.toContain(secretText);
    expect(text).toContain(auth.body.referenceNumber);
    expect(text).toContain("Seojun92");
    expect(await verifyAudit(s.app.db)).toMatchObject({ ok: true });
  });

  it("hands the member over to the member side: the slip's password logs in, and a teller opens a lockout", async () => {
    const t = new TellerClient(s.url);
    expect((await t.login()).status).toBe(200);
    const memberLogin = (userId: string, password: string) =>
      fetch(`${s.url}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ userId, password }),
      });

    // A new member enrolled at the desk signs in with the slip's password, and must change it.
    const m = await t.post<MemberView>("/api/teller/members", { name: "윤하늘", rrn: "9905052345678" });
    const slip = await t.post<Slip>(`/api/teller/members/${m.body.id}/enrolment`, { userId: "haneul99" });
    const first = await memberLogin("haneul99", slip.body.temporaryPassword);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({
      userId: "haneul99",
      name: "윤하늘",
      mustChangePassword: true,
    });

    // hong locks himself out online; the teller sees it, opens it, and the right password works again.
    for (let i = 0; i < 5; i++) await memberLogin("hong", `Wrong!pass${i}x`);
    expect((await memberLogin("hong", "Hong!2026demo")).status).toBe(423);
    const hong = await t.post<MemberView>("/api/teller/members/lookup", {
      name: "홍길동",
      rrn: "850315-1234567",
    });
    expect(hong.body.internetBanking).toMatchObject({
      userId: "hong",
      locked: true,
      mustChangePassword: false,
    });
    expect((await t.post(`/api/teller/members/${hong.body.id}/unlock`)).body).toEqual({
      login: "unlocked",
      medium: "not_locked",
    });
    const again = await memberLogin("hong", "Hong!2026demo");
    expect(again.status).toBe(200);
    const cookie = again.headers.get("set-cookie")!.split(";")[0]!;
    const me = () => fetch(`${s.url}/api/session`, { headers: { cookie } });
    expect((await me()).status).toBe(200);

    // A password reset signs the member out everywhere and asks for a new password at the next login.
    const reset = await t.post<Slip>(`/api/teller/members/${hong.body.id}/password-reset`);
    expect(reset.status).toBe(200);
    expect((await me()).status).toBe(401);
    expect((await memberLogin("hong", "Hong!2026demo")).status).toBe(401);
    const after = await memberLogin("hong", reset.body.temporaryPassword);
    expect(after.status).toBe(200);
    expect(await after.json()).toMatchObject({ mustChangePassword: true });
  });
});
