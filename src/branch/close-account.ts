// Closing an account at the counter (해지): the holder shows an ID document and types the passbook
// PIN, the balance leaves in cash from the teller's drawer (with a receipt) or as a posting to
// another account of theirs, and the account is closed for good, in one transaction with its audit
// entry and the holder's notification. Idempotent as a cash withdrawal is (src/bank/transfer-claims.ts).
//
// What a closing refuses, and why:
// - a hold the bank must honour (`account_has_holds`): a certificate fee is captured when its
//   certificate is confirmed, and a certificate is never valid unpaid, so a fee hold stays until the
//   certificate centre captures or releases it; any other hold still within its time may be captured
//   by whoever placed it. Only a lapsed hold that is no fee is released here, as the scheduler would.
// - a balance below zero (`account_overdrawn`): the overdraft is a loan, repaid before the account goes.
// - a frozen account (`account_frozen`): a freeze (a court order, a fraud report) forbids paying out.
//   A dormant account is revived by its holder at the counter, so it may be closed.
// - the member's last demand account while they are enrolled for internet banking
//   (`last_account_internet_banking`): online banking and the certificate fee need an account to
//   draw on; a bank ends the online service first, then closes the last account.
import { TellerError } from "../auth/teller-errors.ts";
import { formatAccountNumber } from "../bank/account-number.ts";
import { type Account, getAccount, getAccountByNumber } from "../bank/accounts.ts";
import type { BankContext } from "../bank/context.ts";
import { assert, BankError } from "../bank/errors.ts";
import { releaseHoldIn } from "../bank/holds.ts";
import { committingRefusals } from "../bank/member-transfer.ts";
import { notifyAccountClosed } from "../bank/notifications.ts";
import { verifyPin } from "../bank/passbook-pin.ts";
import { postTransfer } from "../bank/transfer.ts";
import { claimTransfer, releaseClaim } from "../bank/transfer-claims.ts";
import { holderOf } from "../certcenter/authorize.ts";
import type { Queryable } from "../db/db.ts";
import { branchRules, withdrawalNeedsApproval } from "./branch-rules.ts";
import { drawerForPosting, lockOpenDay, tellerScope } from "./cash-desk.ts";
import { type CashReceiptView, receiptOfTransfer, writeReceipt } from "./cash-receipt.ts";
import { audited, type DeskContext, type IdCheck, memberOfCooperative, type TellerActor } from "./desk.ts";
import { type AccountView, accountView } from "./member-view.ts";

export type ClosingPayout = { kind: "cash" } | { kind: "transfer"; to: string };

export interface CloseAccountInput {
  idempotencyKey: string;
  /** The account to close: one of the member's. */
  account: string;
  payout: ClosingPayout;
  /** The passbook PIN of the account closed, typed by the holder. */
  pin: string;
  idCheck: IdCheck;
}

export interface ClosingAnswer {
  account: AccountView;
  closedAt: string;
  /** The balance paid out, won as decimal digits; "0" closes without a posting. */
  amount: string;
  payout: "cash" | "transfer";
  /** The cash receipt, for a cash payout of more than nothing. */
  receipt: CashReceiptView | null;
  /** The member's account that received the balance, for a transfer payout. */
  transferredTo: string | null;
  releasedHolds: { count: number; amount: string };
  /** True when the request repeated an earlier one and got its answer. */
  replayed: boolean;
}

interface ClosingRow {
  account_id: bigint;
  idempotency_key: string;
  payout: "cash" | "transfer";
  amount: bigint;
  transfer_id: bigint | null;
  to_account_id: bigint | null;
  released_holds: number;
  released_amount: bigint;
  closed_at: Date;
}

const closingColumns =
  "account_id, idempotency_key, payout, amount, transfer_id, to_account_id, released_holds, released_amount, closed_at";

/** The closing the teller made earlier under this key, if any. */
async function earlierClosing(
  db: Queryable,
  teller: TellerActor,
  idempotencyKey: string,
): Promise<ClosingRow | undefined> {
  const { rows } = await db.query<ClosingRow>(
    `SELECT ${closingColumns} FROM account_closings WHERE cooperative_id = $1 AND teller_id = $2 AND idempotency_key = $3`,
    [teller.cooperativeId, teller.tellerId, idempotencyKey],
  );
  return rows[0];
}

