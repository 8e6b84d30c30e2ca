// Refusals of internet banking login and password changes, each named for the rule that failed;
// the edges (HTTP, CLI) give them Korean and English words (src/cli/messages.ts).

export const authErrorCodes = [
  "bad_credentials",
  "login_locked",
  "enrolment_lapsed",
  "weak_password",
  "current_password_wrong",
] as const;

export type AuthErrorCode = (typeof authErrorCodes)[number];

export class AuthError extends Error {
  override readonly name = "AuthError";
  readonly code: AuthErrorCode;
  /** Safe to show the user: tries remaining, the password rules broken. Never a secret. */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: AuthErrorCode, details?: Record<string, unknown>) {
    super(code);
    this.code = code;
    this.details = details;
  }
}
