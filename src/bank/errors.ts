// Business rejections of the bank domain, each named for the rule that failed (the codes and their
// words: src/messages/bank.ts); a broken invariant is an assertion, not one of these.
import type { BankErrorCode } from "../messages/bank.ts";

export { type BankErrorCode, bankErrorCodes } from "../messages/bank.ts";

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
