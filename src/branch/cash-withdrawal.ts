// A cash withdrawal at the counter, by the holder: the teller checks their ID document and records
// which one, the holder types the passbook PIN (its rules and lock are the bank's), and the amount
// leaves the account as the notes leave the teller's drawer, in one posting, with a receipt. Above
// the balance or the drawer's cash it is refused. Above the cooperative's approval amount
// (branch-rules.ts) it is recorded, ID and PIN checked, as a request a manager decides
// (approvals.ts), and paid from the maker's drawer under the maker's key when approved. Idempotent as
// a member's transfer is: a repeat of a finished request answers with its receipt (or its pending
// request) and checks no PIN; a repeat while the first is still running is refused without checking
// one (src/bank/transfer-claims.ts).
import { TellerError } from "../auth/teller-errors.ts";
import { getAccount } from "../bank/accounts.ts";
import type { BankContext } from "../bank/context.ts";
import { assert, BankError } from "../bank/errors.ts";
import { committingRefusals } from "../bank/member-transfer.ts";
import { verifyPin } from "../bank/passbook-pin.ts";
import { postTransfer } from "../bank/transfer.ts";
import { claimTransfer, releaseClaim } from "../bank/transfer-claims.ts";
import { holderOf } from "../certcenter/authorize.ts";
import type { Queryable } from "../db/db.ts";
import {
  type ApprovalApplier,
  type ApprovalRecord,
  type ApprovalView,
  approvalByKey,
  approvalView,
  requestApproval,
} from "./approvals.ts";
import { branchRules, withdrawalNeedsApproval } from "./branch-rules.ts";
import type { CashAnswer } from "./cash-deposit.ts";
import {
  customerAccount,
  drawerForPosting,
  earlierCash,
  lockOpenDay,
  parseCashAmount,
  tellerScope,
} from "./cash-desk.ts";
import {
  type CashReceiptView,
  type IdDocument,
  idDocuments,
  receiptOfTransfer,
  writeReceipt,
} from "./cash-receipt.ts";
import { audited, type DeskContext, type IdCheck, type TellerActor } from "./desk.ts";

export interface CashWithdrawalInput {
  idempotencyKey: string;
  account: string;
  amount: string;
  /** The passbook PIN the holder typed. */
  pin: string;
  /** The holder's ID document the teller looked at, and that they did. */
  idCheck: IdCheck;
}

/** A withdrawal held for a manager's approval: nothing has moved yet. */
export interface PendingWithdrawal {
  approval: ApprovalView;
}

export type WithdrawalAnswer = CashAnswer | PendingWithdrawal;

interface Payment {
  idempotencyKey: string;
  account: { cooperativeId: number; id: bigint; number: string; memberId: bigint };
  amount: bigint;
  idDocument: IdDocument;
}

/**
 * Pays a withdrawal from the teller's open drawer, in the caller's transaction: the posting under
 * the teller's idempotency key (a repeat finds the first) and its receipt.
 */
async function payFromDrawer(
  bank: BankContext,
  tx: Queryable,
  teller: TellerActor,
  p: Payment,
): Promise<CashAnswer & { transferId: bigint }> {
  const { day, drawer } = await drawerForPosting(tx, teller, bank.clock.now());
  const r = await postTransfer(bank, tx, {
    idempotencyKey: p.idempotencyKey,
    actor: tellerScope(teller),
    kind: "cash_withdrawal",
    from: { cooperativeId: p.account.cooperativeId, accountId: p.account.id },
    to: drawer,
    amount: p.amount,
    memoFrom: "현금출금",
    memoTo: "현금출금",
  });
  const receipt: CashReceiptView = r.replayed
    ? await receiptOfTransfer(tx, teller.cooperativeId, r.transfer.id)
    : await writeReceipt(tx, {
        cooperativeId: teller.cooperativeId,
        drawerDayId: day.id,
        tellerId: teller.tellerId,
        kind: "withdrawal",
        transferId: r.transfer.id,
        accountId: p.account.id,
        amount: p.amount,
        depositorName: null,
        idDocument: p.idDocument,
        at: r.transfer.createdAt,
      });
  return { receipt, replayed: r.replayed, transferId: r.transfer.id };
}

/** The maker's held request is the one asked again, or the key was reused for another. */
function sameHeld(held: ApprovalRecord, accountId: bigint, amount: bigint): void {
  if (held.accountId !== accountId || held.amount !== amount) throw new BankError("idempotency_key_reused");
}

