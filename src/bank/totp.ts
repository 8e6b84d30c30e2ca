// The OTP medium of DESIGN.md §3: HOTP (RFC 4226 §5, HMAC-SHA1 with dynamic truncation) over the
// 30-second time steps of TOTP (RFC 6238 §4), with the RFC 4648 §6 base32 and otpauth URI that apps read.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const totpDigits = 6;
export const totpStepSeconds = 30;

/** RFC 4226 §4 R6: a shared secret of fewer than 128 bits is not allowed. */
const secretBytesMin = 16;
/** 160 bits, the length RFC 4226 §4 recommends and the size of an HMAC-SHA1 output. */
const secretBytesNew = 20;
/** Clocks drift by seconds, not minutes; every step of the window is one more code a guess can hit. */
const windowStepsMax = 10;

const codePattern = new RegExp(`^[0-9]{${totpDigits}}$`);

export type TotpVerification =
  | { ok: true; step: number }
  | { ok: false; reason: "wrong_code" | "replayed" | "malformed" };

export function newTotpSecret(): Uint8Array {
  return new Uint8Array(randomBytes(secretBytesNew));
}

function assertSecret(secret: Uint8Array): void {
  if (secret.length < secretBytesMin) {
    throw new RangeError(`a TOTP secret has at least ${secretBytesMin} bytes, got ${secret.length}`);
  }
}

/** The RFC 4226 code for one counter value; TOTP feeds it the time step. */
export function hotpCode(secret: Uint8Array, counter: number): string {
  assertSecret(secret);
  if (!Number.isSafeInteger(counter) || counter < 0) throw new RangeError(`bad HOTP counter ${counter}`);
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac("sha1", secret).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  // The top bit is masked so the number reads the same whether a platform treats it as signed
  // or unsigned (RFC 4226 §5.3).
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** totpDigits).padStart(totpDigits, "0");
}

function stepAt(at: Date): number {
  const ms = at.getTime();
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError("TOTP time must be a valid date after 1970");
  return Math.floor(ms / (1000 * totpStepSeconds));
}

export function totpCode(secret: Uint8Array, at: Date): string {
  return hotpCode(secret, stepAt(at));
}

/**
 * Checks a code against the steps within `window` of `at` (RFC 6238 §5.2 allows for clock drift
 * and the time the member takes to type). A step at or before `lastUsedStep` was already spent,
 * so its code is refused as replayed; the caller stores the returned step as the new one.
 */
export function verifyTotp(options: {
  secret: Uint8Array;
  code: string;
  at: Date;
  window?: number;
  lastUsedStep?: number;
}): TotpVerification {
  const { secret, code, at, window = 1, lastUsedStep } = options;
  assertSecret(secret);
  if (!Number.isInteger(window) || window < 0 || window > windowStepsMax) {
    throw new RangeError(`TOTP window is 0..${windowStepsMax} steps, got ${window}`);
  }
  if (lastUsedStep !== undefined && !Number.isSafeInteger(lastUsedStep)) {
    throw new RangeError(`bad last used step ${lastUsedStep}`);
  }
  const current = stepAt(at);
  if (!codePattern.test(code)) return { ok: false, reason: "malformed" };
  const given = Buffer.from(code, "ascii");

  let accepted: number | undefined;
  let replayed = false;
  // Nearest steps first, so that if two steps happen to share a code the one the clock names wins.
  // Every step is computed and compared, so the time taken does not tell which one matched.
  const offsets = [0];
  for (let d = 1; d <= window; d++) offsets.push(-d, d);
  for (const offset of offsets) {
    const step = current + offset;
    if (step < 0) continue;
    if (!timingSafeEqual(Buffer.from(hotpCode(secret, step), "ascii"), given)) continue;
    if (lastUsedStep !== undefined && step <= lastUsedStep) replayed = true;
    else accepted ??= step;
  }
  if (accepted !== undefined) return { ok: true, step: accepted };
  return { ok: false, reason: replayed ? "replayed" : "wrong_code" };
}

const base32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/**
 * RFC 4648 §6 base32 without the trailing "=": authenticator apps and the otpauth URI format
 * want it omitted (RFC 4648 §3.2 lets a referring format do so), and people typing a key by hand
 * are spared characters that carry nothing.
 */
export function base32Encode(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += base32Alphabet[(buffer >>> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += base32Alphabet[(buffer << (5 - bits)) & 31];
  return out;
}

/**
 * Decodes RFC 4648 §6 base32, with or without padding, in either case. Input that no encoder
 * writes (a bad length, stray padding, non-zero leftover bits; RFC 4648 §3.5) is refused: in a
 * key typed by hand it means a typo, and accepting it would give two spellings for one secret.
 */
export function base32Decode(text: string): Uint8Array {
  // Checked before upper-casing, which would turn "ſ" into "S" and "ı" into "I".
  if (!/^[A-Za-z2-7]*=*$/.test(text)) throw new TypeError("base32 text has a character outside A-Z, 2-7");
  const body = text.replace(/=+$/, "");
  if (body.length !== text.length && text.length !== Math.ceil(body.length / 8) * 8) {
    throw new TypeError("base32 padding does not fill the last 8-character group");
  }
  if ([1, 3, 6].includes(body.length % 8)) throw new TypeError("base32 text has an impossible length");
  const out = new Uint8Array(Math.floor((body.length * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let index = 0;
  for (const char of body.toUpperCase()) {
    buffer = (buffer << 5) | base32Alphabet.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[index++] = (buffer >>> bits) & 0xff;
    }
    buffer &= (1 << bits) - 1;
  }
  if (buffer !== 0) throw new TypeError("base32 text has non-zero bits after the last byte");
  return out;
}

/**
 * The otpauth://totp URI an authenticator app reads from a QR code (Google's Key Uri Format).
 * Both label parts and the issuer parameter are percent-encoded as UTF-8, so a Korean
 * cooperative name arrives intact; neither part may hold a colon, which separates them.
 */
export function totpUri(options: { secret: Uint8Array; account: string; issuer: string }): string {
  const { secret, account, issuer } = options;
  assertSecret(secret);
  for (const [name, value] of [
    ["issuer", issuer],
    ["account", account],
  ] as const) {
    if (value === "" || value.includes(":"))
      throw new TypeError(`TOTP ${name} must be non-empty without ":"`);
  }
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const query = [
    `secret=${base32Encode(secret)}`,
    `issuer=${encodeURIComponent(issuer)}`,
    "algorithm=SHA1",
    `digits=${totpDigits}`,
    `period=${totpStepSeconds}`,
  ].join("&");
  return `otpauth://totp/${label}?${query}`;
}
