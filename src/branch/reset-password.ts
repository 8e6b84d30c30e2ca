// A forgotten or locked-out password replaced at the counter by a new temporary one.
import { enrolledUserId, newTemporaryPassword, resetMemberPassword } from "../auth/enrolment.ts";
import { endMemberSessions } from "../auth/sessions.ts";
import { TellerError } from "../auth/teller-errors.ts";
import { holderOf } from "../certcenter/authorize.ts";
import { audited, type DeskContext, memberOfCooperative } from "./desk.ts";
import { slip, type TemporaryPasswordSlip } from "./password-slip.ts";

/** A new temporary password; the member must change it online again, and the business-day clock restarts. */
export async function resetPassword(ctx: DeskContext, memberId: bigint): Promise<TemporaryPasswordSlip> {
  const m = await memberOfCooperative(ctx.bank, ctx.teller, memberId);
  const userId = await enrolledUserId(ctx.bank.db, m.cooperativeId, m.id);
  if (!userId) throw new TellerError("not_enrolled");
  const temporary = await newTemporaryPassword(userId);
  return audited(ctx, "teller.password_reset", async (bank, tx) => {
    const e = await resetMemberPassword(tx, {
      cooperativeId: m.cooperativeId,
      memberId: m.id,
      temporary,
      at: bank.clock.now(),
    });
    // Whoever knew the old password is signed out with it.
    await endMemberSessions(tx, { cooperativeId: m.cooperativeId, memberId: m.id });
    return { result: slip(e), subject: holderOf(m.cooperativeId, m.id), details: { userId: e.userId } };
  });
}
