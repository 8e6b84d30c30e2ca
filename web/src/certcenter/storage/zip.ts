// A small ZIP reader and writer (PKWARE APPNOTE 6.3.10) for NPKI folders, which are a handful of
// files of a few kilobytes. Reading trusts nothing in the file: the central directory is read from
// the end record, entries are limited in number, declared size, total size and compression ratio,
// and every entry is inflated (DecompressionStream "deflate-raw", the browser's and Node's own)
// while its actual bytes are counted, so that a zip bomb that lies about its sizes is cut off at
// the limit, not after filling memory. A path that is absolute, has a drive letter, climbs out with
// "..", or is a symbolic link (Unix mode in the external attributes) is refused. Encrypted entries,
// ZIP64 and methods other than stored (0) and deflate (8) are refused. Writing uses stored entries
// (certificates and encrypted keys do not compress), names in UTF-8 (flag bit 11), CRC-32 checked.
// Why not a library: fflate (the small, well-kept choice) does not expose the external attributes
// that mark a symbolic link, and its inflate would have to be wrapped for the byte count anyway.
import { CertStoreError } from "./errors.ts";

export interface ZipLimits {
  /** The archive's own size. */
  archiveBytes: number;
  entries: number;
  /** Declared and actual uncompressed bytes of one entry. */
  entryBytes: number;
  /** Uncompressed bytes of all entries together. */
  totalBytes: number;
  /** Uncompressed / compressed, per entry (deflate manages about 1000:1 at best). */
  ratio: number;
}

/** Far above any NPKI folder (four files of under 4 KB per certificate), far below any harm. */
export const npkiZipLimits: ZipLimits = {
  archiveBytes: 4 * 1024 * 1024,
  entries: 256,
  entryBytes: 256 * 1024,
  totalBytes: 4 * 1024 * 1024,
  ratio: 100,
};

export interface ZipEntry {
  /** The path with "/" separators, as checked; folders end in "/". */
  path: string;
  data: Uint8Array;
}

const sigLocal = 0x04034b50;
const sigCentral = 0x02014b50;
const sigEnd = 0x06054b50;
const flagEncrypted = 0x0001;
const flagUtf8 = 0x0800;
const hostUnix = 3;
const modeTypeMask = 0o170000;
const modeSymlink = 0o120000;

function malformed(message: string): CertStoreError {
  return new CertStoreError("archive_malformed", message);
}

function tooLarge(message: string, subject?: string): CertStoreError {
  return new CertStoreError("archive_too_large", message, subject === undefined ? undefined : { subject });
}

const crcTable = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * The name as text: UTF-8 when flag 11 says so or when it is valid UTF-8 (macOS and Linux zip
 * tools leave the flag out); else CP949, as Windows' own zip folders in Korean write it.
 */
function decodeName(bytes: Uint8Array, utf8Flag: boolean): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    if (utf8Flag) throw malformed("an entry name is not valid UTF-8");
    return new TextDecoder("euc-kr").decode(bytes);
  }
}

/** The path made safe, or a refusal: no absolute path, drive letter, "..", or empty/odd segment. */
export function checkedPath(name: string): string {
  const path = name.replaceAll("\\", "/");
  const unsafe = (why: string) =>
    new CertStoreError("archive_unsafe_path", `an entry's path ${why}`, { subject: name });
  if (path.startsWith("/")) throw unsafe("is absolute");
  if (/^[A-Za-z]:/.test(path)) throw unsafe("names a drive");
  if (path.includes("\0")) throw unsafe("holds a NUL");
  const segments = path.split("/");
  const isFolder = path.endsWith("/");
  if (isFolder) segments.pop();
  for (const s of segments) {
    if (s === "..") throw unsafe("leaves its folder");
    if (s === "" || s === ".") throw unsafe("has an empty segment");
  }
  return path;
}

