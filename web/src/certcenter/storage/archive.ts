// Archives a member opens or downloads (DESIGN §4 Storage, §5): a .zip of an NPKI folder, read from
// a file input and offered as a download where the browser cannot write a folder; and a .pfx
// (PKCS#12, RFC 7292), which needs its password even to be read. The .zip is read by zip.ts with its
// limits and path checks; it may hold the NPKI tree from any level (NPKI/…, <CA>/USER/…, or the
// subject folder alone), and every folder in it holding signCert.der with signPri.key is a
// certificate (kmCert.der/kmPri.key beside them are not). Opened, a .zip is a store in memory: what
// is written into it is in the next download.
import { equalBytes } from "../../../../src/pki/bytes.ts";
import { parseCertificate } from "../../../../src/pki/certificate.ts";
import { decryptKeyFile, encryptKeyFile } from "../../../../src/pki/key-file.ts";
import {
  npkiCertFileName,
  npkiFolderSegments,
  npkiKeyFileName,
  npkiKmCertFileName,
  npkiKmKeyFileName,
} from "../../../../src/pki/npki-folder.ts";
import { readPkcs12 } from "../../../../src/pki/pkcs12.ts";
import { writePkcs12 } from "../../../../src/pki/pkcs12-write.ts";
import { browserKeyFileIterations } from "../keygen-job.ts";
import { assertEntry, entryProblem } from "./check.ts";
import { CertStoreError } from "./errors.ts";
import type { CertificateEntry, CertificateStore, DamagedCertificate, StoredCertificate } from "./types.ts";
import { readZip, writeZip, type ZipEntry } from "./zip.ts";

const lower = (s: string) => s.toLowerCase();
const signNames = new Set([npkiCertFileName, npkiKeyFileName].map(lower));
const kmNames = new Set([npkiKmCertFileName, npkiKmKeyFileName].map(lower));

function splitPath(path: string): { folder: string; file: string } {
  const i = path.lastIndexOf("/");
  return i < 0 ? { folder: "", file: path } : { folder: path.slice(0, i), file: path.slice(i + 1) };
}

/** Whether the path is signCert.der or signPri.key right in `folder`. */
function isSignFileOf(path: string, folder: string): boolean {
  const { folder: f, file } = splitPath(path);
  return f === folder && signNames.has(lower(file));
}

/** The certificates of a .zip: each folder with signCert.der and/or signPri.key, by folder path. */
function certificatesOf(entries: ZipEntry[]) {
  const folders = new Map<string, { certificate?: Uint8Array; keyFile?: Uint8Array }>();
  for (const e of entries) {
    const { folder, file } = splitPath(e.path);
    const name = lower(file);
    // kmCert.der/kmPri.key (the key-management pair) are not signing keys: never listed.
    if (kmNames.has(name) || !signNames.has(name)) continue;
    const pair = folders.get(folder) ?? {};
    if (name === lower(npkiCertFileName)) pair.certificate = e.data;
    else pair.keyFile = e.data;
    folders.set(folder, pair);
  }
  const certificates: StoredCertificate[] = [];
  const damaged: DamagedCertificate[] = [];
  for (const [folder, pair] of [...folders].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const id = folder;
    const problem = entryProblem(pair.certificate, pair.keyFile);
    if (problem) damaged.push({ id, kind: "archive", reason: problem });
    else certificates.push({ id, kind: "archive", certificate: pair.certificate!, keyFile: pair.keyFile! });
  }
  return { certificates, damaged };
}

/** The zip entries of an NPKI tree holding the pairs (NPKI/<CA>/USER/<subject>/…), folders included. */
export function npkiZipEntries(pairs: CertificateEntry[]): ZipEntry[] {
  const entries: ZipEntry[] = [];
  const folders = new Set<string>();
  for (const pair of pairs) {
    assertEntry(pair);
    const segments = npkiFolderSegments(pair.certificate);
    for (let i = 1; i <= segments.length; i++) {
      const folder = `${segments.slice(0, i).join("/")}/`;
      if (!folders.has(folder)) {
        folders.add(folder);
        entries.push({ path: folder, data: new Uint8Array(0) });
      }
    }
    const dir = segments.join("/");
    entries.push({ path: `${dir}/${npkiCertFileName}`, data: pair.certificate });
    entries.push({ path: `${dir}/${npkiKeyFileName}`, data: pair.keyFile });
  }
  return entries;
}

/** A .zip of the NPKI folder holding the pairs, to download (it unpacks to an NPKI folder). */
export function writeNpkiZip(pairs: CertificateEntry[], now: Date = new Date()): Uint8Array {
  return writeZip(npkiZipEntries(pairs), now);
}

/**
 * A .zip opened as a store in memory: `list` and `damaged` read it; `write`, `replace` and `delete`
 * change the copy in memory, and `toZip` is the file to download afterwards.
 */
export class ZipCertificateStore implements CertificateStore {
  readonly kind = "archive" as const;
  #entries: ZipEntry[];

  private constructor(entries: ZipEntry[]) {
    this.#entries = entries;
  }

  /** Reads a .zip: CertStoreError archive_malformed, archive_unsafe_path or archive_too_large. */
  static async open(zip: Uint8Array): Promise<ZipCertificateStore> {
    return new ZipCertificateStore(await readZip(zip));
  }

