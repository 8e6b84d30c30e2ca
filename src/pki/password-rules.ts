// The certificate password rules that Korean CAs apply since 2014 (DESIGN.md §4): at least 10
// characters of letters, digits and symbols; no ' " \ |; no character three times in a row; no
// three sequential characters. Rules return what is wrong, so a form can say all of it at once.
import { PkiError } from "./errors.ts";

export const certificatePasswordLengthMin = 10;
/** Ours: long enough for any passphrase people type, short enough to bound the KDF input. */
export const certificatePasswordLengthMax = 64;

export type CertificatePasswordViolation =
  | "too_short"
  | "too_long"
  | "needs_letter"
  | "needs_digit"
  | "needs_symbol"
  | "forbidden_character"
  | "repeated_characters"
  | "sequential_characters";

const forbidden = new Set(["'", '"', "\\", "|"]);

function isSequential(a: string, b: string, c: string): boolean {
  const x = a.toLowerCase().charCodeAt(0);
  const y = b.toLowerCase().charCodeAt(0);
  const z = c.toLowerCase().charCodeAt(0);
  const sameClass = /^[a-z]{3}$|^[0-9]{3}$/.test(`${a}${b}${c}`.toLowerCase());
  return sameClass && ((y === x + 1 && z === y + 1) || (y === x - 1 && z === y - 1));
}

export function checkCertificatePassword(password: string): CertificatePasswordViolation[] {
  const out: CertificatePasswordViolation[] = [];
  const chars = [...password];
  if (chars.length < certificatePasswordLengthMin) out.push("too_short");
  if (chars.length > certificatePasswordLengthMax) out.push("too_long");
  if (!/[A-Za-z]/.test(password)) out.push("needs_letter");
  if (!/[0-9]/.test(password)) out.push("needs_digit");
  if (!/[!-/:-@[-`{-~]/.test(password.replace(/['"\\|]/g, ""))) out.push("needs_symbol");
  // Only printable ASCII: NPKI software in the field encodes nothing else the same way.
  if (chars.some((c) => forbidden.has(c) || !/^[!-~]$/.test(c))) out.push("forbidden_character");
  let repeated = false;
  let sequential = false;
  for (let i = 2; i < chars.length; i++) {
    const [a, b, c] = [chars[i - 2]!, chars[i - 1]!, chars[i]!];
    if (a === b && b === c) repeated = true;
    if (isSequential(a, b, c)) sequential = true;
  }
  if (repeated) out.push("repeated_characters");
  if (sequential) out.push("sequential_characters");
  return out;
}

export function assertCertificatePassword(password: string): void {
  const violations = checkCertificatePassword(password);
  if (violations.length > 0) {
    throw new PkiError("weak_password", `the certificate password breaks: ${violations.join(", ")}`);
  }
}
