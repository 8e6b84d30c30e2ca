// An account's history: its postings newest first, with the running balance after each, paged by
// a cursor (the last entry id seen) so that new postings never shift a page, and filtered by a
// date range in Asia/Seoul days.
import { seoulDayRange } from "../calendar/seoul-day.ts";
import type { Queryable } from "../db/db.ts";
import { getAccount } from "./accounts.ts";
import { BankError } from "./errors.ts";

export interface HistoryEntry {
  id: bigint;
  at: Date;
  /** Positive: money in (입금); negative: money out (출금). */
  amount: bigint;
  balanceAfter: bigint;
  description: string;
  transferId: bigint;
  transferCooperativeId: number;
  kind: string;
}

export interface HistoryPage {
  entries: HistoryEntry[];
  /** Pass as `before` for the next (older) page; absent on the last page. */
  nextCursor: bigint | undefined;
}

export const historyPageSizeMax = 200;

export interface HistoryQuery {
  cooperativeId: number;
  accountId: bigint;
  /** Inclusive start and exclusive end instants; see seoulDateRange for calendar days. */
  from?: Date;
  to?: Date;
  before?: bigint;
  limit?: number;
}

/** [start of `first`, end of `last`] as instants, for YYYY-MM-DD days in Asia/Seoul. */
export function seoulDateRange(first: string, last: string): { from: Date; to: Date } {
  const range = seoulDayRange(first, last);
  if (!range?.from || !range.to) throw new BankError("bad_date_range");
  return { from: range.from, to: range.to };
}

/** Like seoulDateRange, with either end left open. */
export function openSeoulDateRange(
  first: string | undefined,
  last: string | undefined,
): { from?: Date; to?: Date } {
  const range = seoulDayRange(first, last);
  if (!range) throw new BankError("bad_date_range");
  return range;
}

export async function accountHistory(db: Queryable, q: HistoryQuery): Promise<HistoryPage> {
  const limit = Math.min(Math.max(q.limit ?? 50, 1), historyPageSizeMax);
  await getAccount(db, q.cooperativeId, q.accountId);
  if (q.from && q.to && q.from > q.to) throw new BankError("bad_date_range");
  const { rows } = await db.query<{
    id: bigint;
    created_at: Date;
    amount: bigint;
    balance_after: bigint;
    description: string;
    transfer_id: bigint;
    transfer_cooperative_id: number;
    kind: string;
  }>(
    `SELECT e.id, e.created_at, e.amount, e.balance_after, e.description, e.transfer_id, e.transfer_cooperative_id, t.kind
     FROM entries e
     JOIN transfers t ON t.cooperative_id = e.transfer_cooperative_id AND t.id = e.transfer_id
     WHERE e.cooperative_id = $1 AND e.account_id = $2
       AND ($3::timestamptz IS NULL OR e.created_at >= $3)
       AND ($4::timestamptz IS NULL OR e.created_at < $4)
       AND ($5::bigint IS NULL OR e.id < $5)
     ORDER BY e.id DESC
     LIMIT $6`,
    [q.cooperativeId, q.accountId, q.from ?? null, q.to ?? null, q.before ?? null, limit + 1],
  );
  const page = rows.slice(0, limit);
  return {
    entries: page.map((r) => ({
      id: r.id,
      at: r.created_at,
      amount: r.amount,
      balanceAfter: r.balance_after,
      description: r.description,
      transferId: r.transfer_id,
      transferCooperativeId: r.transfer_cooperative_id,
      kind: r.kind,
    })),
    nextCursor: rows.length > limit ? page[page.length - 1]!.id : undefined,
  };
}