async function answerOf(tx: Queryable, teller: TellerActor, c: ClosingRow, replayed: boolean) {
  const account = await getAccount(tx, teller.cooperativeId, c.account_id);
  const to = c.to_account_id === null ? null : await getAccount(tx, teller.cooperativeId, c.to_account_id);
  const receipt =
    c.payout === "cash" && c.transfer_id !== null
      ? await receiptOfTransfer(tx, teller.cooperativeId, c.transfer_id)
      : null;
  const answer: ClosingAnswer = {
    account: accountView(account),
    closedAt: c.closed_at.toISOString(),
    amount: c.amount.toString(),
    payout: c.payout,
    receipt,
    transferredTo: to ? formatAccountNumber(to.number) : null,
    releasedHolds: { count: c.released_holds, amount: c.released_amount.toString() },
    replayed,
  };
  return answer;
}

interface ActiveHold {
  id: bigint;
  amount: bigint;
  releasable: boolean;
}

/** The account's active holds, each judged: released by a closing, or honoured (see the top). */
async function activeHolds(tx: Queryable, account: Account, now: Date): Promise<ActiveHold[]> {
  const { rows } = await tx.query<{ id: bigint; amount: bigint; expires_at: Date; fee: boolean }>(
    `SELECT h.id, h.amount, h.expires_at,
            EXISTS (SELECT 1 FROM certcenter_fees f WHERE f.cooperative_id = h.cooperative_id AND f.hold_id = h.id) AS fee
     FROM holds h WHERE h.cooperative_id = $1 AND h.account_id = $2 AND h.status = 'active' ORDER BY h.id`,
    [account.cooperativeId, account.id],
  );
  return rows.map((h) => ({
    id: h.id,
    amount: h.amount,
    releasable: !h.fee && h.expires_at.getTime() <= now.getTime(),
  }));
}

/**
 * Every refusal a closing can meet short of the PIN and the drawer's cash, judged on the account
 * as read (before the PIN: no try is spent on a closing that cannot happen) and again under its lock.
 */
