// Where the certificate centre's pages meet the browser-side key work, which lands separately
// (storage adapters, the signer, key generation and CMP: web/src/certcenter/storage/*, signer.ts,
// the CMP client in src/pki). Until it is wired here, each entry says so with NotWiredError and
// the page shows "not available yet": nothing is pretended, nothing is issued.
import type { IssueAuthorization } from "./api.ts";
import type { SelectionSources } from "./SelectionWindow.tsx";
import { openSigner as openStoredSigner } from "./signer.ts";
import { selectionSources as makeSources } from "./sources.ts";
import type { Signer, StorageKind, StoredCertificate } from "./storage/types.ts";

export class NotWiredError extends Error {
  override readonly name = "NotWiredError";
  readonly code = "not_wired";
}

/** Where a new certificate goes: a StorageKind, or a download of a .zip or .pfx. */
export type StorageChoice = Exclude<StorageKind, "archive" | "phone"> | "zip" | "pfx";

export type IssueProgress = "keys" | "enrol" | "store" | "confirm";

export interface EnrolInput {
  /** From the web authorisation, or typed from a branch slip. */
  authorization: Pick<IssueAuthorization, "referenceNumber" | "authorizationCode">;
  password: string;
  storage: StorageChoice;
  /** The folder picked for "folder" storage. */
  directory?: FileSystemDirectoryHandle;
  onProgress(step: IssueProgress): void;
}

export interface EnrolResult {
  stored: StoredCertificate;
}

/** The stores the selection window reads (sources.ts). */
export const selectionSources: SelectionSources = makeSources();

/** Decrypts the key file here, checks it against the certificate, and hands back a one-shot signer. */
export function openSigner(stored: StoredCertificate, password: string): Promise<Signer> {
  return openStoredSigner(stored, password);
}

/** Key pair in a worker, CMP ir with the authorisation, store, then certConf (DESIGN.md §5). */
export async function enrolAndStore(_input: EnrolInput): Promise<EnrolResult> {
  throw new NotWiredError("enrolAndStore");
}

/** A new key, kur signed by the old one (the signer), the new certificate stored where the old one was. */
export async function renewAndStore(
  _signer: Signer,
  _old: StoredCertificate,
  _onProgress: (step: IssueProgress) => void,
): Promise<EnrolResult> {
  throw new NotWiredError("renewAndStore");
}

export function isNotWired(error: unknown): boolean {
  return error instanceof NotWiredError;
}