interface CentralEntry {
  path: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

function findEnd(view: DataView): number {
  // The end record is 22 bytes plus a comment of at most 65,535.
  const lowest = Math.max(0, view.byteLength - 22 - 0xffff);
  for (let i = view.byteLength - 22; i >= lowest; i--) {
    if (view.getUint32(i, true) === sigEnd) return i;
  }
  throw malformed("not a zip file (no end of central directory record)");
}

function readCentral(bytes: Uint8Array, limits: ZipLimits): CentralEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = findEnd(view);
  if (view.getUint16(end + 4, true) !== 0 || view.getUint16(end + 6, true) !== 0) {
    throw malformed("a zip split over several disks");
  }
  const count = view.getUint16(end + 10, true);
  const cdSize = view.getUint32(end + 12, true);
  const cdOffset = view.getUint32(end + 16, true);
  if (count === 0xffff || cdOffset === 0xffffffff) throw tooLarge("a ZIP64 archive");
  if (count > limits.entries) throw tooLarge(`${count} entries (at most ${limits.entries})`);
  if (cdOffset + cdSize > end) throw malformed("the central directory lies outside the file");
  const entries: CentralEntry[] = [];
  const seen = new Set<string>();
  let total = 0;
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > end || view.getUint32(p, true) !== sigCentral)
      throw malformed("a damaged central directory");
    const madeBy = view.getUint16(p + 4, true);
    const flags = view.getUint16(p + 8, true);
    const method = view.getUint16(p + 10, true);
    const crc = view.getUint32(p + 16, true);
    const compressedSize = view.getUint32(p + 20, true);
    const size = view.getUint32(p + 24, true);
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    const external = view.getUint32(p + 38, true);
    const localOffset = view.getUint32(p + 42, true);
    if (p + 46 + nameLength > end) throw malformed("a damaged central directory");
    const name = decodeName(bytes.subarray(p + 46, p + 46 + nameLength), (flags & flagUtf8) !== 0);
    const path = checkedPath(name);
    if (madeBy >> 8 === hostUnix && ((external >>> 16) & modeTypeMask) === modeSymlink) {
      throw new CertStoreError("archive_unsafe_path", "an entry is a symbolic link", { subject: name });
    }
    if (flags & flagEncrypted) throw malformed("an encrypted entry");
    if (size === 0xffffffff || compressedSize === 0xffffffff || localOffset === 0xffffffff) {
      throw tooLarge("a ZIP64 entry", name);
    }
    if (method !== 0 && method !== 8) throw malformed(`compression method ${method}`);
    if (size > limits.entryBytes) throw tooLarge(`an entry of ${size} bytes`, name);
    if (size > Math.max(compressedSize, 1) * limits.ratio)
      throw tooLarge("an entry compressed beyond reason", name);
    if (method === 0 && size !== compressedSize) throw malformed("a stored entry whose sizes differ");
    total += size;
    if (total > limits.totalBytes) throw tooLarge(`more than ${limits.totalBytes} bytes in all`);
    if (seen.has(path)) throw malformed(`the entry ${path} is there twice`);
    seen.add(path);
    entries.push({ path, method, crc, compressedSize, size, localOffset });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Inflates raw deflate, counting the output and stopping past `max` bytes. */
async function inflateRaw(data: Uint8Array, max: number, path: string): Promise<Uint8Array> {
  const stream = new Blob([new Uint8Array(data)])
    .stream()
    .pipeThrough(new DecompressionStream("deflate-raw"));
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      length += value.length;
      if (length > max) {
        await reader.cancel();
        throw tooLarge("an entry inflates to more than it declares", path);
      }
      parts.push(value);
    }
  } catch (e) {
    if (e instanceof CertStoreError) throw e;
    throw malformed(`an entry does not inflate: ${path}`);
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Every entry of the archive (folders with empty data), checked as the header comment says. */
export async function readZip(bytes: Uint8Array, limits: ZipLimits = npkiZipLimits): Promise<ZipEntry[]> {
  if (bytes.length > limits.archiveBytes) throw tooLarge(`an archive of ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: ZipEntry[] = [];
  for (const e of readCentral(bytes, limits)) {
    const p = e.localOffset;
    if (p + 30 > bytes.length || view.getUint32(p, true) !== sigLocal) {
      throw malformed(`a damaged local header: ${e.path}`);
    }
    const start = p + 30 + view.getUint16(p + 26, true) + view.getUint16(p + 28, true);
    if (start + e.compressedSize > bytes.length) throw malformed(`a truncated entry: ${e.path}`);
    const raw = bytes.subarray(start, start + e.compressedSize);
    const data = e.method === 0 ? raw.slice() : await inflateRaw(raw, e.size, e.path);
    if (data.length !== e.size) throw malformed(`an entry whose size is not the one declared: ${e.path}`);
    if (crc32(data) !== e.crc) throw malformed(`an entry whose CRC-32 does not match: ${e.path}`);
    out.push({ path: e.path, data });
  }
  return out;
}

/** MS-DOS date and time (APPNOTE 4.4.6), local time as zip tools show it. */
function dosDateTime(d: Date): { time: number; date: number } {
  const year = Math.max(1980, d.getFullYear());
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

/** A zip of the entries, stored (method 0); paths are checked as a reader would check them. */
export function writeZip(entries: ZipEntry[], now: Date = new Date()): Uint8Array {
  const { time, date } = dosDateTime(now);
  const encoder = new TextEncoder();
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const path = checkedPath(entry.path);
    const name = encoder.encode(path);
    const isFolder = path.endsWith("/");
    const data = isFolder ? new Uint8Array(0) : entry.data;
    const crc = crc32(data);
    const local = new Uint8Array(30 + name.length + data.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, sigLocal, true);
    lv.setUint16(4, 20, true); // version needed: 2.0
    lv.setUint16(6, flagUtf8, true);
    lv.setUint16(8, 0, true); // stored
    lv.setUint16(10, time, true);
    lv.setUint16(12, date, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, data.length, true);
    lv.setUint32(22, data.length, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    local.set(data, 30 + name.length);
    const central = new Uint8Array(46 + name.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, sigCentral, true);
    cv.setUint16(4, (hostUnix << 8) | 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(8, flagUtf8, true);
    cv.setUint16(12, time, true);
    cv.setUint16(14, date, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, data.length, true);
    cv.setUint32(24, data.length, true);
    cv.setUint16(28, name.length, true);
    // Unix mode: rw for the owner only on files (a key file), rwx on folders; MS-DOS folder bit too.
    cv.setUint32(38, isFolder ? ((0o040700 << 16) | 0x10) >>> 0 : (0o100600 << 16) >>> 0, true);
    cv.setUint32(42, offset, true);
    central.set(name, 46);
    locals.push(local);
    centrals.push(central);
    offset += local.length;
  }
  const cdSize = centrals.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, sigEnd, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  const out = new Uint8Array(offset + cdSize + end.length);
  let at = 0;
  for (const part of [...locals, ...centrals, end]) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
