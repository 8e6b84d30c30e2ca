// A new member registered at the counter, at the teller's branch.
import { createMember } from "../bank/members.ts";
import { holderOf } from "../certcenter/authorize.ts";
import { audited, type DeskContext } from "./desk.ts";
import { normalizeMemberPhone } from "./member-phone.ts";
import { type MemberView, memberView } from "./member-view.ts";

/** A new member of the teller's cooperative, at the teller's branch; a phone given must be a mobile (bad_phone). */
export async function registerMember(
  ctx: DeskContext,
  input: {
    name: string;
    rrn: string;
    phone?: string | undefined;
    email?: string | undefined;
    address?: string | undefined;
  },
): Promise<MemberView> {
  const phone = input.phone ? normalizeMemberPhone(input.phone) : undefined;
  return audited(ctx, "teller.member_create", async (bank, tx) => {
    const m = await createMember(
      bank,
      {
        cooperativeId: ctx.teller.cooperativeId,
        branchId: ctx.teller.branchId,
        realName: input.name.trim(),
        rrn: input.rrn,
        ...(phone ? { phone } : {}),
        ...(input.email ? { email: input.email } : {}),
        ...(input.address ? { address: input.address } : {}),
      },
      tx,
    );
    return { result: await memberView(bank, m), subject: holderOf(m.cooperativeId, m.id) };
  });
}
