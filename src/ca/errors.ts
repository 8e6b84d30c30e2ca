// Business rejections of a certificate's lifecycle (revoke, suspend, release, and what CMP asks of
// the same rows). The codes and their words live in src/messages/ca.ts; the edges (CLI, HTTP, the
// CMP error body) translate a code to words, HTTP status or PKIFailureInfo.
import type { CaLifecycleErrorCode } from "../messages/ca.ts";

export {
  type CaKeyErrorCode,
  type CaLifecycleErrorCode,
  caKeyErrorCodes,
  caLifecycleErrorCodes,
} from "../messages/ca.ts";

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

/**
 * Rejections of a request for a certificate that the CA judges itself (enrolment under an
 * authorisation, renewal, confirmation), named for the rule that failed; the CMP server answers
 * each with its PKIFailureInfo (cmp-refusal.ts).
 */
export const caRequestErrorCodes = [
  /** No authorisation has this reference number. */
  "authorization_unknown",
  /** The authorisation is open but its time has run out. */
  "authorization_expired",
  /** The authorisation has issued its certificate already. */
  "authorization_already_used",
  /** The authorisation ended after too many wrong MACs. */
  "authorization_ended",
  /** A revoked or suspended certificate cannot be renewed: it is reissued. */
  "old_revoked",
  /**
   * The certificate was renewed already (revoked as superseded by its renewal): another tab or
   * device renewed it first, and the new certificate is the one to use.
   */
  "old_renewed",
  /** The certificate to renew is not in use (not yet confirmed, or refused). */
  "old_not_valid",
  /** An expired certificate cannot be renewed: the member applies for a new one. */
  "old_expired",
  /** The renewal window (raRules.renewalWindowMs before expiry) has not opened yet. */
  "renewal_window",
  /** A renewal must bring a new key. */
  "same_key",
  /** The public key has been certified (or had a serial reserved) before, to this member or another. */
  "key_in_use",
  /** The certificate no longer awaits confirmation (revoked after the wait, or refused before). */
  "not_pending",
  /** The holder has meanwhile confirmed another certificate of that purpose: one live at a time. */
  "cert_exists",
  /** The CMP transactionID already has a certificate: it belongs to the request that opened it. */
  "transaction_id_in_use",
  /** A universal certificate is renewed only with its fee held first (the certificate centre, DESIGN §4). */
  "renewal_not_paid",
  /** A web authorisation is used only by the login session that made it (the certificate centre). */
  "authorization_elsewhere",
] as const;

export type CaRequestErrorCode = (typeof caRequestErrorCodes)[number];

export class CaRequestError extends Error {
  override readonly name = "CaRequestError";
  readonly code: CaRequestErrorCode;

  constructor(code: CaRequestErrorCode, options?: { cause?: unknown }) {
    super(code, options);
    this.code = code;
  }
}
