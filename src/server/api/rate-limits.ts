// The server's rate limits: login per client address and per user ID, code entry (PIN, OTP, card)
// per session, recipient look-ups per session (each shows a real name), and CMP requests per
// client address; over a limit, 429.
import type { FastifyReply } from "fastify";
import type { Queryable } from "../../db/db.ts";
import { ServerError } from "../errors.ts";
import { countHit } from "../rate-limit-counter.ts";

export interface RateRule {
  max: number;
  windowMs: number;
}

export const defaultRateRules = {
  /** Offices and mobile carriers put many people behind one address: generous. */
  loginPerAddress: { max: 60, windowMs: 60_000 },
  /** The lock after 5 wrong passwords guards the password; this guards the CPU (scrypt). */
  loginPerUser: { max: 10, windowMs: 60_000 },
  codeEntryPerSession: { max: 10, windowMs: 10 * 60_000 },
  recipientPerSession: { max: 30, windowMs: 10 * 60_000 },
  /**
   * POST /pki/cmp: an enrolment or a renewal is two requests (ir or kur, then certConf), so 120 a
   * minute is 60 enrolments a minute from one address, more than a branch or a carrier's NAT sends.
   */
  cmpPerAddress: { max: 120, windowMs: 60_000 },
} satisfies Record<string, RateRule>;

export type RateRuleName = keyof typeof defaultRateRules;
export type RateRules = Record<RateRuleName, RateRule>;

/**
 * Counts one hit; over the rule's maximum, answers 429 `rate_limited` with Retry-After. The
 * counters are src/server/rate-limit-counter.ts.
 */
export async function rateLimit(
  db: Queryable,
  reply: FastifyReply,
  rules: RateRules,
  rule: RateRuleName,
  subject: string,
  now: Date,
): Promise<void> {
  const { max, windowMs } = rules[rule];
  const { hits, windowEnd } = await countHit(db, { rule, subject, windowMs, now });
  if (hits > max) {
    const retryAfter = Math.max(1, Math.ceil((windowEnd.getTime() - now.getTime()) / 1000));
    reply.header("retry-after", String(retryAfter));
    throw new ServerError("rate_limited", undefined, { retryAfterSeconds: retryAfter });
  }
}
