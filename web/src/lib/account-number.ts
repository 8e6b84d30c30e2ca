// Account numbers as the bank writes them (13 digits: cooperative code, serial, Luhn check digit;
// shown 9002-1234-5678-9), checked here with the server's rule so a mistyped digit is caught
// before anything is sent.

function luhnDigit(payload: string): number {
  let sum = 0;
  for (let i = 0; i < payload.length; i++) {
    let d = payload.charCodeAt(payload.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export type AccountNumberProblem = "empty" | "length" | "check_digit";

/** The 13 digits of a number typed with or without dashes and spaces, or what is wrong with it. */
export function checkAccountNumber(typed: string): { digits: string } | { problem: AccountNumberProblem } {
  const digits = typed.replace(/[\s-]/g, "");
  if (digits === "") return { problem: "empty" };
  if (!/^\d{13}$/.test(digits)) return { problem: "length" };
  if (luhnDigit(digits.slice(0, 12)) !== Number(digits[12])) return { problem: "check_digit" };
  return { digits };
}

/** "9002123456789" → "9002-1234-5678-9"; anything else is returned as it came. */
export function formatAccountNumber(text: string): string {
  const digits = text.replace(/[\s-]/g, "");
  if (!/^\d{13}$/.test(digits)) return text;
  return `${digits.slice(0, 4)}-${digits.slice(4, 8)}-${digits.slice(8, 12)}-${digits.slice(12)}`;
}
