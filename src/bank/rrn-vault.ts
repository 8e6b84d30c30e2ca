// Resident registration numbers at rest: AES-256-GCM under a configured key, plus an HMAC-SHA256
// blind index under a second key so a number can be found without decrypting every row. Numbers
// are masked (900101-1******) on every read path and never logged (DESIGN.md §3).
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
import { BankError } from "./errors.ts";

export interface RrnKeys {
  /** 32 bytes: the AES-256-GCM key. */
  encryption: Uint8Array;
  /** 32 bytes: the HMAC key of the blind index. */
  index: Uint8Array;
}

/** First byte of every ciphertext, so a later key or algorithm can be told apart. */
const formatVersion = 1;

/** The 13 digits; the dash people type is dropped. The old check digit is not checked. */
export function normalizeRrn(text: string): string {
  const digits = text.replace(/[\s-]/g, "");
  if (!/^\d{13}$/.test(digits)) throw new BankError("bad_rrn");
  return digits;
}

export function maskRrn(digits: string): string {
  return `${digits.slice(0, 6)}-${digits[6]}******`;
}

export function rrnIndex(keys: RrnKeys, digits: string): Uint8Array {
  return new Uint8Array(createHmac("sha256", keys.index).update(digits, "ascii").digest());
}

export function encryptRrn(keys: RrnKeys, digits: string): Uint8Array {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keys.encryption, iv);
  // The version byte is authenticated too, so it cannot be swapped.
  cipher.setAAD(Uint8Array.of(formatVersion));
  const body = Buffer.concat([cipher.update(digits, "ascii"), cipher.final()]);
  return new Uint8Array(Buffer.concat([Uint8Array.of(formatVersion), iv, body, cipher.getAuthTag()]));
}

export function decryptRrn(keys: RrnKeys, blob: Uint8Array): string {
  if (blob[0] !== formatVersion || blob.length < 1 + 12 + 16)
    throw new Error("unknown RRN ciphertext format");
  const iv = blob.subarray(1, 13);
  const tag = blob.subarray(blob.length - 16);
  const decipher = createDecipheriv("aes-256-gcm", keys.encryption, iv);
  decipher.setAAD(Uint8Array.of(formatVersion));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(blob.subarray(13, blob.length - 16)), decipher.final()]).toString(
    "ascii",
  );
}
