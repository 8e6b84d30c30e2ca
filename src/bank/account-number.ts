// Account numbers: 13 digits, the cooperative's 4-digit code, an 8-digit serial and a Luhn check
// digit, shown as 9002-1234-5678-9. The check digit catches a mistyped digit or a swapped pair
// before a transfer goes to the wrong account.
import { BankError } from "./errors.ts";

function luhnDigit(payload: string): number {
  let sum = 0;
  for (let i = 0; i < payload.length; i++) {
    // Double every second digit counting from the right of the payload (the check digit's left).
    let d = payload.charCodeAt(payload.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export function makeAccountNumber(cooperativeCode: string, serial: number): string {
  if (!/^\d{4}$/.test(cooperativeCode)) throw new TypeError("cooperative code is 4 digits");
  if (!Number.isInteger(serial) || serial < 0 || serial > 99_999_999)
    throw new TypeError("serial out of range");
  const payload = `${cooperativeCode}${String(serial).padStart(8, "0")}`;
  return `${payload}${luhnDigit(payload)}`;
}

/** The 13 digits of a number typed with or without dashes and spaces; bad_account_number otherwise. */
export function parseAccountNumber(text: string): string {
  const digits = text.replace(/[\s-]/g, "");
  if (!/^\d{13}$/.test(digits) || luhnDigit(digits.slice(0, 12)) !== Number(digits[12])) {
    throw new BankError("bad_account_number");
  }
  return digits;
}

export function cooperativeCodeOf(accountNumber: string): string {
  return accountNumber.slice(0, 4);
}

export function formatAccountNumber(digits: string): string {
  return `${digits.slice(0, 4)}-${digits.slice(4, 8)}-${digits.slice(8, 12)}-${digits.slice(12)}`;
}
