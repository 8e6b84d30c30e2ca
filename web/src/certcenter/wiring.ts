// Where the certificate centre's pages meet the browser-side key work: the key made in the worker,
// our CMP client over cmpTransport() (the session cookie goes along: the CA binds a web
// authorisation to the session that made it), the certificate stored where the member chose, and
// only then confirmed (enrolment.ts, DESIGN.md §5). A .zip or .pfx is built in memory and offered as
// a download once the CA has the confirmation; a folder or this browser is written before it.
// Leaving the page (the signal) ends it as closing the tab would, or better: the key worker is
// ended, no request goes to the CA after that, and a certificate already on its way is refused
// (certConf rejection: the CA revokes it and gives the fee back at once) rather than stored.

import type { CmpTransport } from "../../../src/pki/cmp-client.ts";
import { serverNow } from "../lib/server-time.ts";
import type { IssueAuthorization } from "./api.ts";
import { fetchCaCertificate as caCertificate } from "./ca-certificate.ts";
import { cmpTransport } from "./cmp-transport.ts";
import { issueAndStore, renewAndStore as renewStored } from "./enrolment.ts";
import type { SelectionSources } from "./SelectionWindow.tsx";
import { openSigner as openStoredSigner, takeSigningKey } from "./signer.ts";
import { selectionSources as makeSources, thisBrowser } from "./sources.ts";
import { writePfx, ZipCertificateStore } from "./storage/archive.ts";
import { FolderCertificateStore } from "./storage/folder.ts";
import { downloadFile } from "./storage/pick.ts";
import type { CertificateStore, Signer, StorageKind, StoredCertificate } from "./storage/types.ts";

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
  /** The page was left: see `stopping` for what stops where. */
  signal?: AbortSignal;
}

export interface EnrolResult {
  stored: StoredCertificate;
}

/** The download names a .zip and a .pfx are offered under. */
export const zipFileName = "NPKI.zip";
export const pfxFileName = "certificate.pfx";

/** The stores the selection window reads (sources.ts). */
export const selectionSources: SelectionSources = makeSources();

/** Decrypts the key file here, checks it against the certificate, and hands back a one-shot signer. */
export function openSigner(stored: StoredCertificate, password: string): Promise<Signer> {
  return openStoredSigner(stored, password);
}

/**
 * The CA's transport for a page that may be left. Aborted, the first request (ir or kur) is not
 * sent. A request already in flight is let finish: cut, the CA might have made a certificate that
 * only its confirmation wait would end; answered, it is refused at the store (below) and revoked
 * at once. The certConf, accepting or rejecting, always goes.
 */
function stopping(signal: AbortSignal | undefined): CmpTransport {
  const send = cmpTransport();
  let first = true;
  return (request) => {
    if (first) signal?.throwIfAborted();
    first = false;
    return send(request);
  };
}

/**
 * A store whose writes report the "store" step and then, written, the "confirm" step. Once the page
 * is left, nothing is written: the write fails, so the client rejects the certificate (certConf
 * with status rejection). A write under way when the page is left finishes and is confirmed: the
 * member then has a stored, valid certificate rather than one half-kept.
 */
function reporting(
  store: CertificateStore,
  onProgress: (step: IssueProgress) => void,
  signal: AbortSignal | undefined,
): CertificateStore {
  return {
    kind: store.kind,
    list: () => store.list(),
    write: async (entry) => {
      signal?.throwIfAborted();
      onProgress("store");
      const stored = await store.write(entry);
      onProgress("confirm");
      return stored;
    },
    replace: (id, entry) => store.replace(id, entry),
    delete: (id) => store.delete(id),
  };
}

function keygenProgress(onProgress: (step: IssueProgress) => void) {
  return ({ stage }: { stage: string }) => {
    if (stage === "done") onProgress("enrol");
  };
}

