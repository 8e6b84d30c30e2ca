// The login password rules (DESIGN.md §3): 8–20 printable ASCII characters with letters,
// digits and symbols; not containing the user ID; no character three times in a row; no three
// sequential letters or digits (abc, 123, cba). Returns every rule broken, so a form can say all.
import { AuthError } from "./errors.ts";

export const loginPasswordLengthMin = 8;
export const loginPasswordLengthMax = 20;

export const loginPasswordViolations = [
  "too_short",
  "too_long",
  "needs_letter",
  "needs_digit",
  "needs_symbol",
  "forbidden_character",
  "contains_user_id",
  "repeated_characters",
  "sequential_characters",
  "same_as_current",
] as const;

export type LoginPasswordViolation = (typeof loginPasswordViolations)[number];

function isSequential(a: string, b: string, c: string): boolean {
  const s = `${a}${b}${c}`.toLowerCase();
  if (!/^[a-z]{3}$|^[0-9]{3}$/.test(s)) return false;
  const [x, y, z] = [s.charCodeAt(0), s.charCodeAt(1), s.charCodeAt(2)];
  return (y === x + 1 && z === y + 1) || (y === x - 1 && z === y - 1);
}

export function checkLoginPassword(password: string, userId: string): LoginPasswordViolation[] {
  const out: LoginPasswordViolation[] = [];
  const chars = [...password];
  if (chars.length < loginPasswordLengthMin) out.push("too_short");
  if (chars.length > loginPasswordLengthMax) out.push("too_long");
  if (!/[A-Za-z]/.test(password)) out.push("needs_letter");
  if (!/[0-9]/.test(password)) out.push("needs_digit");
  if (!/[!-/:-@[-`{-~]/.test(password)) out.push("needs_symbol");
  // Printable ASCII only: no spaces, no Hangul typed with the IME left on by mistake.
  if (chars.some((c) => !/^[!-~]$/.test(c))) out.push("forbidden_character");
  if (userId.length > 0 && password.toLowerCase().includes(userId.toLowerCase()))
    out.push("contains_user_id");
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

export function assertLoginPassword(password: string, userId: string): void {
  const rules = checkLoginPassword(password, userId);
  if (rules.length > 0) throw new AuthError("weak_password", { rules });
}