export async function cashWithdrawal(
  ctx: DeskContext,
  input: CashWithdrawalInput,
): Promise<WithdrawalAnswer> {
  const amount = parseCashAmount(input.amount);
  if (!input.idCheck.checked) throw new TellerError("id_not_checked");
  const { teller } = ctx;
  const db = ctx.bank.db;
  const account = await customerAccount(db, teller, input.account);
  const want = { kind: "cash_withdrawal" as const, accountId: account.id, amount, memo: null };
  const replay = (id: bigint) =>
    audited(ctx, "teller.cash_withdrawal", async (_bank, tx) => {
      const receipt = await receiptOfTransfer(tx, teller.cooperativeId, id);
      return {
        result: { receipt, replayed: true },
        subject: holderOf(account.cooperativeId, account.memberId),
        details: {
          account: account.number,
          amount: amount.toString(),
          receipt: receipt.number,
          replayed: true,
        },
      };
    });
  // A request waiting for a manager (or refused, or lapsed) answers as it stands, without a PIN try.
  const held = async (): Promise<PendingWithdrawal | undefined> => {
    const h = await approvalByKey(db, teller, "cash_withdrawal", input.idempotencyKey, ctx.bank.clock.now());
    if (!h) return undefined;
    sameHeld(h, account.id, amount);
    return { approval: await approvalView(db, h) };
  };

  // A repeat of a finished withdrawal gets its receipt, without a PIN try.
  const earlier = await earlierCash(db, teller, input.idempotencyKey, want);
  if (earlier !== undefined) return replay(earlier);
  const waiting = await held();
  if (waiting) return waiting;
  // No PIN try is spent on a drawer that cannot pay; the posting checks again under its lock.
  await lockOpenDay(db, teller, "share", ctx.bank.clock.now());

  const claim = await claimTransfer(ctx.bank, {
    cooperativeId: teller.cooperativeId,
    scope: tellerScope(teller),
    idempotencyKey: input.idempotencyKey,
    request: ["cash_withdrawal", String(account.id), String(amount)],
  });
  try {
    const done = await earlierCash(db, teller, input.idempotencyKey, want);
    const stillWaiting = done === undefined ? await held() : undefined;
    if (done !== undefined || stillWaiting) {
      await releaseClaim(db, claim);
      return done !== undefined ? await replay(done) : (stillWaiting as PendingWithdrawal);
    }
    // The try counts even when the PIN is refused, so it is judged in a commit of its own.
    await committingRefusals(db, (tx) =>
      verifyPin(ctx.bank, account.cooperativeId, account.id, input.pin, tx),
    );
    const rules = await branchRules(db, teller.cooperativeId);
    if (withdrawalNeedsApproval(rules, amount)) {
      return await audited(ctx, "teller.approval_request", async (bank, tx) => {
        const request = await requestApproval(tx, {
          maker: teller,
          kind: "cash_withdrawal",
          idempotencyKey: input.idempotencyKey,
          memberId: account.memberId,
          accountId: account.id,
          amount,
          request: { account: account.number, amount: amount.toString(), idDocument: input.idCheck.document },
          at: bank.clock.now(),
        });
        // The request appears as the claim goes: a duplicate sees one or the other.
        await releaseClaim(tx, claim);
        return {
          result: { approval: await approvalView(tx, request) },
          subject: holderOf(account.cooperativeId, account.memberId),
          details: {
            kind: "cash_withdrawal",
            approval: request.id.toString(),
            account: account.number,
            amount: amount.toString(),
            idDocument: input.idCheck.document,
          },
        };
      });
    }
    return await audited(ctx, "teller.cash_withdrawal", async (bank, tx) => {
      const paid = await payFromDrawer(bank, tx, teller, {
        idempotencyKey: input.idempotencyKey,
        account,
        amount,
        idDocument: input.idCheck.document,
      });
      // The withdrawal appears as the claim goes: a duplicate sees one or the other, never neither.
      await releaseClaim(tx, claim);
      return {
        result: { receipt: paid.receipt, replayed: paid.replayed },
        subject: holderOf(account.cooperativeId, account.memberId),
        details: {
          account: account.number,
          amount: amount.toString(),
          receipt: paid.receipt.number,
          idDocument: input.idCheck.document,
          replayed: paid.replayed,
        },
      };
    });
  } catch (e) {
    // A refused withdrawal leaves nothing, its claim included, so a retry is judged anew.
    await releaseClaim(db, claim).catch(() => {});
    throw e;
  }
}

/**
 * A manager approved a held withdrawal: it is paid now, from the maker's drawer (which must still
 * be open) under the maker's idempotency key, so the maker's retry of the same request finds the
 * receipt. The ID and PIN were checked when the maker asked.
 */
export const payApprovedWithdrawal: ApprovalApplier = async (bank, tx, request) => {
  assert(request.accountId !== null, "a withdrawal request names its account");
  const account = await getAccount(tx, request.cooperativeId, request.accountId);
  assert(account.memberId !== null, "a withdrawal request's account is a member's");
  const idDocument = idDocuments.find((d) => d === request.request.idDocument) ?? "other";
  try {
    const paid = await payFromDrawer(bank, tx, request.maker, {
      idempotencyKey: request.idempotencyKey,
      account: { ...account, memberId: account.memberId },
      amount: request.amount,
      idDocument,
    });
    return {
      transferId: paid.transferId,
      details: { account: account.number, receipt: paid.receipt.number },
    };
  } catch (e) {
    if (e instanceof TellerError && (e.code === "drawer_closed" || e.code === "drawer_not_open")) {
      throw new TellerError("approval_drawer_closed");
    }
    throw e;
  }
};
