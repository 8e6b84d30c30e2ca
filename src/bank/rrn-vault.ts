// Resident registration numbers at rest: AES-256-GCM under a configured key, plus an HMAC-SHA256
// blind index under a second key so a number can be found without decrypting every row. Numbers
// are masked (900101-1******) on every read path and never logged (DESIGN.md §3).
import { createHmac } from "node:crypto";
import { BankError } from "./errors.ts";
import { seal, unseal } from "./seal.ts";

export interface RrnKeys {
  /** 32 bytes: the AES-256-GCM key for personal data and secrets at rest (seal.ts). */
  encryption: Uint8Array;
  /** 32 bytes: the HMAC key of the blind index. */
  index: Uint8Array;
}

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
  return seal(keys.encryption, "rrn", Buffer.from(digits, "ascii"));
}

export function decryptRrn(keys: RrnKeys, blob: Uint8Array): string {
  return Buffer.from(unseal(keys.encryption, "rrn", blob)).toString("ascii");
}
