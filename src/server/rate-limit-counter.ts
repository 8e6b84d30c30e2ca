// The counters behind the API's rate limits, kept in the database so that every server process
// counts the same hits: token buckets for "so many per window", and per-day quotas by the Seoul
// calendar. Only hashes of the subjects (addresses, user IDs, sessions, members) are stored. They
// guard the server's resources at its edge, not a rule of any one domain, so they live beside the
// routes rather than in auth or bank.
import { createHash, randomInt } from "node:crypto";
import { seoulDay, seoulDayBounds } from "../calendar/seoul-day.ts";
import type { Queryable } from "../db/db.ts";

function bucketOf(rule: string, subject: string): Buffer {
  return createHash("sha256").update(`${rule}\u0000${subject}`, "utf8").digest();
}

/**
 * Takes one token from the bucket of `subject` under the named rule: the bucket holds `max`
 * tokens and refills at `max` per `windowMs` (GCRA: one stored instant, the theoretical arrival
 * time). So a burst from a quiet subject passes exactly `max`, wherever the clock's minutes
 * fall, and a steady sender gets `max` per window; over any span of one window no more than
 * 2 × `max` pass (a full bucket, then its refill). A refused hit takes nothing. One statement,
 * under the row's lock, so hits from any number of connections each count once. Times are whole
 * microseconds (exact in a double); the token's interval is rounded down to one, which keeps a
 * burst at exactly `max` while the window in microseconds is at least max × (max + 1).
 */
export async function countHit(
  db: Queryable,
  hit: { rule: string; subject: string; max: number; windowMs: number; now: Date },
): Promise<{ allowed: true } | { allowed: false; retryAfterMs: number }> {
  const nowUs = hit.now.getTime() * 1000;
  const windowUs = hit.windowMs * 1000;
  const tokenUs = Math.max(1, Math.floor(windowUs / hit.max));
  // Admitted when, after this hit, the bucket is no more than one window in debt. A stored time
  // more than a window ahead can only come from a clock that stepped back: it counts as spent.
  const next =
    "(CASE WHEN r.tat - $2::float8 > $4::float8 THEN $2::float8 ELSE GREATEST(r.tat, $2::float8) END) + $3::float8";
  const admit = `${next} - $2::float8 <= $4::float8`;
  const { rows } = await db.query<{ tat: number; admitted: boolean }>(
    `INSERT INTO rate_limits AS r (bucket, tat, admitted, expires_at)
       VALUES ($1, $2::float8 + $3::float8, true, to_timestamp(($2::float8 + $3::float8) / 1e6))
     ON CONFLICT (bucket) DO UPDATE SET
       admitted = ${admit},
       tat = CASE WHEN ${admit} THEN ${next} ELSE r.tat END,
       expires_at = to_timestamp((CASE WHEN ${admit} THEN ${next} ELSE r.tat END) / 1e6)
     RETURNING tat, admitted`,
    [bucketOf(hit.rule, hit.subject), nowUs, tokenUs, windowUs],
  );
  // Spent buckets (full again: as good as none) are swept now and then by whichever request comes by.
  if (randomInt(100) === 0) await purgeRateLimits(db, hit.now);
  const row = rows[0]!;
  if (row.admitted) return { allowed: true };
  // The next token: when one more hit would leave the bucket no more than a window in debt.
  return { allowed: false, retryAfterMs: (row.tat + tokenUs - windowUs - nowUs) / 1000 };
}

/**
 * Counts one hit of `subject` on the Seoul calendar day of `now`; returns the day's count so far,
 * this hit included, and when the day ends. One statement, as countHit.
 */
export async function countDailyHit(
  db: Queryable,
  hit: { rule: string; subject: string; now: Date },
): Promise<{ hits: number; dayEnd: Date }> {
  const { end } = seoulDayBounds(hit.now);
  const { rows } = await db.query<{ hits: number }>(
    `INSERT INTO rate_limit_days AS r (bucket, day, hits, expires_at) VALUES ($1, $2::date, 1, $3)
     ON CONFLICT (bucket) DO UPDATE SET
       hits = CASE WHEN r.day >= EXCLUDED.day THEN r.hits + 1 ELSE 1 END,
       day = GREATEST(r.day, EXCLUDED.day),
       expires_at = GREATEST(r.expires_at, EXCLUDED.expires_at)
     RETURNING hits`,
    [bucketOf(hit.rule, hit.subject), seoulDay(hit.now), end],
  );
  return { hits: rows[0]!.hits, dayEnd: end };
}

export async function purgeRateLimits(db: Queryable, now: Date): Promise<number> {
  const buckets = await db.query("DELETE FROM rate_limits WHERE expires_at <= $1", [now]);
  const days = await db.query("DELETE FROM rate_limit_days WHERE expires_at <= $1", [now]);
  return buckets.rowCount + days.rowCount;
}
