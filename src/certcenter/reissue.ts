// Reissue (재발급, DESIGN §4 "Reissue") as the RA authorises it on the web: the
// member proves who they are again (identity-proofing.ts, the web issuance's own proofing with its
// lockouts), then gives the one-time code sent to their registered phone (phone-code.ts), then the
// RA makes the web authorisation that replaces the live certificate as rules.ts reissueReplacement
// says, bound to the session that asked (web-issuance.ts bindToSession) as a web issuance is, in the
// transaction that makes it (and revokes a lost certificate), so a failure leaves nothing done.
// A reissue is an issuance of a new certificate, so the member agrees to the terms in force first,
// as for a web issuance (consents.ts): before proofing, so a member who has not agreed spends no
// proofing try, no phone code, and (after a loss) has nothing revoked. Proofing comes next: someone
// who cannot pass it never gets to spend the member's phone code.
// A reissue is free (DESIGN §4), universal or not: no fee is held.
import { authorizeForUser, type CertificatePurposeName } from "./authorize.ts";
import { requireConsents } from "./consents.ts";
import type { CertcenterContext } from "./context.ts";
import { type ProofingAnswers, proveIdentity } from "./identity-proofing.ts";
import { verifyReissuePhoneCode } from "./phone-code.ts";
import type { ReissueReason } from "./rules.ts";
import { bindToSession, type WebMember } from "./web-issuance.ts";

export const reissueReasons: readonly ReissueReason[] = ["lost", "damaged", "forgotten"];

export interface ReissueRequest {
  purpose: CertificatePurposeName;
  reason: ReissueReason;
  phoneCode: string;
  proofing: ProofingAnswers;
}

export interface ReissueAuthorization {
  referenceNumber: string;
  authorizationCode: string;
  expiresAt: Date;
}

/**
 * The terms in force agreed to, proofing, then the phone code, then the authorisation bound to the
 * session; each refusal is a typed error (consent_required, proveIdentity's, verifyReissuePhoneCode's,
 * no_certificate when there is no live certificate of the purpose). After a loss the CA revokes the old certificate as it makes the
 * authorisation; otherwise the new one's confirmation supersedes it.
 */
export async function authorizeReissue(
  ctx: CertcenterContext,
  who: WebMember,
  request: ReissueRequest,
): Promise<ReissueAuthorization> {
  await requireConsents(ctx.bank.db, who);
  await proveIdentity(ctx.bank, who, request.proofing);
  await verifyReissuePhoneCode(ctx.bank, who, request.phoneCode);
  const made = await authorizeForUser(ctx, {
    userId: who.userId,
    purpose: request.purpose,
    channel: "web",
    actor: `member:${who.cooperativeId}:${who.memberId}`,
    reissue: request.reason,
    // Bound in the transaction that makes the authorisation (and, after a loss, revokes the old
    // certificate): a failure between would leave the member with neither a certificate nor an
    // authorisation this session may enrol with.
    alongside: (tx, made) =>
      bindToSession(tx, who, { ...made, purpose: request.purpose }, ctx.bank.clock.now()),
  });
  return {
    referenceNumber: made.referenceNumber,
    authorizationCode: made.authorizationCode,
    expiresAt: made.expiresAt,
  };
}
