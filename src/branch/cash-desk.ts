// What the counter's cash use cases share: amounts as the teller types them, the customer's account
// (a member's, of the teller's own cooperative), the teller's open drawer day, and a cash request
// made earlier under the same idempotency key.
import { TellerError } from "../auth/teller-errors.ts";
import { type Account, getAccountByNumber } from "../bank/accounts.ts";
import { findDrawer } from "../bank/cash.ts";
import { assert, BankError } from "../bank/errors.ts";
import { findExisting, type TellerScope, type TransferKind } from "../bank/transfer.ts";
import { seoulDay } from "../calendar/seoul-day.ts";
import type { Queryable } from "../db/db.ts";
import type { TellerActor } from "./desk.ts";

/**
 * Past this, a cash amount is a typing slip, not cash: a billion won is 20,000 notes of 50,000 won,
 * more than a counter takes or pays at once. A drawer's count has the same bound.
 */
export const cashAmountMax = 1_000_000_000n;

/** A cash amount as typed: whole won, at least 1, at most `cashAmountMax`; a stable refusal otherwise. */
export function parseCashAmount(text: string): bigint {
  const t = text.trim();
  if (!/^-?\d+$/.test(t)) throw new TellerError("amount_not_whole");
  const amount = BigInt(t);
  if (amount <= 0n) throw new BankError("amount_must_be_positive");
  if (amount > cashAmountMax) throw new BankError("amount_too_large");
  return amount;
}

/** A drawer's count as typed: whole won, zero or more, at most `cashAmountMax`. */
export function parseCount(text: string): bigint {
  const t = text.trim();
  if (!/^\d+$/.test(t)) throw new TellerError("bad_count");
  const count = BigInt(t);
  if (count > cashAmountMax) throw new TellerError("bad_count");
  return count;
}

/** Whose idempotency keys the teller's cash requests are. */
export function tellerScope(teller: TellerActor): TellerScope {
  return { kind: "teller", cooperativeId: teller.cooperativeId, tellerId: teller.tellerId };
}

/**
 * A member's account of the teller's cooperative, by its number: another cooperative's is refused
 * by name (its own branches take its cash), the cooperative's own accounts are no customer's, and
 * a closed account takes and pays nothing.
 */
export async function customerAccount(
  db: Queryable,
  teller: TellerActor,
  number: string,
): Promise<Account & { memberId: bigint }> {
  const account = await getAccountByNumber(db, number);
  if (account.cooperativeId !== teller.cooperativeId) throw new TellerError("account_other_cooperative");
  if (account.memberId === null) throw new TellerError("not_member_account");
  if (account.status === "closed") throw new BankError("account_closed");
  return { ...account, memberId: account.memberId };
}

export interface DrawerDayRow {
  cooperative_id: number;
  id: bigint;
  teller_id: string;
  branch_id: number;
  business_day: string;
  status: "open" | "closed";
  opened_at: Date;
  opening_count: bigint;
  opening_ledger: bigint;
  opening_transfer_id: bigint | null;
  closed_at: Date | null;
  closing_count: bigint | null;
  closing_ledger: bigint | null;
  closing_transfer_id: bigint | null;
}

export const drawerDayColumns = `cooperative_id, id, teller_id, branch_id, to_char(business_day, 'YYYY-MM-DD') AS business_day,
  status, opened_at, opening_count, opening_ledger, opening_transfer_id, closed_at, closing_count, closing_ledger,
  closing_transfer_id`;

/**
 * The teller's open drawer day, locked: `share` for cash in or out (many at once; the close
 * waits for them), `update` for the close (it waits for cash in flight, and cash waits for it).
 * Without an open day: `drawer_closed` when today's was closed, `drawer_not_open` otherwise.
 */
export async function lockOpenDay(
  tx: Queryable,
  teller: TellerActor,
  mode: "share" | "update",
  now: Date,
): Promise<DrawerDayRow> {
  const { rows } = await tx.query<DrawerDayRow>(
    `SELECT ${drawerDayColumns} FROM drawer_days
     WHERE cooperative_id = $1 AND teller_id = $2 AND status = 'open'
     ${mode === "share" ? "FOR SHARE" : "FOR NO KEY UPDATE"}`,
    [teller.cooperativeId, teller.tellerId],
  );
  if (rows[0]) return rows[0];
  const today = await tx.query(
    "SELECT 1 FROM drawer_days WHERE cooperative_id = $1 AND teller_id = $2 AND business_day = $3",
    [teller.cooperativeId, teller.tellerId, seoulDay(now)],
  );
  throw new TellerError(today.rows[0] ? "drawer_closed" : "drawer_not_open");
}

/**
 * The teller's open day, held against a close (share lock) while cash is posted, and the drawer's
 * ledger account, the other side of every cash posting.
 */
export async function drawerForPosting(
  tx: Queryable,
  teller: TellerActor,
  now: Date,
): Promise<{ day: DrawerDayRow; drawer: { cooperativeId: number; accountId: bigint } }> {
  const day = await lockOpenDay(tx, teller, "share", now);
  const found = await findDrawer(tx, teller.cooperativeId, teller.tellerId);
  assert(found, "an open drawer day has its drawer");
  return { day, drawer: { cooperativeId: teller.cooperativeId, accountId: found.accountId } };
}

/**
 * The cash request the teller made earlier under this key, when it asked for the same thing; a
 * different request under the key is refused, as for transfers.
 */
export async function earlierCash(
  db: Queryable,
  teller: TellerActor,
  idempotencyKey: string,
  want: { kind: TransferKind; accountId: bigint; amount: bigint; memo: string | null },
): Promise<bigint | undefined> {
  const existing = await findExisting(db, {
    from: { cooperativeId: teller.cooperativeId },
    actor: tellerScope(teller),
    idempotencyKey,
  });
  if (!existing) return undefined;
  const t = existing.transfer;
  const account = t.kind === "cash_deposit" ? t.to.accountId : t.from.accountId;
  const same =
    t.kind === want.kind &&
    account === want.accountId &&
    t.amount === want.amount &&
    (want.kind !== "cash_deposit" || existing.memoTo === want.memo);
  if (!same) throw new BankError("idempotency_key_reused");
  return t.id;
}
