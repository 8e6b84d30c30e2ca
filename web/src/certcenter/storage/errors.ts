// The typed refusals of the browser's certificate stores and signer. The codes and their Korean and
// English words are in src/messages/cert-store.ts; the page shows them through the shared look-up,
// which finds this area by the class name "CertStoreError".
import type { CertStoreErrorCode } from "../../../../src/messages/cert-store.ts";

export type { CertStoreErrorCode };

export class CertStoreError extends Error {
  override readonly name = "CertStoreError";
  readonly code: CertStoreErrorCode;
  /** What the message names (a path in an archive, a record id); never a secret. */
  readonly subject: string | undefined;

  constructor(code: CertStoreErrorCode, message: string, options?: { subject?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.subject = options?.subject;
  }
}

export function isCertStoreError(e: unknown, code?: CertStoreErrorCode): e is CertStoreError {
  return e instanceof CertStoreError && (code === undefined || e.code === code);
}

/** A DOMException's name, or undefined for anything else. */
export function domErrorName(e: unknown): string | undefined {
  return typeof e === "object" && e !== null && "name" in e && typeof e.name === "string"
    ? e.name
    : undefined;
}

/** The browser's "storage is full" (IndexedDB and the File System API alike) as our typed error. */
export function storageFailure(e: unknown, what: string): unknown {
  const name = domErrorName(e);
  if (name === "QuotaExceededError")
    return new CertStoreError("store_full", `${what}: the storage quota is used up`, { cause: e });
  if (name === "NotAllowedError" || name === "SecurityError")
    return new CertStoreError("folder_denied", `${what}: access was not allowed`, { cause: e });
  return e;
}
