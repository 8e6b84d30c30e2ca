// After the member is re-verified in person: their locked login and security medium opened again.
import { unlockMemberLogin } from "../auth/enrolment.ts";
import { loginFailuresMax } from "../auth/login.ts";
import { mediumFailuresMax, unlockMedium } from "../bank/security-medium.ts";
import { holderOf } from "../certcenter/authorize.ts";
import { audited, type DeskContext, memberOfCooperative } from "./desk.ts";

export interface UnlockResult {
  login: "unlocked" | "not_locked" | "not_enrolled";
  medium: "unlocked" | "not_locked" | "not_registered";
}

/** After re-verifying the member in person: opens a locked login and a locked security medium. */
export async function unlockMember(ctx: DeskContext, memberId: bigint): Promise<UnlockResult> {
  return audited(ctx, "teller.unlock", async (bank, tx) => {
    const m = await memberOfCooperative(bank, ctx.teller, memberId);
    const who = { cooperativeId: m.cooperativeId, memberId: m.id };
    const login = await unlockMemberLogin(tx, { ...who, failuresMax: loginFailuresMax });
    const { rows } = await tx.query<{ failures: number }>(
      "SELECT failures FROM security_media WHERE cooperative_id = $1 AND member_id = $2 FOR UPDATE",
      [m.cooperativeId, m.id],
    );
    if (rows[0]) await unlockMedium(bank, who);
    const result: UnlockResult = {
      login: !login ? "not_enrolled" : login.wasLocked ? "unlocked" : "not_locked",
      medium: !rows[0] ? "not_registered" : rows[0].failures >= mediumFailuresMax ? "unlocked" : "not_locked",
    };
    return { result, subject: holderOf(m.cooperativeId, m.id), details: { ...result } };
  });
}
