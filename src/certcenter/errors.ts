// Typed errors of the registration authority; the codes and their words live in src/messages/certcenter.ts.
import type { CertcenterErrorCode } from "../messages/certcenter.ts";

export { type CertcenterErrorCode, certcenterErrorCodes } from "../messages/certcenter.ts";

export class CertcenterError extends Error {
  override readonly name = "CertcenterError";
  constructor(
    readonly code: CertcenterErrorCode,
    /** Facts for the member (tries remaining); never a secret. */
    readonly details?: Record<string, unknown>,
  ) {
    super(code);
  }
}
