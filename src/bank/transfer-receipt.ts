// The receipt of a transfer, read back from the ledger: the same for the first answer and for
// every repeat of its idempotency key.
import type { Queryable } from "../db/db.ts";
import { assert } from "./errors.ts";

export interface TransferReceipt {
  id: bigint;
  at: Date;
  /** Account numbers, digits only. */
  fromAccount: string;
  toAccount: string;
  recipientName: string;
  amount: bigint;
  balanceAfter: bigint;
  /** What the recipient's statement shows, when the sender wrote it. */
  memo: string | null;
}

export async function transferReceipt(
  db: Queryable,
  transfer: { cooperativeId: number; id: bigint },
): Promise<TransferReceipt> {
  const { rows } = await db.query<{
    id: bigint;
    created_at: Date;
    from_number: string;
    to_number: string;
    to_name: string;
    amount: bigint;
    balance_after: bigint;
    memo_to: string | null;
  }>(
    `SELECT t.id, t.created_at, fa.number AS from_number, ta.number AS to_number,
            coalesce(tm.real_name, ta.name) AS to_name, t.amount, e.balance_after, t.memo_to
     FROM transfers t
     JOIN accounts fa ON fa.cooperative_id = t.cooperative_id AND fa.id = t.from_account_id
     JOIN accounts ta ON ta.cooperative_id = t.to_cooperative_id AND ta.id = t.to_account_id
     LEFT JOIN members tm ON tm.cooperative_id = ta.cooperative_id AND tm.id = ta.member_id
     JOIN entries e ON e.cooperative_id = t.cooperative_id AND e.transfer_cooperative_id = t.cooperative_id
       AND e.transfer_id = t.id AND e.account_id = t.from_account_id
     WHERE t.cooperative_id = $1 AND t.id = $2`,
    [transfer.cooperativeId, transfer.id],
  );
  const r = rows[0];
  assert(r, "a posted transfer has a receipt");
  return {
    id: r.id,
    at: r.created_at,
    fromAccount: r.from_number,
    toAccount: r.to_number,
    recipientName: r.to_name,
    amount: r.amount,
    balanceAfter: r.balance_after,
    memo: r.memo_to,
  };
}
