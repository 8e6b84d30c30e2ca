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
