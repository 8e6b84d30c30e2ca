// The browser's side of "hard disk / USB memory": the folder picker (File System Access, Chromium
// and Edge on desktop) and, where there is none, a download of the .zip or .pfx. A download goes
// through an object URL on a link the page clicks, which the CSP leaves alone (no script from it).
import { CertStoreError, domErrorName } from "./errors.ts";
import { FolderCertificateStore } from "./folder.ts";

interface DirectoryPicker {
  showDirectoryPicker(options?: {
    id?: string;
    mode?: "read" | "readwrite";
    startIn?: string;
  }): Promise<FileSystemDirectoryHandle>;
}

/** Whether this browser can write into a folder the member picks (else offer the .zip). */
export function folderPickerAvailable(): boolean {
  return typeof (globalThis as Partial<DirectoryPicker>).showDirectoryPicker === "function";
}

/**
 * Opens the folder picker (the member chooses the USB stick or a folder; writing asks leave) and
 * returns a store on it; undefined when the member closes the picker without choosing.
 */
export async function pickFolderStore(
  mode: "read" | "readwrite" = "readwrite",
): Promise<FolderCertificateStore | undefined> {
  if (!folderPickerAvailable())
    throw new CertStoreError("store_unavailable", "this browser cannot open a folder");
  try {
    const handle = await (globalThis as unknown as DirectoryPicker).showDirectoryPicker({
      id: "geumgo-npki",
      mode,
      startIn: "documents",
    });
    return new FolderCertificateStore(handle);
  } catch (e) {
    if (domErrorName(e) === "AbortError") return undefined;
    if (domErrorName(e) === "NotAllowedError" || domErrorName(e) === "SecurityError") {
      throw new CertStoreError("folder_denied", "access to the folder was not allowed", { cause: e });
    }
    throw e;
  }
}

/** Offers bytes as a file download (the .zip of an NPKI folder, a .pfx). */
export function downloadFile(bytes: Uint8Array, fileName: string, type = "application/octet-stream"): void {
  const url = URL.createObjectURL(new Blob([new Uint8Array(bytes)], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  a.rel = "noopener";
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its own copy once started; the URL is let go after the click's task.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
