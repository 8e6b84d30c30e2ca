// Refusals of internet banking login and password changes, each named for the rule that failed;
// the codes and their Korean and English words live in src/messages/auth.ts.
import type { AuthErrorCode } from "../messages/auth.ts";

export { type AuthErrorCode, authErrorCodes } from "../messages/auth.ts";

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