/** Key pair in a worker, CMP ir with the authorisation, store, then certConf (DESIGN.md §5). */
export async function enrolAndStore(input: EnrolInput): Promise<EnrolResult> {
  const { storage, onProgress, signal } = input;
  let store: CertificateStore;
  let archive: ZipCertificateStore | undefined;
  if (storage === "browser") store = thisBrowser();
  else if (storage === "folder") {
    if (!input.directory) throw new NotWiredError("folder_not_picked");
    store = new FolderCertificateStore(input.directory);
  } else {
    archive = ZipCertificateStore.empty();
    store = archive;
  }
  onProgress("keys");
  const ca = await caCertificate(signal);
  const issued = await issueAndStore({
    send: stopping(signal),
    store: reporting(store, onProgress, signal),
    referenceNumber: input.authorization.referenceNumber,
    authorizationCode: input.authorization.authorizationCode,
    password: input.password,
    caCertificate: ca,
    now: serverNow,
    onProgress: keygenProgress(onProgress),
    ...(signal ? { signal } : {}),
  });
  // Confirmed by the CA: only now is a file offered (a download cannot be taken back).
  if (storage === "zip" && archive) downloadFile(archive.toZip(), zipFileName, "application/zip");
  if (storage === "pfx") {
    const pfx = await writePfx(issued.stored, input.password, {
      caCertificates: issued.caCertificates.length > 0 ? issued.caCertificates : [ca],
    });
    downloadFile(pfx, pfxFileName, "application/x-pkcs12");
  }
  return { stored: issued.stored };
}

/**
 * Sources that remember the store each certificate was listed from, so that a renewal writes the
 * new certificate where the old one was (this browser, the picked folder, the opened .zip).
 */
export function rememberingSources(): {
  sources: SelectionSources;
  storeOf(kind: StorageKind): CertificateStore | undefined;
} {
  const seen = new Map<StorageKind, CertificateStore>();
  const remember = <S extends CertificateStore>(s: S): S => {
    seen.set(s.kind, s);
    return s;
  };
  // No .pfx: its key is opened for one signature and it is no store to write the renewed one into,
  // so a .pfx chosen here is refused as before (import it into a folder or this browser first).
  const { pfx: _pfx, ...base } = selectionSources;
  const sources: SelectionSources = {
    ...base,
    ...(base.browser ? { browser: remember(base.browser) } : {}),
    ...(base.folder ? { folder: (d: FileSystemDirectoryHandle) => remember(base.folder!(d)) } : {}),
    ...(base.archive ? { archive: async (f: File) => remember(await base.archive!(f)) } : {}),
  };
  return { sources, storeOf: (kind) => seen.get(kind) };
}

export interface RenewInput {
  current: StoredCertificate;
  /** The store it was listed from: the new certificate goes there. */
  store: CertificateStore;
  /** The signer the selection window opened for it: its key, decrypted there once, signs the kur. */
  signer: Signer;
  /** The password typed in the selection window: the new key file is written under it. */
  password: string;
  onProgress(step: IssueProgress): void;
  signal?: AbortSignal;
}

/** A new key, kur signed by the old key, the new certificate stored where the old one was. */
export async function renewAndStore(input: RenewInput): Promise<EnrolResult> {
  const { onProgress, signal } = input;
  // Taken before anything else: the signer is spent whatever happens next (one operation).
  const currentKey = { key: takeSigningKey(input.signer), vidRandom: input.signer.vidRandom };
  onProgress("keys");
  const ca = await caCertificate(signal);
  const issued = await renewStored({
    send: stopping(signal),
    store: reporting(input.store, onProgress, signal),
    current: input.current,
    currentKey,
    password: input.password,
    caCertificate: ca,
    now: serverNow,
    onProgress: keygenProgress(onProgress),
    ...(signal ? { signal } : {}),
  });
  // An opened .zip lives only in memory: the renewed one is offered as a download.
  if (input.store instanceof ZipCertificateStore) {
    downloadFile(input.store.toZip(), zipFileName, "application/zip");
  }
  return { stored: issued.stored };
}

export function isNotWired(error: unknown): boolean {
  return error instanceof NotWiredError;
}
