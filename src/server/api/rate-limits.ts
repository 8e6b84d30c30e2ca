// The server's rate limits: login per client address and per user ID, code entry (PIN, OTP, card)
// per session, recipient look-ups per session and per member a day (each shows a real name), and
// CMP requests per client address; over a limit, 429.
import type { FastifyReply } from "fastify";
import type { Queryable } from "../../db/db.ts";
import { ServerError } from "../errors.ts";
import { countDailyHit, countHit } from "../rate-limit-counter.ts";

/** A token bucket: `max` at once, refilled at `max` per `windowMs`. */
export interface RateRule {
  max: number;
  windowMs: number;
}

/** A quota of `max` per Asia/Seoul calendar day, counted from midnight to midnight. */
export interface DailyRule {
  max: number;
  per: "seoulDay";
}

export const defaultRateRules = {
  /** Offices and mobile carriers put many people behind one address: generous. */
  loginPerAddress: { max: 60, windowMs: 60_000 },
  /** The lock after 5 wrong passwords guards the password; this guards the CPU (scrypt). */
  loginPerUser: { max: 10, windowMs: 60_000 },
  codeEntryPerSession: { max: 10, windowMs: 10 * 60_000 },
  recipientPerSession: { max: 30, windowMs: 10 * 60_000 },
  /** A new session starts a new bucket; this one does not, so logging in again gains nothing. */
  recipientPerMemberDay: { max: 100, per: "seoulDay" },
  /**
   * POST /pki/cmp: an enrolment or a renewal is two requests (ir or kur, then certConf), so 120 a
   * minute is 60 enrolments a minute from one address, more than a branch or a carrier's NAT sends.
   */
  cmpPerAddress: { max: 120, windowMs: 60_000 },
  /** A reissue's phone code: each costs a message, and each new code brings 5 more tries. */
  phoneCodePerMember: { max: 5, windowMs: 60 * 60_000 },
  /**
   * Certificate login challenges: each costs a row for two minutes (and an hour after), so an
   * address gets as many as it gets password logins; the login itself counts as a login.
   */
  challengePerAddress: { max: 60, windowMs: 60_000 },
} satisfies Record<string, RateRule | DailyRule>;

type DefaultRules = typeof defaultRateRules;
export type RateRuleName = keyof DefaultRules;
export type RateRules = { [K in RateRuleName]: DefaultRules[K] extends DailyRule ? DailyRule : RateRule };

function refuse(
  reply: FastifyReply,
  code: "rate_limited" | "daily_lookup_limit",
  retryAfterMs: number,
): never {
  const retryAfter = Math.max(1, Math.ceil(retryAfterMs / 1000));
  reply.header("retry-after", String(retryAfter));
  throw new ServerError(code, undefined, { retryAfterSeconds: retryAfter });
}

/**
 * Counts one hit; over the rule's maximum, answers 429 with Retry-After: `rate_limited` for a
 * bucket (until its next token), `daily_lookup_limit` for the daily quota (until Seoul midnight).
 * The counters are src/server/rate-limit-counter.ts.
 */
export async function rateLimit(
  db: Queryable,
  reply: FastifyReply,
  rules: RateRules,
  rule: RateRuleName,
  subject: string,
  now: Date,
): Promise<void> {
  const r: RateRule | DailyRule = rules[rule];
  if ("per" in r) {
    const { hits, dayEnd } = await countDailyHit(db, { rule, subject, now });
    if (hits > r.max) refuse(reply, "daily_lookup_limit", dayEnd.getTime() - now.getTime());
    return;
  }
  const hit = await countHit(db, { rule, subject, max: r.max, windowMs: r.windowMs, now });
  if (!hit.allowed) refuse(reply, "rate_limited", hit.retryAfterMs);
}
