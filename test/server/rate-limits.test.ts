// The rate limits' counters in the database (issue 12, item 7): a burst across a minute's end
// passes the limit and no more, hits from two connections count once each, a clock that steps
// back does not lock a subject out, the daily quota ends at Seoul midnight, spent rows go.
import type { FastifyReply } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/db.ts";
import { openPostgres } from "../../src/db/postgres.ts";
import { defaultRateRules, type RateRules, rateLimit } from "../../src/server/api/rate-limits.ts";
import { ServerError } from "../../src/server/errors.ts";
import { purgeRateLimits } from "../../src/server/rate-limit-counter.ts";
import { dbKinds, freshDb } from "../support/db.ts";

type Outcome = "ok" | { code: string; retryAfter: number };

/** One hit through the API's rateLimit, with a reply that only keeps its headers. */
async function hit(
  db: Db,
  rules: RateRules,
  rule: keyof RateRules,
  subject: string,
  now: Date,
): Promise<Outcome> {
  const headers: Record<string, string> = {};
  const reply = { header: (k: string, v: string) => (headers[k] = v) } as unknown as FastifyReply;
  try {
    await rateLimit(db, reply, rules, rule, subject, now);
    return "ok";
  } catch (e) {
    if (!(e instanceof ServerError)) throw e;
    return { code: e.code, retryAfter: Number(headers["retry-after"]) };
  }
}

const passed = (outcomes: Outcome[]) => outcomes.filter((o) => o === "ok").length;

describe.each(dbKinds)("rate-limit counters on %s", (kind) => {
  let db: Db & { url?: string };
  beforeAll(async () => {
    db = await freshDb(kind);
  }, 60_000);
  afterAll(async () => {
    await db?.close();
  });

  const rules: RateRules = { ...defaultRateRules, loginPerAddress: { max: 60, windowMs: 60_000 } };
  // A minute's end, as the old fixed windows counted them.
  const boundary = Date.parse("2026-11-27T01:00:00Z");

  it("passes exactly the limit of a burst of limit + 5 straddling a minute's end", async () => {
    const outcomes: Outcome[] = [];
    // 65 hits 1 ms apart, 32 before the minute's end and 33 from it.
    for (let i = 0; i < 65; i++) {
      outcomes.push(await hit(db, rules, "loginPerAddress", "burst", new Date(boundary - 32 + i)));
    }
    expect(passed(outcomes)).toBe(60);
    expect(outcomes.slice(0, 60).every((o) => o === "ok")).toBe(true);
    // The next token comes 1 s after the burst began: 940 ms after the 61st hit, said as 1 s.
    expect(outcomes[60]).toEqual({ code: "rate_limited", retryAfter: 1 });
    expect(await hit(db, rules, "loginPerAddress", "burst", new Date(boundary - 32 + 999))).not.toBe("ok");
    expect(await hit(db, rules, "loginPerAddress", "burst", new Date(boundary - 32 + 1000))).toBe("ok");
    expect(await hit(db, rules, "loginPerAddress", "burst", new Date(boundary - 32 + 1000))).not.toBe("ok");
  });

  it("counts hits sent at once from two connections exactly once each", async () => {
    const second = kind === "postgres" ? openPostgres(db.url!) : db;
    try {
      const now = new Date(boundary + 5_000);
      const send = (d: Db, n: number) =>
        Promise.all(Array.from({ length: n }, () => hit(d, rules, "loginPerAddress", "together", now)));
      // 20 + 20 at once: all pass, each taking one token of 60.
      const first = await Promise.all([send(db, 20), send(second, 20)]);
      expect(passed(first.flat())).toBe(40);
      // 20 more pass and no more, whichever connection asks.
      const rest = await Promise.all([send(db, 15), send(second, 15)]);
      expect(passed(rest.flat())).toBe(20);
    } finally {
      if (second !== db) await second.close();
    }
  });

  it("does not lock a subject out when the clock steps back by more than a window", async () => {
    const late = new Date(boundary + 3_600_000);
    for (let i = 0; i < 60; i++) expect(await hit(db, rules, "loginPerAddress", "clock", late)).toBe("ok");
    expect(await hit(db, rules, "loginPerAddress", "clock", late)).not.toBe("ok");
    expect(await hit(db, rules, "loginPerAddress", "clock", new Date(late.getTime() - 120_000))).toBe("ok");
  });

  it("counts real-name look-ups per Seoul day, Retry-After to midnight", async () => {
    const daily: RateRules = { ...defaultRateRules, recipientPerMemberDay: { max: 3, per: "seoulDay" } };
    // 23:59:30 in Seoul.
    const late = new Date("2026-11-27T23:59:30+09:00");
    for (let i = 0; i < 3; i++) expect(await hit(db, daily, "recipientPerMemberDay", "1:7", late)).toBe("ok");
    expect(await hit(db, daily, "recipientPerMemberDay", "1:7", late)).toEqual({
      code: "daily_lookup_limit",
      retryAfter: 30,
    });
    expect(await hit(db, daily, "recipientPerMemberDay", "1:8", late), "another member").toBe("ok");
    const midnight = new Date("2026-11-28T00:00:00+09:00");
    for (let i = 0; i < 3; i++)
      expect(await hit(db, daily, "recipientPerMemberDay", "1:7", midnight)).toBe("ok");
    expect(await hit(db, daily, "recipientPerMemberDay", "1:7", midnight)).not.toBe("ok");
  });

  it("purges a bucket once it is full again and a day's count once the day is over", async () => {
    const count = async () => {
      const { rows } = await db.query<{ n: number }>(
        "SELECT ((SELECT count(*) FROM rate_limits) + (SELECT count(*) FROM rate_limit_days))::int AS n",
      );
      return rows[0]!.n;
    };
    await db.query("DELETE FROM rate_limits");
    await db.query("DELETE FROM rate_limit_days");
    const at = new Date(boundary + 7_200_000);
    for (let i = 0; i < 3; i++) await hit(db, rules, "loginPerAddress", "purge", at);
    await hit(db, rules, "recipientPerMemberDay", "1:9", at);
    expect(await count()).toBe(2);
    // Three tokens of one second each are back 3 s on; the day ends at the next Seoul midnight.
    expect(await purgeRateLimits(db, new Date(at.getTime() + 2_999))).toBe(0);
    expect(await purgeRateLimits(db, new Date(at.getTime() + 3_000))).toBe(1);
    expect(await purgeRateLimits(db, new Date("2026-11-28T00:00:00+09:00"))).toBe(1);
    expect(await count()).toBe(0);
  });
});
