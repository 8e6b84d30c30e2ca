// A certificate issuance authorisation handed out at the branch, through the certificate centre.
import { enrolledUserId } from "../auth/enrolment.ts";
import { TellerError } from "../auth/teller-errors.ts";
import { authorizeForUser, type ReissueReason } from "../certcenter/authorize.ts";
import { type DeskContext, memberOfCooperative, tellerActor } from "./desk.ts";

/**
 * A certificate issuance authorisation handed out at the branch (14 days): the reference number
 * and the authorisation code, printed for the member. The RA writes the audit entry (ra.authorize,
 * actor teller:<id>) in its own transaction, with the reference number and never the code.
 */
export async function authorizeCertificate(
  ctx: DeskContext,
  memberId: bigint,
  input: { purpose: "bank" | "universal"; reissue?: ReissueReason | undefined },
): Promise<{ referenceNumber: string; authorizationCode: string; expiresAt: string }> {
  const m = await memberOfCooperative(ctx.bank, ctx.teller, memberId);
  const userId = await enrolledUserId(ctx.bank.db, m.cooperativeId, m.id);
  if (!userId) throw new TellerError("not_enrolled");
  const a = await authorizeForUser(
    { bank: ctx.bank, ca: ctx.ca },
    {
      userId,
      purpose: input.purpose,
      channel: "branch",
      actor: tellerActor(ctx.teller.tellerId),
      reissue: input.reissue,
    },
  );
  return {
    referenceNumber: a.referenceNumber,
    authorizationCode: a.authorizationCode,
    expiresAt: a.expiresAt.toISOString(),
  };
}
