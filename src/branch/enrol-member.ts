// Internet banking enrolment at the counter, with the user ID the member chose.
import { assertNewUserId, enrolMember, newTemporaryPassword } from "../auth/enrolment.ts";
import { holderOf } from "../certcenter/authorize.ts";
import { audited, type DeskContext, memberOfCooperative } from "./desk.ts";
import { slip, type TemporaryPasswordSlip } from "./password-slip.ts";

/** Enrols the member for internet banking with the user ID they chose; the slip's password is shown once. */
export async function enrolForInternetBanking(
  ctx: DeskContext,
  memberId: bigint,
  input: { userId: string },
): Promise<TemporaryPasswordSlip> {
  assertNewUserId(input.userId);
  const temporary = await newTemporaryPassword(input.userId);
  return audited(ctx, "teller.enrol", async (bank, tx) => {
    const m = await memberOfCooperative(bank, ctx.teller, memberId);
    const e = await enrolMember(tx, {
      cooperativeId: m.cooperativeId,
      memberId: m.id,
      userId: input.userId,
      temporary,
      at: bank.clock.now(),
    });
    return { result: slip(e), subject: holderOf(m.cooperativeId, m.id), details: { userId: e.userId } };
  });
}
