// Typed errors of the registration authority; the edges (CLI, server) translate the codes.
export const certcenterErrorCodes = [
  /** No internet banking user has that ID. */
  "user_unknown",
  /** The member already holds a live certificate of that purpose: renew it or reissue it. */
  "cert_exists",
  /** A reissue was asked for, but the member holds no live certificate of that purpose. */
  "no_certificate",
] as const;

export type CertcenterErrorCode = (typeof certcenterErrorCodes)[number];

export class CertcenterError extends Error {
  override readonly name = "CertcenterError";
  constructor(readonly code: CertcenterErrorCode) {
    super(code);
  }
}
