// Typed errors of the PKI library. Each carries a code from one closed set; the edges (CLI, server,
// web client) translate codes to Korean and English messages, never the library itself.

export const pkiErrorCodes = [
  /** The input is not the DER structure it should be (truncated, corrupt, or another kind of file). */
  "malformed",
  /** A well-formed structure names an algorithm we do not implement. */
  "unsupported_algorithm",
  /** Decryption failed: with password-based encryption this almost always means a wrong password. */
  "bad_password",
  /** A PBE parameter is out of bounds (an absurd iteration count would tie up a core). */
  "bad_parameters",
  /** The private key file carries no randomNum (R), so no VID can be computed or checked. */
  "missing_random",
  /** The certificate carries no identifyData / VID. */
  "missing_vid",
  /** The VID does not match the resident registration number given. */
  "vid_mismatch",
  /** A resident registration number is not 13 digits. */
  "bad_rrn",
  /** A certificate password breaks the rules (see password-rules.ts). */
  "weak_password",
  /** The private key does not belong to the certificate. */
  "key_mismatch",
  /** A signature or MAC does not verify. */
  "bad_signature",
  /** A certificate is not issued by any certificate the caller trusts. */
  "untrusted",
  /** The CA answered a CMP request with a refusal (its failInfo and text are in the message). */
  "cmp_refused",
  /** A PKCS#12 file holds more than one private key, and the caller cannot tell which is meant. */
  "several_keys",
  /** A transfer's canonical form was given a field not in its exact spelling (transfer-form.ts). */
  "bad_transfer_form",
] as const;

export type PkiErrorCode = (typeof pkiErrorCodes)[number];

export class PkiError extends Error {
  override readonly name = "PkiError";
  readonly code: PkiErrorCode;

  constructor(code: PkiErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isPkiError(e: unknown, code?: PkiErrorCode): e is PkiError {
  return e instanceof PkiError && (code === undefined || e.code === code);
}
