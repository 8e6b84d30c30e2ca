// Login, lockout, the enrolment lapse with a moved clock, CSRF, idle timeout, password change.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enrollUser } from "../../../src/auth/users.ts";
import { createMember } from "../../../src/bank/members.ts";
import { testRrn } from "../../support/bank.ts";
import { dbKinds } from "../../support/db.ts";
import { startWebServer, type WebServer } from "../../support/web-server.ts";

const kst = (s: string) => new Date(`${s}+09:00`);

describe.each(dbKinds)("member sessions on %s", (kind) => {
  let s: WebServer;
  beforeAll(async () => {
    s = await startWebServer(kind);
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  /** A member enrolled at a branch now (the test's clock), with a temporary password. */
  async function enrolNew(userId: string, options: { mustChange?: boolean } = {}) {
    const m = await createMember(s.app.bank, {
      cooperativeId: 1,
      branchId: 1,
      realName: "박민수",
      rrn: testRrn(),
    });
    await enrollUser(s.app.db, {
      cooperativeId: 1,
      memberId: m.id,
      userId,
      password: "Temp!7391xq",
      mustChangePassword: options.mustChange ?? true,
      at: s.clock.now(),
    });
    return { member: m, userId, password: "Temp!7391xq" };
  }

  it("logs in: the answer, a strict HttpOnly cookie, and the previous login the next time", async () => {
    s.clock.at = kst("2026-11-25T09:00:00");
    const r = await s.request("POST", "/api/auth/login", {
      body: { userId: "HONG", password: "Hong!2026demo" },
    });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({
      userId: "hong",
      name: "홍길동",
      mustChangePassword: false,
      idleTimeoutSeconds: 600,
    });
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cookie = String(r.headers["set-cookie"]);
    expect(cookie).toMatch(/^geumgo_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    expect(r.headers["cache-control"]).toBe("no-store");
    const first = kst("2026-11-25T09:00:00").toISOString();
    s.clock.advance(3_600_000);
    const again = await s.request("POST", "/api/auth/login", {
      body: { userId: "hong", password: "Hong!2026demo" },
    });
    expect(again.json().previousLoginAt).toBe(first);
    const session = {
      cookie: String(again.headers["set-cookie"]).split(";")[0]!,
      csrf: again.json().csrfToken,
    };
    expect((await s.request("GET", "/api/me", { session })).json().previousLoginAt).toBe(first);
  });

  it("refuses a wrong password saying how many tries remain, and locks at the fifth", async () => {
    const u = await enrolNew("park0001", { mustChange: false });
    const live = await s.login(u.userId, u.password);
    for (let i = 1; i <= 4; i++) {
      const r = await s.request("POST", "/api/auth/login", {
        body: { userId: u.userId, password: "Wrong!123x" },
      });
      expect(r.statusCode).toBe(401);
      expect(r.json().error.code).toBe("bad_credentials");
      expect(r.json().error.details).toEqual({ remaining: 5 - i });
      expect(r.json().error.message.ko).toContain(`남은 횟수 ${5 - i}회`);
    }
    const fifth = await s.request("POST", "/api/auth/login", {
      body: { userId: u.userId, password: "Wrong!123x" },
    });
    expect(fifth.statusCode).toBe(423);
    expect(fifth.json().error.code).toBe("login_locked");
    expect(fifth.json().error.message.ko).toContain("영업점");
    // Locked: the right password too, and the session that was open ends.
    const right = await s.request("POST", "/api/auth/login", {
      body: { userId: u.userId, password: u.password },
    });
    expect(right.statusCode).toBe(423);
    expect((await s.request("GET", "/api/accounts", { session: live })).statusCode).toBe(401);
    const { rows } = await s.app.db.query<{ kind: string }>(
      "SELECT kind FROM notifications WHERE cooperative_id = 1 AND member_id = $1",
      [u.member.id],
    );
    expect(rows.map((r) => r.kind)).toEqual(["login_locked"]);
    // A teller's unlock (the counter back to zero) lets the member in again.
    await s.app.db.query("UPDATE users SET failed_logins = 0 WHERE member_id = $1", [u.member.id]);
    expect(
      (await s.request("POST", "/api/auth/login", { body: { userId: u.userId, password: u.password } }))
        .statusCode,
    ).toBe(200);
  });

  it("a success resets the count of failures", async () => {
    const u = await enrolNew("park0002", { mustChange: false });
    for (let i = 0; i < 4; i++)
      await s.request("POST", "/api/auth/login", { body: { userId: u.userId, password: "x" } });
    await s.login(u.userId, u.password);
    const r = await s.request("POST", "/api/auth/login", { body: { userId: u.userId, password: "x" } });
    expect(r.json().error.details).toEqual({ remaining: 4 });
  });

  it("an unknown user ID gets the same code and count as a known one (test/server/unknown-login-ids.test.ts)", async () => {
    const r = await s.request("POST", "/api/auth/login", {
      body: { userId: "nobody43", password: "Hong!2026demo" },
    });
    expect(r.statusCode).toBe(401);
    expect(r.json().error.code).toBe("bad_credentials");
    expect(r.json().error.details).toEqual({ remaining: 4 });
  });

  it("forces the temporary password's replacement, with the rules, before anything else", async () => {
    s.clock.at = kst("2026-11-25T10:00:00");
    const u = await enrolNew("choi2026");
    const login = await s.request("POST", "/api/auth/login", {
      body: { userId: u.userId, password: u.password },
    });
    expect(login.json().mustChangePassword).toBe(true);
    const session = {
      cookie: String(login.headers["set-cookie"]).split(";")[0]!,
      csrf: login.json().csrfToken,
    };
    for (const url of ["/api/accounts", "/api/me", "/api/limits", "/api/notifications"]) {
      const r = await s.request("GET", url, { session });
      expect(r.statusCode, url).toBe(403);
      expect(r.json().error.code).toBe("password_change_required");
    }
    expect((await s.request("GET", "/api/session", { session })).json().mustChangePassword).toBe(true);

    const change = (currentPassword: string, newPassword: string) =>
      s.request("POST", "/api/auth/password", { session, body: { currentPassword, newPassword } });
    const weak = await change(u.password, "choi2026!x1");
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.code).toBe("weak_password");
    expect(weak.json().error.details.rules).toEqual(["contains_user_id"]);
    expect((await change(u.password, "Zq!abc59")).json().error.details.rules).toEqual([
      "sequential_characters",
    ]);
    expect((await change(u.password, u.password)).json().error.details.rules).toEqual(["same_as_current"]);
    const wrongCurrent = await change("Nope!1234", "Gm7!rt2#Lk");
    expect(wrongCurrent.json().error.code).toBe("current_password_wrong");
    expect((await change(u.password, "Gm7!rt2#Lk")).statusCode).toBe(204);

    expect((await s.request("GET", "/api/accounts", { session })).statusCode).toBe(200);
    const notes = (await s.request("GET", "/api/notifications", { session })).json().notifications;
    expect(notes.map((n: { kind: string }) => n.kind)).toEqual(["password_changed"]);
    const old = await s.request("POST", "/api/auth/login", {
      body: { userId: u.userId, password: u.password },
    });
    expect(old.statusCode).toBe(401);
    expect((await s.login(u.userId, "Gm7!rt2#Lk")).csrf).toBeTruthy();
  });

  it("lapses an enrolment not completed within 3 business days (추석 2026 does not count)", async () => {
    // Enrolled on Wednesday 9-23; 9-24..26 are 추석, 9-27 a Sunday: 9-28, 9-29, 9-30 are the three days.
    s.clock.at = kst("2026-09-23T14:00:00");
    const u = await enrolNew("yoon2026");
    s.clock.at = kst("2026-09-30T23:59:00");
    const inTime = await s.request("POST", "/api/auth/login", {
      body: { userId: u.userId, password: u.password },
    });
    expect(inTime.statusCode).toBe(200);
    expect(inTime.json().mustChangePassword).toBe(true);
    s.clock.at = kst("2026-10-01T00:00:01");
    const late = await s.request("POST", "/api/auth/login", {
      body: { userId: u.userId, password: u.password },
    });
    expect(late.statusCode).toBe(403);
    expect(late.json().error.code).toBe("enrolment_lapsed");
    // The lapse is told only to whoever knows the password.
    const guess = await s.request("POST", "/api/auth/login", {
      body: { userId: u.userId, password: "Guess!123x" },
    });
    expect(guess.json().error.code).toBe("bad_credentials");
  });

  it("a completed registration never lapses", async () => {
    s.clock.at = kst("2026-11-02T10:00:00");
    const u = await enrolNew("kang2026", { mustChange: false });
    s.clock.at = kst("2026-12-20T10:00:00");
    expect(
      (await s.request("POST", "/api/auth/login", { body: { userId: u.userId, password: u.password } }))
        .statusCode,
    ).toBe(200);
  });

  it("refuses unsafe methods without the session's CSRF token", async () => {
    s.clock.at = kst("2026-11-26T10:00:00");
    const session = await s.login("hong", "Hong!2026demo");
    for (const csrf of [null, "x".repeat(43), (await s.login("kim2026", "Kim!2026pass")).csrf]) {
      for (const [method, url, body] of [
        ["POST", "/api/session/extend", undefined],
        ["PUT", "/api/limits", { perTransfer: "1000", perDay: "2000" }],
        ["POST", "/api/auth/logout", undefined],
        [
          "POST",
          "/api/transfers/recipient",
          { fromAccount: s.hong.accounts[0], toAccount: s.kim.accounts[0], amount: "1" },
        ],
      ] as const) {
        const r = await s.request(method, url, { session, csrf, body });
        expect(r.statusCode, `${url} ${csrf}`).toBe(403);
        expect(r.json().error.code).toBe("csrf");
      }
    }
    expect((await s.request("GET", "/api/limits", { session })).json().perTransfer).toBe("100000000");
    expect((await s.request("POST", "/api/session/extend", { session })).statusCode).toBe(200);
  });

  it("ends a session idle for 10 minutes; any use or an extend restarts the timer", async () => {
    s.clock.at = kst("2026-11-26T11:00:00");
    const session = await s.login("hong", "Hong!2026demo");
    s.clock.advance(9 * 60_000 + 59_000);
    expect((await s.request("GET", "/api/accounts", { session })).statusCode).toBe(200);
    s.clock.advance(9 * 60_000);
    const extended = await s.request("POST", "/api/session/extend", { session });
    expect(extended.json().expiresAt).toBe(new Date(s.clock.now().getTime() + 600_000).toISOString());
    // Reading the session does not count as use, so polling it never keeps a session alive.
    s.clock.advance(6 * 60_000);
    const read = await s.request("GET", "/api/session", { session });
    expect(read.statusCode).toBe(200);
    expect(read.json().expiresAt).toBe(extended.json().expiresAt);
    s.clock.advance(4 * 60_000 + 1000);
    const dead = await s.request("GET", "/api/session", { session });
    expect(dead.statusCode).toBe(401);
    expect(dead.json().error.code).toBe("unauthenticated");
    expect((await s.request("GET", "/api/accounts", { session })).statusCode).toBe(401);
  });

  it("writes a use at most once a minute: the idle timer runs from the use written, never longer", async () => {
    s.clock.at = kst("2026-11-26T14:00:00");
    const session = await s.login("hong", "Hong!2026demo");
    const lastSeen = async () =>
      (
        await s.app.db.query<{ last_seen_at: Date }>(
          "SELECT last_seen_at FROM sessions WHERE member_id = $1 ORDER BY last_seen_at DESC LIMIT 1",
          [s.hong.member.id],
        )
      ).rows[0]!.last_seen_at.getTime();
    const loggedInAt = s.clock.now().getTime();
    // Within the minute after the use written, a use is not written again...
    s.clock.advance(50_000);
    expect((await s.request("GET", "/api/accounts", { session })).statusCode).toBe(200);
    expect(await lastSeen()).toBe(loggedInAt);
    // ...so the session dies 10 minutes after the use written, not after the one unwritten.
    s.clock.advance(9 * 60_000 + 10_000);
    expect((await s.request("GET", "/api/accounts", { session })).statusCode).toBe(401);

    // A use a minute or more after the one written restarts the timer, to the millisecond.
    const again = await s.login("hong", "Hong!2026demo");
    s.clock.advance(60_000);
    expect((await s.request("GET", "/api/accounts", { session: again })).statusCode).toBe(200);
    const usedAt = s.clock.now().getTime();
    expect(await lastSeen()).toBe(usedAt);
    s.clock.advance(9 * 60_000 + 59_000);
    const read = await s.request("GET", "/api/session", { session: again });
    expect(read.json().expiresAt).toBe(new Date(usedAt + 600_000).toISOString());
    expect((await s.request("GET", "/api/accounts", { session: again })).statusCode).toBe(200);
    // The extend button always writes, and answers the new end exactly.
    s.clock.advance(10_000);
    const extended = await s.request("POST", "/api/session/extend", { session: again });
    expect(extended.json().expiresAt).toBe(new Date(s.clock.now().getTime() + 600_000).toISOString());
  });

  it("ends every session 12 hours after login, however busy it is kept", async () => {
    s.clock.at = kst("2026-11-27T08:00:00");
    const session = await s.login("hong", "Hong!2026demo");
    const loggedInAt = s.clock.now().getTime();
    // In use every 9 minutes, so the idle timer never fires: only the absolute end can.
    while (s.clock.now().getTime() + 9 * 60_000 < loggedInAt + 12 * 3_600_000) {
      s.clock.advance(9 * 60_000);
      expect((await s.request("POST", "/api/session/extend", { session })).statusCode).toBe(200);
    }
    const last = await s.request("GET", "/api/session", { session });
    expect(last.statusCode).toBe(200);
    // It says so ahead: the expiry shown is the absolute end, not ten minutes on.
    expect(last.json().expiresAt).toBe(new Date(loggedInAt + 12 * 3_600_000).toISOString());
    s.clock.at = new Date(loggedInAt + 12 * 3_600_000 + 1000);
    const ended = await s.request("GET", "/api/accounts", { session });
    expect(ended.statusCode).toBe(401);
    expect(ended.json().error.code).toBe("unauthenticated");
  });

  it("logs out: the session row goes and the cookie is cleared", async () => {
    const session = await s.login("hong", "Hong!2026demo");
    const r = await s.request("POST", "/api/auth/logout", { session });
    expect(r.statusCode).toBe(204);
    expect(String(r.headers["set-cookie"])).toMatch(/^geumgo_session=; .*Max-Age=0/);
    expect((await s.request("GET", "/api/session", { session })).statusCode).toBe(401);
    // Logging out a dead session is fine too.
    expect((await s.request("POST", "/api/auth/logout", { session })).statusCode).toBe(204);
  });

  it("rate-limits login per user ID in the database, with Retry-After", async () => {
    s.clock.at = kst("2026-11-27T10:00:05");
    const codes: number[] = [];
    for (let i = 0; i < 11; i++) {
      const r = await s.request("POST", "/api/auth/login", { body: { userId: "ghost777", password: "x" } });
      codes.push(r.statusCode);
      if (r.statusCode === 429) {
        expect(r.json().error.code).toBe("rate_limited");
        // A bucket of 10 a minute refills one every 6 seconds: the next try is good in 6.
        expect(Number(r.headers["retry-after"])).toBe(6);
      }
    }
    // The unknown ID locks at the fifth wrong password, as a real one does; the limit still counts.
    expect(codes).toEqual([...Array(4).fill(401), ...Array(6).fill(423), 429]);
    const { rows } = await s.app.db.query<{ n: bigint }>(
      "SELECT count(*)::bigint AS n FROM rate_limits WHERE encode(bucket, 'escape') LIKE '%ghost%'",
    );
    expect(rows[0]!.n, "subjects are stored hashed").toBe(0n);
    s.clock.advance(6_000);
    expect(
      (await s.request("POST", "/api/auth/login", { body: { userId: "ghost777", password: "x" } }))
        .statusCode,
    ).toBe(423);
  });
});
