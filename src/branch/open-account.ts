// An account opened at the counter with the passbook PIN the member typed.
import { openAccount } from "../bank/accounts.ts";
import { holderOf } from "../certcenter/authorize.ts";
import { audited, type DeskContext, memberOfCooperative } from "./desk.ts";
import { type AccountView, accountView } from "./member-view.ts";

export async function openMemberAccount(
  ctx: DeskContext,
  memberId: bigint,
  input: { kind: "demand" | "savings"; pin: string },
): Promise<AccountView> {
  return audited(ctx, "teller.account_open", async (bank, tx) => {
    const m = await memberOfCooperative(bank, ctx.teller, memberId);
    const a = await openAccount(
      bank,
      { cooperativeId: m.cooperativeId, memberId: m.id, kind: input.kind, pin: input.pin },
      tx,
    );
    return {
      result: accountView(a),
      subject: holderOf(m.cooperativeId, m.id),
      details: { account: a.number, kind: a.kind },
    };
  });
}
