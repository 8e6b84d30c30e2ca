// Typed refusals of the teller side (the teller's own login and the branch desk: enrolment, user
// IDs, the member a teller may see); the codes and their words live in src/messages/teller.ts.
import type { TellerErrorCode } from "../messages/teller.ts";

export { type TellerErrorCode, tellerErrorCodes } from "../messages/teller.ts";

export class TellerError extends Error {
  override readonly name = "TellerError";
  readonly code: TellerErrorCode;
  /** Safe to show the teller: tries remaining before the lock. Never a secret. */
  readonly details: { remaining: number } | undefined;

  constructor(code: TellerErrorCode, details?: { remaining: number }) {
    super(code);
    this.code = code;
    this.details = details;
  }
}
