// A member's account history as the member reads it: the postings of one of the member's own
// accounts over whole Seoul days, newest first, each with the other side's holder name.
import type { Queryable } from "../db/db.ts";
import type { BankContext } from "./context.ts";
import { accountHistory, openSeoulDateRange } from "./history.ts";
import { type MemberRef, ownAccount } from "./member-accounts.ts";

export interface MemberHistoryEntry {
  id: bigint;
  at: Date;
  /** 입금 (in) or 출금 (out); the amount is always positive. */
  direction: "in" | "out";
  amount: bigint;
  balanceAfter: bigint;
  /** The other account's holder; null for the cooperative's own accounts. */
  counterpartyName: string | null;
  /** What this account's statement shows (적요). */
  memo: string;
}

export interface MemberHistoryQuery {
  accountNumber: string;
  /** YYYY-MM-DD Seoul days, inclusive; either may be left open. */
  fromDay?: string;
  toDay?: string;
  /** The last entry id seen: the page starts below it. */
  before?: bigint;
  limit: number;
}

export async function memberHistory(
  ctx: BankContext,
  who: MemberRef,
  q: MemberHistoryQuery,
): Promise<{ entries: MemberHistoryEntry[]; nextCursor: bigint | undefined }> {
  const account = await ownAccount(ctx.db, who, q.accountNumber);
  const page = await accountHistory(ctx.db, {
    cooperativeId: account.cooperativeId,
    accountId: account.id,
    ...openSeoulDateRange(q.fromDay, q.toDay),
    ...(q.before !== undefined ? { before: q.before } : {}),
    limit: q.limit,
  });
  const names = await counterpartyNames(
    ctx.db,
    page.entries.map((e) => ({ cooperativeId: e.transferCooperativeId, id: e.transferId })),
  );
  return {
    entries: page.entries.map((e) => {
      const t = names.get(`${e.transferCooperativeId}:${e.transferId}`);
      const out = e.amount < 0n;
      return {
        id: e.id,
        at: e.at,
        direction: out ? "out" : "in",
        amount: out ? -e.amount : e.amount,
        balanceAfter: e.balanceAfter,
        counterpartyName: (out ? t?.toName : t?.fromName) ?? null,
        memo: e.description,
      };
    }),
    nextCursor: page.nextCursor,
  };
}

/** Who sent and who received each transfer: the holders' names, or null for the cooperative's own accounts. */
async function counterpartyNames(
  db: Queryable,
  transfers: { cooperativeId: number; id: bigint }[],
): Promise<Map<string, { fromName: string | null; toName: string | null }>> {
  if (transfers.length === 0) return new Map();
  const { rows } = await db.query<{
    cooperative_id: number;
    id: bigint;
    from_name: string | null;
    to_name: string | null;
  }>(
    `SELECT t.cooperative_id, t.id, fm.real_name AS from_name, tm.real_name AS to_name
     FROM unnest($1::int[], $2::bigint[]) AS want (cooperative_id, id)
     JOIN transfers t ON t.cooperative_id = want.cooperative_id AND t.id = want.id
     JOIN accounts fa ON fa.cooperative_id = t.cooperative_id AND fa.id = t.from_account_id
     LEFT JOIN members fm ON fm.cooperative_id = fa.cooperative_id AND fm.id = fa.member_id
     JOIN accounts ta ON ta.cooperative_id = t.to_cooperative_id AND ta.id = t.to_account_id
     LEFT JOIN members tm ON tm.cooperative_id = ta.cooperative_id AND tm.id = ta.member_id`,
    [transfers.map((t) => t.cooperativeId), transfers.map((t) => t.id)],
  );
  return new Map(
    rows.map((r) => [`${r.cooperative_id}:${r.id}`, { fromName: r.from_name, toName: r.to_name }]),
  );
}
