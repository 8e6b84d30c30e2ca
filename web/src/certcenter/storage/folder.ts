// A folder in the NPKI layout (DESIGN §4 Storage; KISA KCAC.TS.UI): NPKI/<CA>/USER/<subject>/
// signCert.der + signPri.key, in a folder the member picks (File System Access showDirectoryPicker),
// or an origin-private directory (navigator.storage.getDirectory()) in tests, where a native picker
// cannot be clicked. Whatever it writes opens in `geumgo npki` and other NPKI software. It lists every
// subject folder under NPKI/*/USER/; a folder that also holds the key-management pair (kmCert.der +
// kmPri.key) lists its signing pair only. A renewal is written beside the old certificate: the new
// pair takes the standard folder (where NPKI software looks first) and the old pair moves to a
// sibling folder named after its serial number, so that until the CA confirms the new certificate
// the old one is still there to use.

import { equalBytes } from "../../../../src/pki/bytes.ts";
import { parseCertificate } from "../../../../src/pki/certificate.ts";
import {
  npkiCertFileName,
  npkiFolderSegments,
  npkiKeyFileName,
  npkiRootName,
  npkiSafeSegment,
  npkiUserFolderName,
} from "../../../../src/pki/npki-folder.ts";
import { assertEntry, entryProblem } from "./check.ts";
import { CertStoreError, domErrorName, storageFailure } from "./errors.ts";
import type { CertificateEntry, CertificateStore, DamagedCertificate, StoredCertificate } from "./types.ts";

/** Chromium's permission calls on a handle; absent from TypeScript's DOM types and from OPFS in some browsers. */
interface PermissionHandle {
  queryPermission?(d: { mode: "read" | "readwrite" }): Promise<PermissionState>;
  requestPermission?(d: { mode: "read" | "readwrite" }): Promise<PermissionState>;
}

/** Directory iteration, which TypeScript's DOM library leaves out. */
type IterableDirectory = FileSystemDirectoryHandle & {
  values(): AsyncIterable<FileSystemHandle>;
};

async function* subfolders(dir: FileSystemDirectoryHandle): AsyncGenerator<FileSystemDirectoryHandle> {
  for await (const h of (dir as IterableDirectory).values()) {
    if (h.kind === "directory") yield h as FileSystemDirectoryHandle;
  }
}

async function fileOrUndefined(
  dir: FileSystemDirectoryHandle,
  name: string,
): Promise<Uint8Array | undefined> {
  try {
    const file = await (await dir.getFileHandle(name)).getFile();
    return new Uint8Array(await file.arrayBuffer());
  } catch (e) {
    if (domErrorName(e) === "NotFoundError" || domErrorName(e) === "TypeMismatchError") return undefined;
    throw storageFailure(e, `reading ${name}`);
  }
}

async function childOrUndefined(
  dir: FileSystemDirectoryHandle,
  name: string,
): Promise<FileSystemDirectoryHandle | undefined> {
  try {
    return await dir.getDirectoryHandle(name);
  } catch (e) {
    if (domErrorName(e) === "NotFoundError" || domErrorName(e) === "TypeMismatchError") return undefined;
    throw storageFailure(e, `opening ${name}`);
  }
}

async function writeFile(dir: FileSystemDirectoryHandle, name: string, bytes: Uint8Array): Promise<void> {
  // createWritable writes to a swap file and replaces the file on close: a failure leaves the old file.
  const writable = await (await dir.getFileHandle(name, { create: true })).createWritable();
  try {
    await writable.write(new Uint8Array(bytes));
    await writable.close();
  } catch (e) {
    await writable.abort().catch(() => undefined);
    throw e;
  }
}

/** A certificate's serial number in hex, for the name of the folder an older certificate moves to. */
function serialHex(certificate: Uint8Array): string {
  return parseCertificate(certificate).serialNumber.toLowerCase();
}

export class FolderCertificateStore implements CertificateStore {
  readonly kind = "folder" as const;
  readonly #base: FileSystemDirectoryHandle;

  /**
   * `base` is the folder the member picked: the NPKI folder itself (its name is "NPKI"), or a folder
   * (a USB stick's top) in which the NPKI folder is or will be made.
   */
  constructor(base: FileSystemDirectoryHandle) {
    this.#base = base;
  }

