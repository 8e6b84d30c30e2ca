// CMP requests refused before their MAC or signature verified are counted, not audited one by one:
// anyone can send them, so one hash-chained entry each would let anyone fill the audit log. Each
// refusal adds one to its code's count for the current minute (table cmp_refusal_counts, shared by
// every process); the first refusal a process sees after a minute closes, or the scheduler's run,
// writes one `cmp.refused.summary` audit entry with the counts of the minutes not yet summarised.
import { appendAudit } from "../audit/audit-log.ts";
import type { Queryable } from "../db/db.ts";
import type { CaContext } from "./context.ts";

/** The counting window; also the most often a summary entry is written, whatever the traffic. */
export const refusalWindowMs = 60_000;
/** Counts older than this are dropped by the scheduler; the summaries in the audit log stay. */
export const refusalCountsKeptMs = 30 * 24 * 3_600_000;

const windowOf = (now: Date) => new Date(Math.floor(now.getTime() / refusalWindowMs) * refusalWindowMs);

/**
 * Takes the unsummarised hits of the minutes closed before `now` and writes them as one summary
 * entry. FOR UPDATE makes a concurrent taker wait and then find nothing left, so each hit is
 * summarised once, even when a late process adds to a minute already summarised.
 */
async function summarizeClosed(tx: Queryable, now: Date): Promise<number> {
  const { rows } = await tx.query<{ window_start: Date; code: string; n: string | number | bigint }>(
    `WITH due AS (
       SELECT window_start, code, hits - summarized AS n FROM cmp_refusal_counts
        WHERE window_start < $1 AND hits > summarized FOR UPDATE)
     UPDATE cmp_refusal_counts c SET summarized = c.summarized + due.n FROM due
      WHERE c.window_start = due.window_start AND c.code = due.code
     RETURNING due.window_start, due.code, due.n`,
    [windowOf(now)],
  );
  if (rows.length === 0) return 0;
  const byCode = new Map<string, number>();
  let first = rows[0]!.window_start;
  let last = first;
  for (const r of rows) {
    byCode.set(r.code, (byCode.get(r.code) ?? 0) + Number(r.n));
    if (r.window_start < first) first = r.window_start;
    if (r.window_start > last) last = r.window_start;
  }
  const counts = [...byCode].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const total = counts.reduce((sum, [, n]) => sum + n, 0);
  await appendAudit(
    tx,
    {
      actor: "cmp",
      action: "cmp.refused.summary",
      details: {
        from: first.toISOString(),
        until: new Date(last.getTime() + refusalWindowMs).toISOString(),
        total,
        byCode: counts.map(([code, n]) => `${code}=${n}`),
      },
    },
    now,
  );
  return total;
}

/** The minute in which this process last looked for closed minutes to summarise, per CA context. */
const lookedInWindow = new WeakMap<CaContext, number>();

/**
 * Counts one refusal of an unauthenticated request: one statement. The first refusal this process
 * sees in a new minute also summarises the minutes that have closed; hits another process adds to
 * a closed minute later are summarised by the next such look or by the scheduler.
 */
export async function countRefusal(ca: CaContext, code: string): Promise<void> {
  const now = ca.clock.now();
  const window = windowOf(now);
  await ca.db.query(
    `INSERT INTO cmp_refusal_counts AS r (window_start, code, hits) VALUES ($1, $2, 1)
     ON CONFLICT (window_start, code) DO UPDATE SET hits = r.hits + 1`,
    [window, code],
  );
  if (lookedInWindow.get(ca) === window.getTime()) return;
  lookedInWindow.set(ca, window.getTime());
  await ca.db.transaction((tx) => summarizeClosed(tx, now));
}

/**
 * The scheduler's part: summarises the minutes closed since the last refusal (so that the end of
 * an attack is recorded without waiting for the next refusal) and drops old counts.
 */
export async function summarizeRefusals(ca: CaContext): Promise<number> {
  const now = ca.clock.now();
  return ca.db.transaction(async (tx) => {
    const total = await summarizeClosed(tx, now);
    await tx.query("DELETE FROM cmp_refusal_counts WHERE window_start < $1 AND hits = summarized", [
      new Date(now.getTime() - refusalCountsKeptMs),
    ]);
    return total;
  });
}

export interface RefusalCounts {
  since: Date;
  total: number;
  /** Refusals per code, the most frequent first. */
  byCode: { code: string; count: number }[];
  /** The busiest minute in the period, if any. */
  peak?: { at: Date; count: number };
}

/** What the operator reads (`geumgo ca refusals`): refusals of unauthenticated requests since `since`. */
export async function refusalCounts(db: Queryable, since: Date): Promise<RefusalCounts> {
  const start = windowOf(since);
  const codes = await db.query<{ code: string; n: string | number | bigint }>(
    `SELECT code, sum(hits) AS n FROM cmp_refusal_counts WHERE window_start >= $1
      GROUP BY code ORDER BY n DESC, code`,
    [start],
  );
  const peak = await db.query<{ window_start: Date; n: string | number | bigint }>(
    `SELECT window_start, sum(hits) AS n FROM cmp_refusal_counts WHERE window_start >= $1
      GROUP BY window_start ORDER BY n DESC, window_start DESC LIMIT 1`,
    [start],
  );
  const byCode = codes.rows.map((r) => ({ code: r.code, count: Number(r.n) }));
  const p = peak.rows[0];
  return {
    since: start,
    total: byCode.reduce((sum, c) => sum + c.count, 0),
    byCode,
    ...(p ? { peak: { at: p.window_start, count: Number(p.n) } } : {}),
  };
}
