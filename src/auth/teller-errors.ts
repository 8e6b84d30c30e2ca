// Typed refusals of the teller side (the teller's own login and the branch desk: enrolment, user
// IDs, the member a teller may see); the edges (server, CLI) translate the codes to words.
export const tellerErrorCodes = [
  /** Unknown teller ID or wrong password (the same answer for both); details: remaining tries. */
  "teller_bad_credentials",
  /** Five wrong passwords in a row: the teller's login is locked until an administrator opens it. */
  "teller_locked",
  /** A new internet banking user ID is 6–12 letters and digits (DESIGN.md §3). */
  "bad_user_id",
  /** Another member has that user ID (IDs are unique regardless of case). */
  "user_id_taken",
  /** The member is enrolled for internet banking already: reset the password instead. */
  "already_enrolled",
  /** The member is not enrolled for internet banking: enrol first. */
  "not_enrolled",
  /** A member has this resident registration number, under another name: check the ID card. */
  "name_mismatch",
  /** No member of the teller's cooperative has this id (another cooperative's member is the same). */
  "member_not_found",
  /** A teller ID is 4–20 letters and digits. */
  "bad_teller_id",
  /** Another teller has that ID (IDs are unique regardless of case). */
  "teller_id_taken",
  /** No teller with that ID in that cooperative. */
  "teller_not_found",
  /** The cooperative has no branch with that code. */
  "branch_not_found",
] as const;

export type TellerErrorCode = (typeof tellerErrorCodes)[number];

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
