// The login password rules of DESIGN §3, checked as the member types so the list of
// rules on the registration page ticks live. The server applies the same rules again.

export const passwordRules = [
  "length",
  "characters",
  "letter",
  "digit",
  "symbol",
  "not_user_id",
  "no_repeat",
  "no_sequence",
] as const;

export type PasswordRule = (typeof passwordRules)[number];

export const passwordLength = { min: 8, max: 20 } as const;

/** Printable ASCII without the space: a password typed with the Korean IME on fails here. */
const printable = /^[\x21-\x7e]*$/;

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 122);
}

/** Three characters in a row that are the same (aaa, 111). */
export function hasRepeat(password: string): boolean {
  for (let i = 2; i < password.length; i++) {
    if (password[i] === password[i - 1] && password[i] === password[i - 2]) return true;
  }
  return false;
}

/** Three letters or digits in a row that run up or down (abc, CBA, 123, 987), case ignored. */
export function hasSequence(password: string): boolean {
  for (let i = 2; i < password.length; i++) {
    const a = lower(password.charCodeAt(i - 2));
    const b = lower(password.charCodeAt(i - 1));
    const c = lower(password.charCodeAt(i));
    if (!isAlnum(a) || !isAlnum(b) || !isAlnum(c)) continue;
    const sameKind = (x: number, y: number) => x <= 57 === y <= 57;
    if (!sameKind(a, b) || !sameKind(b, c)) continue;
    if ((b - a === 1 && c - b === 1) || (a - b === 1 && b - c === 1)) return true;
  }
  return false;
}

/** Each rule and whether the password keeps it (the user ID rule passes when no ID is known). */
export function checkPassword(password: string, userId: string): Record<PasswordRule, boolean> {
  const id = userId.trim().toLowerCase();
  return {
    length: [...password].length >= passwordLength.min && [...password].length <= passwordLength.max,
    characters: printable.test(password),
    letter: /[A-Za-z]/.test(password),
    digit: /[0-9]/.test(password),
    symbol: /[\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]/.test(password),
    not_user_id: id === "" || !password.toLowerCase().includes(id),
    no_repeat: password !== "" && !hasRepeat(password),
    no_sequence: password !== "" && !hasSequence(password),
  };
}

/** The rules the password breaks, in the order they are listed. */
export function brokenPasswordRules(password: string, userId: string): PasswordRule[] {
  const result = checkPassword(password, userId);
  return passwordRules.filter((rule) => !result[rule]);
}
