// A cash withdrawal at the counter, by the holder: the teller checks their ID document and records
// which one, the holder types the passbook PIN (its rules and lock are the bank's), and the amount
// leaves the account as the notes leave the teller's drawer, in one posting, with a receipt. Above
// the balance or the drawer's cash it is refused. Idempotent as a member's transfer is: a repeat of a
// finished request answers with its receipt and checks no PIN; a repeat while the first is still
// running is refused without checking one (src/bank/transfer-claims.ts).
import { TellerError } from "../auth/teller-errors.ts";
import { findDrawer } from "../bank/cash.ts";
import { assert } from "../bank/errors.ts";
import { committingRefusals } from "../bank/member-transfer.ts";
import { verifyPin } from "../bank/passbook-pin.ts";
import { postTransfer } from "../bank/transfer.ts";
import { claimTransfer, releaseClaim } from "../bank/transfer-claims.ts";
import { holderOf } from "../certcenter/authorize.ts";
import type { CashAnswer } from "./cash-deposit.ts";
import { customerAccount, earlierCash, lockOpenDay, parseCashAmount, tellerScope } from "./cash-desk.ts";
import { type CashReceiptView, type IdDocument, receiptOfTransfer, writeReceipt } from "./cash-receipt.ts";
import { audited, type DeskContext, type TellerActor } from "./desk.ts";

export interface CashWithdrawalInput {
  idempotencyKey: string;
  account: string;
  amount: string;
  /** The passbook PIN the holder typed. */
  pin: string;
  /** The holder's ID document the teller looked at, and that they did. */
  idCheck: { document: IdDocument; checked: boolean };
}

/** A withdrawal about to be paid, as a second teller's approval would judge it. */
export interface WithdrawalRequest {
  teller: TellerActor;
  account: string;
  amount: bigint;
}

/**
 * Where a second teller's approval will go (maker-checker): a withdrawal above the cooperative's
 * amount waits for a manager's approval here, after the ID and PIN are checked and before the money
 * moves. Throws to refuse or to hold the withdrawal; by default every withdrawal passes.
 */
export type WithdrawalApproval = (request: WithdrawalRequest) => Promise<void>;

const noApprovalNeeded: WithdrawalApproval = async () => {};

export async function cashWithdrawal(
  ctx: DeskContext,
  input: CashWithdrawalInput,
  approve: WithdrawalApproval = noApprovalNeeded,
): Promise<CashAnswer> {
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

  // A repeat of a finished withdrawal gets its receipt, without a PIN try.
  const earlier = await earlierCash(db, teller, input.idempotencyKey, want);
  if (earlier !== undefined) return replay(earlier);
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
    if (done !== undefined) {
      await releaseClaim(db, claim);
      return await replay(done);
    }
    // The try counts even when the PIN is refused, so it is judged in a commit of its own.
    await committingRefusals(db, (tx) =>
      verifyPin(ctx.bank, account.cooperativeId, account.id, input.pin, tx),
    );
    await approve({ teller, account: account.number, amount });
    return await audited(ctx, "teller.cash_withdrawal", async (bank, tx) => {
      const day = await lockOpenDay(tx, teller, "share", bank.clock.now());
      const drawer = await findDrawer(tx, teller.cooperativeId, teller.tellerId);
      assert(drawer, "an open drawer day has its drawer");
      const r = await postTransfer(bank, tx, {
        idempotencyKey: input.idempotencyKey,
        actor: tellerScope(teller),
        kind: "cash_withdrawal",
        from: { cooperativeId: account.cooperativeId, accountId: account.id },
        to: { cooperativeId: teller.cooperativeId, accountId: drawer.accountId },
        amount,
        memoFrom: "현금출금",
        memoTo: "현금출금",
      });
      let receipt: CashReceiptView;
      if (r.replayed) {
        receipt = await receiptOfTransfer(tx, teller.cooperativeId, r.transfer.id);
      } else {
        receipt = await writeReceipt(tx, {
          cooperativeId: teller.cooperativeId,
          drawerDayId: day.id,
          tellerId: teller.tellerId,
          kind: "withdrawal",
          transferId: r.transfer.id,
          accountId: account.id,
          amount,
          depositorName: null,
          idDocument: input.idCheck.document,
          at: r.transfer.createdAt,
        });
      }
      // The withdrawal appears as the claim goes: a duplicate sees one or the other, never neither.
      await releaseClaim(tx, claim);
      return {
        result: { receipt, replayed: r.replayed },
        subject: holderOf(account.cooperativeId, account.memberId),
        details: {
          account: account.number,
          amount: amount.toString(),
          receipt: receipt.number,
          idDocument: input.idCheck.document,
          replayed: r.replayed,
        },
      };
    });
  } catch (e) {
    // A refused withdrawal leaves nothing, its claim included, so a retry is judged anew.
    await releaseClaim(db, claim).catch(() => {});
    throw e;
  }
}
