// Finding the member at the counter: by the ID card they hand over, or by their id once found.
import { TellerError } from "../auth/teller-errors.ts";
import { findMemberByRrn } from "../bank/members.ts";
import { holderOf } from "../certcenter/authorize.ts";
import { type Audited, audited, type DeskContext, memberOfCooperative } from "./desk.ts";
import { type MemberView, memberView } from "./member-view.ts";

const sameName = (a: string, b: string) => a.replace(/\s+/g, "") === b.replace(/\s+/g, "");

/**
 * Finds the member whose ID card the teller holds: the resident registration number finds them,
 * and the name must match it too. The lookup is audited whether or not it finds someone.
 */
export async function lookupMember(
  ctx: DeskContext,
  input: { name: string; rrn: string },
): Promise<MemberView> {
  type Found = { view: MemberView } | { refused: "member_not_found" | "name_mismatch" };
  const outcome = await audited(ctx, "teller.member_lookup", async (bank): Promise<Audited<Found>> => {
    const m = await findMemberByRrn(bank, ctx.teller.cooperativeId, input.rrn);
    if (!m) return { result: { refused: "member_not_found" }, details: { found: false } };
    if (!sameName(m.realName, input.name)) {
      return {
        result: { refused: "name_mismatch" },
        subject: holderOf(m.cooperativeId, m.id),
        details: { found: true, nameMatches: false },
      };
    }
    return {
      result: { view: await memberView(bank, m) },
      subject: holderOf(m.cooperativeId, m.id),
      details: { found: true, nameMatches: true },
    };
  });
  if ("refused" in outcome) throw new TellerError(outcome.refused);
  return outcome.view;
}

export async function viewMember(ctx: DeskContext, memberId: bigint): Promise<MemberView> {
  return audited(ctx, "teller.member_view", async (bank) => {
    const m = await memberOfCooperative(bank, ctx.teller, memberId);
    return { result: await memberView(bank, m), subject: holderOf(m.cooperativeId, m.id) };
  });
}
