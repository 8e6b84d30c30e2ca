// A cash deposit at the counter: the notes into the teller's drawer, the same amount onto a member's
// account of the cooperative, in one posting under the teller's idempotency key, with a receipt.
// A repeat of the key (a double click, a retry after a lost answer) answers with the first receipt.

import type { BankContext } from "../bank/context.ts";
import { postTransfer } from "../bank/transfer.ts";
import { holderOf } from "../certcenter/authorize.ts";
import type { Queryable } from "../db/db.ts";
import { customerAccount, drawerForPosting, earlierCash, parseCashAmount, tellerScope } from "./cash-desk.ts";
import { type CashReceiptView, receiptOfTransfer, writeReceipt } from "./cash-receipt.ts";
import { audited, type DeskContext } from "./desk.ts";

export interface CashDepositInput {
  idempotencyKey: string;
  account: string;
  amount: string;
  /** Who brought the cash, when not the holder: shown on the holder's statement. */
  depositorName?: string | undefined;
}

export interface CashAnswer {
  receipt: CashReceiptView;
  /** True when the request repeated an earlier one and got its receipt. */
  replayed: boolean;
}

/** What the holder's statement shows for a deposit: who brought the cash, or that it was cash. */
export function depositMemo(depositorName: string | undefined): string {
  return depositorName?.trim() || "현금입금";
}

export async function cashDeposit(ctx: DeskContext, input: CashDepositInput): Promise<CashAnswer> {
  const amount = parseCashAmount(input.amount);
  const memo = depositMemo(input.depositorName);
  const depositorName = input.depositorName?.trim() || null;
  return audited(ctx, "teller.cash_deposit", async (bank: BankContext, tx: Queryable) => {
    const { teller } = ctx;
    const account = await customerAccount(tx, teller, input.account);
    const audit = (receipt: CashReceiptView, replayed: boolean) => ({
      result: { receipt, replayed },
      subject: holderOf(account.cooperativeId, account.memberId),
      details: { account: account.number, amount: amount.toString(), receipt: receipt.number, replayed },
    });
    const want = { kind: "cash_deposit" as const, accountId: account.id, amount, memo };
    // Answered before the drawer is looked at: the first request's receipt stands even after the close.
    const earlier = await earlierCash(tx, teller, input.idempotencyKey, want);
    if (earlier !== undefined) return audit(await receiptOfTransfer(tx, teller.cooperativeId, earlier), true);

    const { day, drawer } = await drawerForPosting(tx, teller, bank.clock.now());
    const r = await postTransfer(bank, tx, {
      idempotencyKey: input.idempotencyKey,
      actor: tellerScope(teller),
      kind: "cash_deposit",
      from: drawer,
      to: { cooperativeId: account.cooperativeId, accountId: account.id },
      amount,
      memoFrom: "현금입금",
      memoTo: memo,
    });
    // A repeat sent at the same moment waited on the first's key and finds it posted.
    if (r.replayed) return audit(await receiptOfTransfer(tx, teller.cooperativeId, r.transfer.id), true);
    const receipt = await writeReceipt(tx, {
      cooperativeId: teller.cooperativeId,
      drawerDayId: day.id,
      tellerId: teller.tellerId,
      kind: "deposit",
      transferId: r.transfer.id,
      accountId: account.id,
      amount,
      depositorName,
      idDocument: null,
      at: r.transfer.createdAt,
    });
    return audit(receipt, false);
  });
}
