// A security card handed out at the counter as the member's security medium.
import { issueSecurityCard } from "../bank/security-medium.ts";
import { holderOf } from "../certcenter/authorize.ts";
import { audited, type DeskContext, memberOfCooperative } from "./desk.ts";

/** Hands out a new security card (the old one stops working); its codes are returned once, to print. */
export async function handOutSecurityCard(
  ctx: DeskContext,
  memberId: bigint,
): Promise<{ serial: string; codes: string[] }> {
  return audited(ctx, "teller.card_issue", async (bank) => {
    const m = await memberOfCooperative(bank, ctx.teller, memberId);
    const card = await issueSecurityCard(bank, { cooperativeId: m.cooperativeId, memberId: m.id });
    return {
      result: { serial: card.serial, codes: [...card.codes] },
      subject: holderOf(m.cooperativeId, m.id),
      details: { cardSerial: card.serial },
    };
  });
}
