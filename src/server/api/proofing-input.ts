// Identity proofing as a body brings it (the fields of certcenter-schemas.ts ProofingFields, in a
// web issuance and a reissue alike): the answers src/certcenter/identity-proofing.ts asks for, and
// the security medium's refusals answered as the transfers API answers them. Shared by both routes
// so that the two ways of proving a member cannot drift apart.
import type { Static, TObject } from "typebox";
import { isBankError } from "../../bank/errors.ts";
import type { SecurityMedium } from "../../bank/limits.ts";
import type { ProofingAnswers } from "../../certcenter/identity-proofing.ts";
import { ServerError } from "../errors.ts";
import type { ProofingFields } from "./certcenter-schemas.ts";

/** The proofing fields as a validated body holds them. */
type ProofingBody = Static<TObject<typeof ProofingFields>>;

/**
 * The body's proofing answers. The medium's answer is read only once proofing knows which medium
 * the member has: the OTP code, or the card's two pairs of digits; the one missing is a 400
 * `validation` naming the field.
 */
export function proofingAnswers(body: ProofingBody): ProofingAnswers {
  return {
    rrn: body.rrn,
    account: body.account,
    pin: body.pin,
    mediumAnswer(medium: SecurityMedium): string {
      const answer = medium === "otp" ? body.otp : body.card && `${body.card.first}${body.card.second}`;
      if (answer === undefined) throw new ServerError("validation", medium === "otp" ? "otp" : "card");
      return answer;
    },
  };
}

/** The medium's lock and absence as the transfers API answers them (423, 409), tries left kept. */
export function mediumRefusal(e: unknown): unknown {
  if (isBankError(e, "medium_locked")) return new ServerError("medium_locked");
  if (isBankError(e, "medium_not_registered")) return new ServerError("medium_not_registered");
  if (isBankError(e, "medium_wrong")) return new ServerError("medium_wrong", undefined, e.details);
  return e;
}
