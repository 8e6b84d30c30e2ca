// The receipt of a cash deposit or withdrawal: written in the posting's transaction (with the
// holder's notification), numbered by the Seoul day and a serial, and read again by number for a
// reprint. A reprint is the counter's own copy of the day, as at a bank branch: the teller prints
// again a receipt their branch wrote today (the Seoul day, by the bank's clock), for a customer
// still at the counter or a printer that jammed. An older receipt or another branch's is not
// reprinted; the member's record of an older posting is the account's history.
import { TellerError } from "../auth/teller-errors.ts";
import { formatAccountNumber } from "../bank/account-number.ts";
import { notifyCash } from "../bank/notifications.ts";
import { seoulDay } from "../calendar/seoul-day.ts";
import type { Queryable } from "../db/db.ts";
import { audited, type DeskContext, type TellerActor } from "./desk.ts";

export const idDocuments = ["resident_card", "driver_license", "passport", "other"] as const;
export type IdDocument = (typeof idDocuments)[number];

/** A receipt as the console prints it: won as decimal strings, times as ISO 8601. */
export interface CashReceiptView {
  number: string;
  kind: "deposit" | "withdrawal" | "closing";
  at: string;
  account: string;
  holderName: string;
  amount: string;
  /** The customer account's balance right after. */
  balanceAfter: string;
  depositorName: string | null;
  idDocument: IdDocument | null;
  tellerId: string;
  branch: { code: string; name: string };
  cooperative: string;
}

/** Writes the receipt of a new cash posting, tells the holder, and answers the receipt. */
export async function writeReceipt(
  tx: Queryable,
  r: {
    cooperativeId: number;
    drawerDayId: bigint;
    tellerId: string;
    kind: "deposit" | "withdrawal" | "closing";
    transferId: bigint;
    accountId: bigint;
    amount: bigint;
    depositorName: string | null;
    idDocument: IdDocument | null;
    at: Date;
  },
): Promise<CashReceiptView> {
  const { rows } = await tx.query<{ serial: bigint }>("SELECT nextval('cash_receipt_seq') AS serial");
  const number = `${seoulDay(r.at).replace(/-/g, "")}-${String(rows[0]!.serial).padStart(8, "0")}`;
  await tx.query(
    `INSERT INTO cash_receipts (cooperative_id, number, drawer_day_id, teller_id, kind, transfer_id, account_id, amount,
       balance_after, depositor_name, id_document, created_at)
     SELECT $1, $2, $3, $4, $5, $6, $7, $8, e.balance_after, $9, $10, $11
     FROM entries e
     WHERE e.transfer_cooperative_id = $1 AND e.transfer_id = $6 AND e.cooperative_id = $1 AND e.account_id = $7`,
    [
      r.cooperativeId,
      number,
      r.drawerDayId,
      r.tellerId,
      r.kind,
      r.transferId,
      r.accountId,
      r.amount,
      r.depositorName,
      r.idDocument,
      r.at,
    ],
  );
  const receipt = await receiptOfTransfer(tx, r.cooperativeId, r.transferId);
  const { rows: holder } = await tx.query<{ member_id: bigint; number: string }>(
    "SELECT member_id, number FROM accounts WHERE cooperative_id = $1 AND id = $2",
    [r.cooperativeId, r.accountId],
  );
  // A closing's payout is told in the closing's own notice (src/branch/close-account.ts).
  if (r.kind === "closing") return receipt;
  await notifyCash(tx, {
    kind: r.kind,
    transferId: r.transferId,
    cooperativeId: r.cooperativeId,
    memberId: holder[0]!.member_id,
    number: holder[0]!.number,
    branchName: receipt.branch.name,
    amount: r.amount,
    balanceAfter: BigInt(receipt.balanceAfter),
    at: r.at,
  });
  return receipt;
}

const receiptQuery = `SELECT r.number, r.kind, r.created_at, a.number AS account, m.real_name, r.amount, r.balance_after,
    r.depositor_name, r.id_document, r.teller_id, b.id AS branch_id, b.code AS branch_code, b.name AS branch_name,
    c.name AS cooperative
  FROM cash_receipts r
  JOIN accounts a ON a.cooperative_id = r.cooperative_id AND a.id = r.account_id
  JOIN members m ON m.cooperative_id = a.cooperative_id AND m.id = a.member_id
  JOIN drawer_days d ON d.cooperative_id = r.cooperative_id AND d.id = r.drawer_day_id
  JOIN branches b ON b.cooperative_id = d.cooperative_id AND b.id = d.branch_id
  JOIN cooperatives c ON c.id = r.cooperative_id`;

type ReceiptRow = {
  number: string;
  kind: "deposit" | "withdrawal" | "closing";
  created_at: Date;
  account: string;
  real_name: string;
  amount: bigint;
  balance_after: bigint;
  depositor_name: string | null;
  id_document: IdDocument | null;
  teller_id: string;
  branch_id: number;
  branch_code: string;
  branch_name: string;
  cooperative: string;
};

function view(r: ReceiptRow): CashReceiptView {
  return {
    number: r.number,
    kind: r.kind,
    at: r.created_at.toISOString(),
    account: formatAccountNumber(r.account),
    holderName: r.real_name,
    amount: r.amount.toString(),
    balanceAfter: r.balance_after.toString(),
    depositorName: r.depositor_name,
    idDocument: r.id_document,
    tellerId: r.teller_id,
    branch: { code: r.branch_code, name: r.branch_name },
    cooperative: r.cooperative,
  };
}

/** The receipt of a cash posting (a repeated request answers with the first one's). */
export async function receiptOfTransfer(
  db: Queryable,
  cooperativeId: number,
  transferId: bigint,
): Promise<CashReceiptView> {
  const { rows } = await db.query<ReceiptRow>(
    `${receiptQuery} WHERE r.cooperative_id = $1 AND r.transfer_id = $2`,
    [cooperativeId, transferId],
  );
  if (!rows[0]) throw new TellerError("receipt_not_found");
  return view(rows[0]);
}

/**
 * A receipt to print again, by its printed number: one the teller's branch wrote today (Seoul day
 * of `now`). Another cooperative's, or none, is receipt_not_found; another branch's of the
 * cooperative is receipt_other_branch; one of an earlier day is receipt_not_today.
 */
export async function findReceipt(
  db: Queryable,
  teller: TellerActor,
  number: string,
  now: Date,
): Promise<CashReceiptView> {
  const { rows } = await db.query<ReceiptRow>(
    `${receiptQuery} WHERE r.cooperative_id = $1 AND r.number = $2`,
    [teller.cooperativeId, number],
  );
  const found = rows[0];
  if (!found) throw new TellerError("receipt_not_found");
  if (found.branch_id !== teller.branchId) throw new TellerError("receipt_other_branch");
  if (seoulDay(found.created_at) !== seoulDay(now)) throw new TellerError("receipt_not_today");
  return view(found);
}

/** A receipt printed again, at the teller's request (findReceipt's rule); audited as each reprint. */
export async function reprintReceipt(ctx: DeskContext, number: string): Promise<CashReceiptView> {
  return audited(ctx, "teller.receipt_reprint", async (bank, tx) => {
    const receipt = await findReceipt(tx, ctx.teller, number, bank.clock.now());
    return { result: receipt, subject: `receipt:${ctx.teller.cooperativeId}:${number}` };
  });
}
