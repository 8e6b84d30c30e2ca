// Business rejections of the bank domain, each named for the rule that failed. The edges (HTTP,
// CLI) translate codes to Korean and English; a broken invariant is an assertion, not one of these.

export const bankErrorCodes = [
  "amount_must_be_positive",
  "amount_too_large",
  "account_not_found",
  "account_not_active",
  "account_closed",
  "same_account",
  "not_account_owner",
  "insufficient_funds",
  "exceeds_transfer_limit",
  "exceeds_daily_limit",
  "idempotency_key_reused",
  "memo_too_long",
  "bad_date_range",
  "pin_wrong",
  "pin_locked",
  "hold_not_found",
  "hold_not_active",
  "member_not_found",
  "member_exists",
  "cooperative_not_found",
  "branch_not_found",
  "bad_account_number",
  "bad_rrn",
  "limit_raise_needs_branch",
  "media_locked",
  "media_wrong",
  "media_not_registered",
] as const;

export type BankErrorCode = (typeof bankErrorCodes)[number];

export class BankError extends Error {
  override readonly name = "BankError";
  readonly code: BankErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: BankErrorCode, details?: Record<string, unknown>) {
    super(code);
    this.code = code;
    this.details = details;
  }
}

export function isBankError(e: unknown, code?: BankErrorCode): e is BankError {
  return e instanceof BankError && (code === undefined || e.code === code);
}

/** A broken invariant: the program is wrong, not the request. Crashes loudly. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`invariant broken: ${message}`);
}
