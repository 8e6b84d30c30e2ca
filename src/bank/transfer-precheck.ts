// What can be said of a member's transfer before any code is typed: the accounts, the balance and
// the limits. The transfer itself checks all of it again under its locks; this only spares a
// member an OTP code spent on a transfer that cannot go through.
import type { Queryable } from "../db/db.ts";
import type { Account } from "./accounts.ts";
import type { BankContext } from "./context.ts";
import { BankError } from "./errors.ts";
import type { SecurityMedium } from "./limits.ts";
import { type MemberRef, type TransferAccounts, transferAccounts } from "./member-accounts.ts";
import { memberLimits } from "./member-limits.ts";

export interface TransferIntent {
  /** The member's own account, by number (dashes allowed). */
  fromAccount: string;
  toAccount: string;
  amount: bigint;
}

export interface PrecheckedTransfer extends TransferAccounts {
  amount: bigint;
  /** The registered medium, whose limits apply and whose answer the transfer needs. */
  medium: SecurityMedium;
}

export async function precheckTransfer(
  ctx: BankContext,
  who: MemberRef,
  intent: TransferIntent,
): Promise<PrecheckedTransfer> {
  const accounts = await transferAccounts(ctx.db, who, { from: intent.fromAccount, to: intent.toAccount });
  const { medium } = await precheckAccounts(ctx, who, { ...accounts, amount: intent.amount });
  return { ...accounts, amount: intent.amount, medium };
}

/**
 * The precheck of accounts already looked up (transferAccounts), reading the limits through `db`
 * (a transaction of the caller's, or the pool).
 */
export async function precheckAccounts(
  ctx: BankContext,
  who: MemberRef,
  t: { from: Account; to: Account; amount: bigint },
  db: Queryable = ctx.db,
): Promise<{ medium: SecurityMedium }> {
  const { from, to, amount } = t;
  if (from.cooperativeId === to.cooperativeId && from.id === to.id) throw new BankError("same_account");
  if (from.status !== "active") throw new BankError("account_not_active", { account: "from" });
  const limits = await memberLimits(ctx, who, db);
  if (!limits.medium) throw new BankError("medium_not_registered");
  if (amount > limits.perTransfer)
    throw new BankError("exceeds_transfer_limit", { limit: limits.perTransfer });
  if (limits.usedToday + amount > limits.perDay) {
    throw new BankError("exceeds_daily_limit", { limit: limits.perDay, used: limits.usedToday });
  }
  if (from.available < amount) throw new BankError("insufficient_funds");
  return { medium: limits.medium };
}
