// Rate limits kept in the database (fixed windows), so every server process counts the same
// hits: login per client address and per user ID, code entry (PIN, OTP, card) per session, and
// recipient look-ups per session (each shows a real name). Only hashes of the subjects are stored.
import { createHash, randomInt } from "node:crypto";
import type { FastifyReply } from "fastify";
import type { Queryable } from "../../db/db.ts";
import { ServerError } from "../errors.ts";

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
} satisfies Record<string, RateRule>;

export type RateRuleName = keyof typeof defaultRateRules;
export type RateRules = Record<RateRuleName, RateRule>;

function bucket(rule: RateRuleName, subject: string): Buffer {
  return createHash("sha256").update(`${rule}\u0000${subject}`, "utf8").digest();
}

/**
 * Counts one hit; over the rule's maximum, answers 429 `rate_limited` with Retry-After. Expired
 * counters are swept now and then by whichever request comes by.
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
  const start = Math.floor(now.getTime() / windowMs) * windowMs;
  const end = start + windowMs;
  const { rows } = await db.query<{ hits: number }>(
    `INSERT INTO rate_limits AS r (bucket, window_start, hits, expires_at) VALUES ($1, $2, 1, $3)
     ON CONFLICT (bucket) DO UPDATE SET
       hits = CASE WHEN r.window_start >= EXCLUDED.window_start THEN r.hits + 1 ELSE 1 END,
       window_start = GREATEST(r.window_start, EXCLUDED.window_start),
       expires_at = GREATEST(r.expires_at, EXCLUDED.expires_at)
     RETURNING hits`,
    [bucket(rule, subject), new Date(start), new Date(end)],
  );
  if (randomInt(100) === 0) await purgeRateLimits(db, now);
  if (rows[0]!.hits > max) {
    const retryAfter = Math.max(1, Math.ceil((end - now.getTime()) / 1000));
    reply.header("retry-after", String(retryAfter));
    throw new ServerError("rate_limited", undefined, { retryAfterSeconds: retryAfter });
  }
}

export async function purgeRateLimits(db: Queryable, now: Date): Promise<number> {
  return (await db.query("DELETE FROM rate_limits WHERE expires_at <= $1", [now])).rowCount;
}
