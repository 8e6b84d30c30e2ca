// Who receives a member's transfer: the recipient's real name and cooperative, shown for the
// member to confirm before any code is typed (the balance and limits are checked too).
import type { BankContext } from "./context.ts";
import { findCooperativeByCode } from "./federation.ts";
import type { MemberRef } from "./member-accounts.ts";
import { precheckTransfer, type TransferIntent } from "./transfer-precheck.ts";

export interface TransferRecipient {
  /** The recipient's account number, digits only. */
  toAccount: string;
  recipientName: string;
  cooperativeName: string;
  amount: bigint;
  fee: bigint;
}

export async function transferRecipient(
  ctx: BankContext,
  who: MemberRef,
  intent: TransferIntent,
): Promise<TransferRecipient> {
  const { to, toName, amount } = await precheckTransfer(ctx, who, intent);
  const cooperative = await findCooperativeByCode(ctx.db, to.number.slice(0, 4));
  return {
    toAccount: to.number,
    recipientName: toName,
    cooperativeName: cooperative.name,
    amount,
    fee: 0n,
  };
}