  static empty(): ZipCertificateStore {
    return new ZipCertificateStore([]);
  }

  async list(): Promise<StoredCertificate[]> {
    return certificatesOf(this.#entries).certificates;
  }

  async damaged(): Promise<DamagedCertificate[]> {
    return certificatesOf(this.#entries).damaged;
  }

  /**
   * Writes the pair into its NPKI folder in the archive. As in a folder (folder.ts), a different
   * certificate already there moves, whole, to `<subject>_<its serial>` beside it.
   */
  async write(entry: CertificateEntry): Promise<StoredCertificate> {
    const added = npkiZipEntries([entry]);
    const dir = npkiFolderSegments(entry.certificate).join("/");
    const cert = this.#entries.find(
      (e) => isSignFileOf(e.path, dir) && lower(splitPath(e.path).file) === lower(npkiCertFileName),
    );
    const key = this.#entries.find(
      (e) => isSignFileOf(e.path, dir) && lower(splitPath(e.path).file) === lower(npkiKeyFileName),
    );
    this.#entries = this.#entries.filter((e) => !isSignFileOf(e.path, dir));
    if (cert && key && !equalBytes(cert.data, entry.certificate) && !entryProblem(cert.data, key.data)) {
      const aside = `${dir}_${parseCertificate(cert.data).serialNumber.toLowerCase()}`;
      this.#entries = this.#entries.filter((e) => !isSignFileOf(e.path, aside));
      this.#entries.push(
        { path: `${aside}/`, data: new Uint8Array(0) },
        { path: `${aside}/${npkiCertFileName}`, data: cert.data },
        { path: `${aside}/${npkiKeyFileName}`, data: key.data },
      );
    }
    const paths = new Set(this.#entries.map((e) => e.path));
    this.#entries.push(...added.filter((e) => !paths.has(e.path)));
    return { id: dir, kind: this.kind, certificate: entry.certificate, keyFile: entry.keyFile };
  }

  async replace(id: string, entry: CertificateEntry): Promise<StoredCertificate> {
    await this.delete(id);
    return this.write(entry);
  }

  async delete(id: string): Promise<void> {
    const before = this.#entries.length;
    this.#entries = this.#entries.filter((e) => !isSignFileOf(e.path, id));
    if (this.#entries.length === before) {
      throw new CertStoreError("not_found", "no certificate folder of that name in the archive", {
        subject: id,
      });
    }
  }

  toZip(now: Date = new Date()): Uint8Array {
    return writeZip(this.#entries, now);
  }
}

export interface PfxContents {
  certificate: Uint8Array;
  /** PKCS#8, decrypted: only for the signer (imported non-extractable) or to write a key file. */
  privateKey: Uint8Array;
  /** The other certificates in the file (the CA chain). */
  caCertificates: Uint8Array[];
}

/**
 * Reads a .pfx with its password: PkiError bad_password for a wrong one, several_keys for a file
 * with more than one key (the member must not sign with a key chosen for them), CertStoreError
 * archive_empty for a file without a certificate of its key.
 */
export async function readPfx(pfx: Uint8Array, password: string): Promise<PfxContents> {
  const contents = await readPkcs12(pfx, password, globalThis.crypto, { severalKeys: "refuse" });
  const [certificate, ...caCertificates] = contents.certificates;
  if (!certificate) {
    contents.privateKey.fill(0);
    throw new CertStoreError("archive_empty", "the .pfx holds a key but no certificate");
  }
  return { certificate, privateKey: contents.privateKey, caCertificates };
}

/**
 * A .pfx made into the pair the other stores keep: the key file written under the same password
 * (PBES2, browserKeyFileIterations), R and every attribute carried over.
 */
export async function pfxToEntry(
  pfx: Uint8Array,
  password: string,
  options: { iterations?: number } = {},
): Promise<CertificateEntry> {
  const { certificate, privateKey } = await readPfx(pfx, password);
  try {
    const keyFile = await encryptKeyFile(privateKey, password, {
      prf: "sha1",
      cipher: "seed-cbc",
      iterations: options.iterations ?? browserKeyFileIterations,
    });
    return { certificate, keyFile };
  } finally {
    privateKey.fill(0);
  }
}

/**
 * A .pfx of a stored pair, under its certificate password (OpenSSL 3's default form: PBES2 with
 * AES-256-CBC, a SHA-256 MAC), with the CA certificates after the member's own when given.
 */
export async function writePfx(
  entry: CertificateEntry,
  password: string,
  options: { caCertificates?: Uint8Array[]; friendlyName?: string } = {},
): Promise<Uint8Array> {
  const { pkcs8 } = await decryptKeyFile(entry.keyFile, password);
  try {
    const others = (options.caCertificates ?? []).filter((c) => !equalBytes(c, entry.certificate));
    return await writePkcs12(
      {
        privateKey: pkcs8,
        certificates: [entry.certificate, ...others],
        ...(options.friendlyName === undefined ? {} : { friendlyName: options.friendlyName }),
      },
      password,
    );
  } finally {
    pkcs8.fill(0);
  }
}
