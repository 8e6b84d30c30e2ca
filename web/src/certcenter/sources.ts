// The places the selection window reads certificates from (DESIGN §5 "Storage adapters"): this
// browser's IndexedDB, a folder the member picks (File System Access), and a .zip of an NPKI
// folder the member opens. A .pfx needs its password before anything can be listed, so it is
// opened through the issuance's import instead (not listed here).
import type { SelectionSources } from "./SelectionWindow.tsx";
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

/** The sources as this browser has them: a browser without a folder picker offers no folder. */
export function selectionSources(): SelectionSources {
  const pick = directoryPicker();
  return {
    ...(globalThis.indexedDB ? { browser: thisBrowser() } : {}),
    folder: (directory) => new FolderCertificateStore(directory),
    archive: async (file) => {
      if (/\.(pfx|p12)$/i.test(file.name)) {
        throw new CertStoreError("pfx_not_listed", "a .pfx is opened with its password, not listed");
      }
      return ZipCertificateStore.open(new Uint8Array(await file.arrayBuffer()));
    },
    ...(pick ? { pickDirectory: () => pick({ id: "geumgo-npki", mode: "readwrite" }) } : {}),
  };
}
