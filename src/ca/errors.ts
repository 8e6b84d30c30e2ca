// Business rejections of a certificate's lifecycle (revoke, suspend, release, and what CMP asks of
// the same rows), each named for the rule that failed. The edges (CLI, HTTP, the CMP error body)
// translate the code to words, HTTP status or PKIFailureInfo; src/cli/messages.ts has the words.

export const caLifecycleErrorCodes = [
  /** The CA has no certificate with this serial. */
  "cert_unknown",
  /** The serial is reserved but not signed yet (signing), or the holder refused it (rejected). */
  "cert_not_live",
  /** The certificate is revoked already; revocation is final. */
  "already_revoked",
  /** The certificate is suspended already. */
  "already_on_hold",
  /** Only a suspended certificate can be released. */
  "not_on_hold",
  /** The suspension has lasted six months: the certificate is to be revoked, not released. */
  "hold_expired",
  /** Not an RFC 5280 reason this operation takes (certificateHold is a suspension, not a revocation). */
  "bad_reason",
  /** A serial number is 16 bytes, written as 32 hex digits. */
  "bad_serial",
  /** The change is recorded, but the CRL or OCSP responses could not be republished yet. */
  "status_publish_failed",
] as const;

export type CaLifecycleErrorCode = (typeof caLifecycleErrorCodes)[number];

export class CaLifecycleError extends Error {
  override readonly name = "CaLifecycleError";
  readonly code: CaLifecycleErrorCode;
  /** What the message names: the serial in hex, usually. */
  readonly subject: string | undefined;

  constructor(code: CaLifecycleErrorCode, subject?: string, options?: { cause?: unknown }) {
    super(subject ? `${code}: ${subject}` : code, options);
    this.code = code;
    this.subject = subject;
  }
}

/**
 * Failures of the CA that no request causes and no retry by the requester mends: broken
 * invariants, logged and answered as a server error. No words: the edges say "try again later".
 */
export const caInternalErrorCodes = [
  /** Every reference number drawn for an authorisation was taken already: the random source or the table is broken. */
  "reference_number_draws_exhausted",
] as const;

export type CaInternalErrorCode = (typeof caInternalErrorCodes)[number];

export class CaInternalError extends Error {
  override readonly name = "CaInternalError";
  readonly code: CaInternalErrorCode;

  constructor(code: CaInternalErrorCode, options?: { cause?: unknown }) {
    super(code, options);
    this.code = code;
  }
}