  /** Asks for read-write access where the browser asks (a picked folder); an origin-private one needs none. */
  async #allowWrite(): Promise<void> {
    const h = this.#base as FileSystemDirectoryHandle & PermissionHandle;
    if (!h.queryPermission || !h.requestPermission) return;
    const mode = { mode: "readwrite" } as const;
    if ((await h.queryPermission(mode)) === "granted") return;
    if ((await h.requestPermission(mode)) !== "granted") {
      throw new CertStoreError("folder_denied", "write access to the folder was not allowed");
    }
  }

  async #root(create: boolean): Promise<FileSystemDirectoryHandle | undefined> {
    if (this.#base.name === npkiRootName) return this.#base;
    if (create) return this.#base.getDirectoryHandle(npkiRootName, { create: true });
    return childOrUndefined(this.#base, npkiRootName);
  }

  async #readAll(): Promise<{ certificates: StoredCertificate[]; damaged: DamagedCertificate[] }> {
    const certificates: StoredCertificate[] = [];
    const damaged: DamagedCertificate[] = [];
    const root = await this.#root(false);
    if (!root) return { certificates, damaged };
    for await (const ca of subfolders(root)) {
      const user = await childOrUndefined(ca, npkiUserFolderName);
      if (!user) continue;
      for await (const subject of subfolders(user)) {
        const id = `${ca.name}/${subject.name}`;
        const certificate = await fileOrUndefined(subject, npkiCertFileName);
        const keyFile = await fileOrUndefined(subject, npkiKeyFileName);
        // A folder with neither signing file (a kmCert-only folder, an empty one) is not a certificate.
        if (!certificate && !keyFile) continue;
        const problem = entryProblem(certificate, keyFile);
        if (problem) damaged.push({ id, kind: this.kind, reason: problem });
        else certificates.push({ id, kind: this.kind, certificate: certificate!, keyFile: keyFile! });
      }
    }
    const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    return { certificates: certificates.sort(byId), damaged: damaged.sort(byId) };
  }

  async list(): Promise<StoredCertificate[]> {
    return (await this.#readAll()).certificates;
  }

  async damaged(): Promise<DamagedCertificate[]> {
    return (await this.#readAll()).damaged;
  }

  async #subjectFolder(id: string, create: boolean): Promise<FileSystemDirectoryHandle | undefined> {
    const [ca, subject, ...rest] = id.split("/");
    if (!ca || !subject || rest.length > 0) return undefined;
    const root = await this.#root(create);
    const caDir =
      root && (create ? await root.getDirectoryHandle(ca, { create }) : await childOrUndefined(root, ca));
    const user =
      caDir &&
      (create
        ? await caDir.getDirectoryHandle(npkiUserFolderName, { create })
        : await childOrUndefined(caDir, npkiUserFolderName));
    if (!user) return undefined;
    return create ? user.getDirectoryHandle(subject, { create }) : childOrUndefined(user, subject);
  }

  /**
   * Writes the pair into its standard folder. A different certificate already there (the one being
   * renewed, or an older one of the same name) first moves, whole, to `<subject>_<its serial>`.
   */
  async write(entry: CertificateEntry): Promise<StoredCertificate> {
    assertEntry(entry);
    try {
      await this.#allowWrite();
      const [, ca, , subject] = npkiFolderSegments(entry.certificate);
      const id = `${ca}/${subject}`;
      const dir = (await this.#subjectFolder(id, true))!;
      const oldCert = await fileOrUndefined(dir, npkiCertFileName);
      const oldKey = await fileOrUndefined(dir, npkiKeyFileName);
      if (oldCert && oldKey && !equalBytes(oldCert, entry.certificate) && !entryProblem(oldCert, oldKey)) {
        const aside = npkiSafeSegment(`${subject}_${serialHex(oldCert)}`);
        const backup = (await this.#subjectFolder(`${ca}/${aside}`, true))!;
        await writeFile(backup, npkiCertFileName, oldCert);
        await writeFile(backup, npkiKeyFileName, oldKey);
      }
      // The key file first: a certificate never stands in a folder without its key.
      await writeFile(dir, npkiKeyFileName, entry.keyFile);
      await writeFile(dir, npkiCertFileName, entry.certificate);
      return { id, kind: this.kind, certificate: entry.certificate, keyFile: entry.keyFile };
    } catch (e) {
      throw storageFailure(e, "writing the certificate folder");
    }
  }

  /** A renewal in a folder: the new pair is written and the old one kept beside it (see write). */
  async replace(id: string, entry: CertificateEntry): Promise<StoredCertificate> {
    const old = await this.#subjectFolder(id, false);
    if (!old || !(await fileOrUndefined(old, npkiCertFileName))) {
      throw new CertStoreError("not_found", "the certificate to replace is not in the folder", {
        subject: id,
      });
    }
    return this.write(entry);
  }

  /** Removes the signing pair (a kmCert/kmPri pair stays) and the folder when nothing else is in it. */
  async delete(id: string): Promise<void> {
    const dir = await this.#subjectFolder(id, false);
    if (!dir) throw new CertStoreError("not_found", "no certificate folder of that name", { subject: id });
    try {
      await this.#allowWrite();
      for (const name of [npkiCertFileName, npkiKeyFileName]) {
        await dir.removeEntry(name).catch((e: unknown) => {
          if (domErrorName(e) !== "NotFoundError") throw e;
        });
      }
      const [ca, subject] = id.split("/") as [string, string];
      let empty = true;
      for await (const _ of (dir as IterableDirectory).values()) empty = false;
      if (empty) {
        const user = await (await (await this.#root(false))!.getDirectoryHandle(ca)).getDirectoryHandle(
          npkiUserFolderName,
        );
        await user.removeEntry(subject);
      }
    } catch (e) {
      throw storageFailure(e, "deleting the certificate folder");
    }
  }
}