async function judge(
  tx: Queryable,
  teller: TellerActor,
  account: Account & { memberId: bigint },
  payout: ClosingPayout,
  now: Date,
): Promise<{ holds: ActiveHold[]; to: Account | null }> {
  if (account.status === "closed") throw new BankError("account_closed");
  if (account.status === "frozen") throw new TellerError("account_frozen");
  if (account.balance < 0n) throw new TellerError("account_overdrawn");
  const holds = await activeHolds(tx, account, now);
  if (holds.some((h) => !h.releasable)) throw new TellerError("account_has_holds");
  if (account.kind === "demand") {
    const { rows } = await tx.query<{ enrolled: boolean; others: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM users WHERE cooperative_id = $1 AND member_id = $2) AS enrolled,
              EXISTS (SELECT 1 FROM accounts WHERE cooperative_id = $1 AND member_id = $2 AND id <> $3
                        AND kind = 'demand' AND status <> 'closed') AS others`,
      [account.cooperativeId, account.memberId, account.id],
    );
    if (rows[0]!.enrolled && !rows[0]!.others) throw new TellerError("last_account_internet_banking");
  }
  if (payout.kind === "cash") {
    // Cash above the cooperative's amount takes a manager for a withdrawal; a closing must not be
    // the way around that. The teller moves it to another account, or withdraws it with approval.
    const rules = await branchRules(tx, account.cooperativeId);
    if (withdrawalNeedsApproval(rules, account.balance)) throw new TellerError("closing_needs_approval");
    return { holds, to: null };
  }
  const to = await getAccountByNumber(tx, payout.to);
  if (to.cooperativeId !== teller.cooperativeId || to.memberId !== account.memberId) {
    throw new TellerError("close_target_not_own");
  }
  if (to.id === account.id) throw new BankError("same_account");
  if (to.status !== "active") throw new BankError("account_not_active", { account: "to" });
  return { holds, to };
}

/** The member's account by its number; another member's or cooperative's is not found here. */
async function membersAccount(
  db: Queryable,
  teller: TellerActor,
  memberId: bigint,
  number: string,
): Promise<Account & { memberId: bigint }> {
  const account = await getAccountByNumber(db, number);
  if (account.cooperativeId !== teller.cooperativeId || account.memberId !== memberId) {
    throw new BankError("account_not_found");
  }
  return { ...account, memberId };
}

function sameRequest(c: ClosingRow, accountId: bigint, payout: ClosingPayout, to: Account | null): boolean {
  if (c.account_id !== accountId || c.payout !== payout.kind) return false;
  return payout.kind === "cash" || c.to_account_id === to?.id;
}

export async function closeAccount(
  ctx: DeskContext,
  memberId: bigint,
  input: CloseAccountInput,
): Promise<ClosingAnswer> {
  if (!input.idCheck.checked) throw new TellerError("id_not_checked");
  const { teller } = ctx;
  const db = ctx.bank.db;
  const member = await memberOfCooperative(ctx.bank, teller, memberId);
  const account = await membersAccount(db, teller, member.id, input.account);
  const target =
    input.payout.kind === "transfer" ? await getAccountByNumber(db, input.payout.to).catch(() => null) : null;
  const audit = "teller.account_close";
  const subject = holderOf(account.cooperativeId, account.memberId);
  const replay = (c: ClosingRow) => {
    if (!sameRequest(c, account.id, input.payout, target)) throw new BankError("idempotency_key_reused");
    return audited(ctx, audit, async (_bank, tx) => ({
      result: await answerOf(tx, teller, c, true),
      subject,
      details: { account: account.number, amount: c.amount.toString(), replayed: true },
    }));
  };

  // A repeat of a finished closing gets its answer, without a PIN try.
  const earlier = await earlierClosing(db, teller, input.idempotencyKey);
  if (earlier !== undefined) return replay(earlier);
  const now = ctx.bank.clock.now();
  await judge(db, teller, account, input.payout, now);
  // No PIN try is spent on a drawer that cannot pay; the posting checks again under its lock.
  if (input.payout.kind === "cash" && account.balance > 0n) await lockOpenDay(db, teller, "share", now);

  const claim = await claimTransfer(ctx.bank, {
    cooperativeId: teller.cooperativeId,
    scope: tellerScope(teller),
    idempotencyKey: input.idempotencyKey,
    request: [
      "account_closing",
      String(account.id),
      input.payout.kind,
      input.payout.kind === "transfer" ? String(target?.id ?? input.payout.to) : null,
    ],
  });
  try {
    const done = await earlierClosing(db, teller, input.idempotencyKey);
    if (done !== undefined) {
      await releaseClaim(db, claim);
      return await replay(done);
    }
    // The try counts even when the PIN is refused, so it is judged in a commit of its own.
    await committingRefusals(db, (tx) =>
      verifyPin(ctx.bank, account.cooperativeId, account.id, input.pin, tx),
    );
    return await audited(ctx, audit, async (bank, tx) => {
      const closing = await closeLocked(bank, tx, teller, account, input);
      // The closing appears as the claim goes: a duplicate sees one or the other, never neither.
      await releaseClaim(tx, claim);
      return {
        result: await answerOf(tx, teller, closing, false),
        subject,
        details: {
          account: account.number,
          amount: closing.amount.toString(),
          payout: closing.payout,
          idDocument: input.idCheck.document,
          releasedHolds: closing.released_holds,
          replayed: false,
        },
      };
    });
  } catch (e) {
    // A refused closing leaves nothing, its claim included, so a retry is judged anew.
    await releaseClaim(db, claim).catch(() => {});
    throw e;
  }
}

/** The closing itself, in the audited transaction, judged again with the account locked. */
async function closeLocked(
  bank: BankContext,
  tx: Queryable,
  teller: TellerActor,
  read: Account & { memberId: bigint },
  input: CloseAccountInput,
): Promise<ClosingRow> {
  const now = bank.clock.now();
  await tx.query("SELECT 1 FROM accounts WHERE cooperative_id = $1 AND id = $2 FOR NO KEY UPDATE", [
    read.cooperativeId,
    read.id,
  ]);
  const account = { ...(await getAccount(tx, read.cooperativeId, read.id)), memberId: read.memberId };
  const { holds, to } = await judge(tx, teller, account, input.payout, now);
  let released = 0n;
  for (const h of holds) {
    await releaseHoldIn(bank, tx, { cooperativeId: account.cooperativeId, holdId: h.id });
    released += h.amount;
  }
  // The holder at the counter with their ID revives a dormant account; only an active one pays out.
  if (account.status === "dormant") {
    await tx.query("UPDATE accounts SET status = 'active' WHERE cooperative_id = $1 AND id = $2", [
      account.cooperativeId,
      account.id,
    ]);
  }
  const amount = account.balance;
  let transferId: bigint | null = null;
  let at = now;
  if (amount > 0n) {
    const cash = input.payout.kind === "cash";
    // Cash leaves through the teller's drawer (held open while it posts); a transfer goes to the
    // member's own account, which the judgement found.
    const drawn = cash ? await drawerForPosting(tx, teller, now) : null;
    const target = drawn ? drawn.drawer : to && { cooperativeId: to.cooperativeId, accountId: to.id };
    assert(target, "a transfer's target was judged");
    const memo = cash ? "해지지급" : "해지이체";
    const r = await postTransfer(bank, tx, {
      idempotencyKey: input.idempotencyKey,
      actor: tellerScope(teller),
      kind: cash ? "cash_withdrawal" : "transfer",
      from: { cooperativeId: account.cooperativeId, accountId: account.id },
      to: target,
      amount,
      memoFrom: memo,
      memoTo: memo,
    });
    transferId = r.transfer.id;
    at = r.transfer.createdAt;
    if (drawn) {
      await writeReceipt(tx, {
        cooperativeId: teller.cooperativeId,
        drawerDayId: drawn.day.id,
        tellerId: teller.tellerId,
        kind: "closing",
        transferId,
        accountId: account.id,
        amount,
        depositorName: null,
        idDocument: input.idCheck.document,
        at,
      });
    }
  }
  const closed = await tx.query(
    "UPDATE accounts SET status = 'closed' WHERE cooperative_id = $1 AND id = $2 AND balance = 0 AND held = 0 RETURNING id",
    [account.cooperativeId, account.id],
  );
  // A closing recorded on an account that kept money would tell the member a falsehood.
  assert(closed.rows.length === 1, "a closed account is empty and holds nothing");
  const { rows } = await tx.query<ClosingRow>(
    `INSERT INTO account_closings (cooperative_id, account_id, teller_id, idempotency_key, payout, amount, transfer_id,
       to_account_id, released_holds, released_amount, id_document, closed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING ${closingColumns}`,
    [
      account.cooperativeId,
      account.id,
      teller.tellerId,
      input.idempotencyKey,
      input.payout.kind,
      amount,
      transferId,
      to?.id ?? null,
      holds.length,
      released,
      input.idCheck.document,
      at,
    ],
  );
  await notifyClosed(tx, teller, account, { amount, to, at });
  return rows[0]!;
}

async function notifyClosed(
  tx: Queryable,
  teller: TellerActor,
  account: Account & { memberId: bigint },
  c: { amount: bigint; to: Account | null; at: Date },
): Promise<void> {
  const { rows } = await tx.query<{ name: string }>(
    "SELECT name FROM branches WHERE cooperative_id = $1 AND id = $2",
    [teller.cooperativeId, teller.branchId],
  );
  await notifyAccountClosed(tx, {
    cooperativeId: account.cooperativeId,
    memberId: account.memberId,
    accountId: account.id,
    number: account.number,
    branchName: rows[0]?.name ?? "",
    amount: c.amount,
    to: c.to?.number ?? null,
    at: c.at,
  });
}
