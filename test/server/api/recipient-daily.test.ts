// Real-name look-ups are limited per member a day as well as per session (issue 12, item 6): two
// sessions of one member, or a new login, share one day's quota, which ends at Seoul midnight.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultRateRules } from "../../../src/server/api/rate-limits.ts";
import { dbKinds } from "../../support/db.ts";
import { type Session, startWebServer, type WebServer } from "../../support/web-server.ts";

describe.each(dbKinds)("recipient look-ups a day on %s", (kind) => {
  let s: WebServer;
  beforeAll(async () => {
    // 10:00 in Seoul; a small daily quota, the per-session limit as it is (30 in 10 minutes).
    s = await startWebServer(kind, {
      at: new Date("2026-11-27T10:00:00+09:00"),
      rateRules: { recipientPerMemberDay: { max: 5, per: "seoulDay" } },
    });
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  const lookUp = (session: Session, fromAccount = s.hong.accounts[0]) =>
    s.request("POST", "/api/transfers/recipient", {
      session,
      body: { fromAccount, toAccount: s.lee.accounts[0], amount: "10000" },
    });

  it("lets two sessions of one member together look up no more than the day's quota", async () => {
    expect(defaultRateRules.recipientPerMemberDay.max).toBe(100);
    const a = await s.login("hong", "Hong!2026demo");
    const b = await s.login("hong", "Hong!2026demo");
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) {
      codes.push((await lookUp(a)).statusCode);
      codes.push((await lookUp(b)).statusCode);
    }
    expect(codes).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    const over = await lookUp(a);
    expect(over.statusCode).toBe(429);
    expect(over.json().error.code).toBe("daily_lookup_limit");
    // 14 hours to midnight in Seoul.
    expect(Number(over.headers["retry-after"])).toBe(14 * 3600);
    expect(over.json().error.details).toEqual({ retryAfterSeconds: 14 * 3600 });
    // Logging in again starts a new session, not a new day.
    expect((await lookUp(await s.login("hong", "Hong!2026demo"))).statusCode).toBe(429);
    // Another member's quota is their own.
    expect((await lookUp(await s.login("kim2026", "Kim!2026pass"), s.kim.accounts[0])).statusCode).toBe(200);
    // A new day in Seoul, a new quota (a new session too: the old ones idled out).
    s.clock.at = new Date("2026-11-28T00:00:00+09:00");
    const c = await s.login("hong", "Hong!2026demo");
    expect((await lookUp(c)).statusCode).toBe(200);
  });
});
