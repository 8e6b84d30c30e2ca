// Reissue (재발급, DESIGN §4 "Reissue", issue 14 item 7) as the RA authorises it on the web: the
// member proves who they are again (identity proofing, another module's job, passed in), then the
// one-time code sent to their registered phone (phone-code.ts), then the RA makes the web
// authorisation that replaces the live certificate as rules.ts reissueReplacement says. Proofing
// comes first: it has lockouts of its own, and someone who cannot pass it never gets to spend the
// member's phone code.
import type { BankContext } from "../bank/context.ts";
import type { CaContext } from "../ca/context.ts";
import { authorizeForUser, type CertificatePurposeName, type IssuanceAuthorization } from "./authorize.ts";
import { type PhoneCodeRequester, verifyReissuePhoneCode } from "./phone-code.ts";
import type { ReissueReason } from "./rules.ts";

export const reissueReasons: readonly ReissueReason[] = ["lost", "damaged", "forgotten"];

export interface ReissueRequest {
  who: PhoneCodeRequester & { userId: string };
  purpose: CertificatePurposeName;
  reason: ReissueReason;
  phoneCode: string;
}

/**
 * Identity proofing for the web (resident registration number, an account and its passbook PIN,
 * OTP or security card, with the bank's lockouts), as the proofing module provides it: resolves
 * when the member is proven, throws a typed error (4xx) when not.
 */
export type ProveIdentity = () => Promise<void>;

/** Proofing, then the phone code, then the authorisation; each refusal is a typed error. */
export async function authorizeReissue(
  ctx: { bank: BankContext; ca: CaContext },
  request: ReissueRequest,
  prove: ProveIdentity,
): Promise<IssuanceAuthorization> {
  await prove();
  await verifyReissuePhoneCode(ctx.bank, request.who, request.phoneCode);
  return authorizeForUser(ctx, {
    userId: request.who.userId,
    purpose: request.purpose,
    channel: "web",
    actor: `member:${request.who.userId}`,
    reissue: request.reason,
  });
}
