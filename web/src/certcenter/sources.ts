// The places the selection window reads certificates from (DESIGN §5 "Storage adapters"): this
// browser's IndexedDB, a folder the member picks (File System Access), a .zip of an NPKI folder
// the member opens, and a .pfx, which needs its password before anything in it can be listed: it
// is opened with the password into its certificate and a one-shot signer (signer.ts).
import { isPfxName, type OpenedPfx, type SelectionSources } from "./SelectionWindow.tsx";
import { openPfxSigner } from "./signer.ts";
import { ZipCertificateStore } from "./storage/archive.ts";
import { BrowserCertificateStore } from "./storage/browser.ts";
import { CertStoreError } from "./storage/errors.ts";
import { FolderCertificateStore } from "./storage/folder.ts";

let browserStore: BrowserCertificateStore | undefined;

/** This browser's store, made on first use (a browser without IndexedDB: store_unavailable). */
export function thisBrowser(): BrowserCertificateStore {
  browserStore ??= new BrowserCertificateStore();
  return browserStore;
}

interface DirectoryPicker {
  showDirectoryPicker(options?: {
    id?: string;
    mode?: "read" | "readwrite";
  }): Promise<FileSystemDirectoryHandle>;
}

function directoryPicker(): DirectoryPicker["showDirectoryPicker"] | undefined {
  const pick = (globalThis as Partial<DirectoryPicker>).showDirectoryPicker;
  return typeof pick === "function" ? pick.bind(globalThis) : undefined;
}

/**
 * A .pfx opened with its password: its certificate listed under the file's name, and its key
 * imported non-extractable into a one-shot signer, the plaintext wiped (PkiError bad_password,
 * several_keys; CertStoreError archive_empty).
 */
export async function openPfxFile(file: File, password: string): Promise<OpenedPfx> {
  const signer = await openPfxSigner(new Uint8Array(await file.arrayBuffer()), password);
  return {
    stored: { id: file.name, kind: "archive", certificate: signer.certificate, keyFile: new Uint8Array(0) },
    signer,
  };
}

/** The sources as this browser has them: a browser without a folder picker offers no folder. */
export function selectionSources(): SelectionSources {
  const pick = directoryPicker();
  return {
    ...(globalThis.indexedDB ? { browser: thisBrowser() } : {}),
    folder: (directory) => new FolderCertificateStore(directory),
    archive: async (file) => {
      // A .pfx reaches here only where a page offers no `pfx` (it cannot be listed without a password).
      if (isPfxName(file.name)) {
        throw new CertStoreError("pfx_not_listed", "a .pfx is opened with its password, not listed");
      }
      return ZipCertificateStore.open(new Uint8Array(await file.arrayBuffer()));
    },
    pfx: openPfxFile,
    ...(pick ? { pickDirectory: () => pick({ id: "geumgo-npki", mode: "readwrite" }) } : {}),
  };
}
