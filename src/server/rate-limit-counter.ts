// The counters behind the API's rate limits, kept in the database (fixed windows) so that every
// server process counts the same hits. Only hashes of the subjects (addresses, user IDs, sessions)
// are stored. They guard the server's resources at its edge, not a rule of any one domain, so
// they live beside the routes rather than in auth or bank.
import { createHash, randomInt } from "node:crypto";
import type { Queryable } from "../db/db.ts";

/** Counts one hit of `subject` under the named rule in the window of `now`; returns the window's count so far. */
export async function countHit(
  db: Queryable,
  hit: { rule: string; subject: string; windowMs: number; now: Date },
): Promise<{ hits: number; windowEnd: Date }> {
  const start = Math.floor(hit.now.getTime() / hit.windowMs) * hit.windowMs;
  const end = start + hit.windowMs;
  const bucket = createHash("sha256").update(`${hit.rule}\u0000${hit.subject}`, "utf8").digest();
  const { rows } = await db.query<{ hits: number }>(
    `INSERT INTO rate_limits AS r (bucket, window_start, hits, expires_at) VALUES ($1, $2, 1, $3)
     ON CONFLICT (bucket) DO UPDATE SET
       hits = CASE WHEN r.window_start >= EXCLUDED.window_start THEN r.hits + 1 ELSE 1 END,
       window_start = GREATEST(r.window_start, EXCLUDED.window_start),
       expires_at = GREATEST(r.expires_at, EXCLUDED.expires_at)
     RETURNING hits`,
    [bucket, new Date(start), new Date(end)],
  );
  // Expired counters are swept now and then by whichever request comes by.
  if (randomInt(100) === 0) await purgeRateLimits(db, hit.now);
  return { hits: rows[0]!.hits, windowEnd: new Date(end) };
}

export async function purgeRateLimits(db: Queryable, now: Date): Promise<number> {
  return (await db.query("DELETE FROM rate_limits WHERE expires_at <= $1", [now])).rowCount;
}
