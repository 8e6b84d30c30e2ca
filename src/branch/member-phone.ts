// A member's phone as the counter takes it, at registration and at a details change: one rule for
// both. The phone is where the bank's SMS go (a certificate reissue's one-time code, the notice that
// a contact changed, DESIGN §4), and the console calls the field 휴대폰, so only a Korean mobile
// number is taken: 010 with 8 digits, or the older 011 and 016–019 with 7 or 8 that some members
// still have. A landline or an 070 number cannot receive those messages.
import { TellerError } from "../auth/teller-errors.ts";

/** A Korean number, any kind, written 010-1234-5678 (+82 read as the leading 0); undefined if not one. */
export function formatKoreanPhone(input: string): string | undefined {
  let d = input.trim().replace(/[\s.()-]/g, "");
  if (d.startsWith("+82")) d = `0${d.slice(3).replace(/^0/, "")}`;
  const m =
    /^(010)(\d{4})(\d{4})$/.exec(d) ??
    /^(01[16-9])(\d{3,4})(\d{4})$/.exec(d) ??
    /^(02)(\d{3,4})(\d{4})$/.exec(d) ??
    /^(0(?:3[1-3]|4[1-4]|5[1-5]|6[1-4]|70))(\d{3,4})(\d{4})$/.exec(d);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

/** Whether a number as formatKoreanPhone writes it is a mobile's (010, 011, 016–019). */
export function isMobilePhone(formatted: string): boolean {
  return /^01[016-9]-/.test(formatted);
}

/** The member's new phone, as 010-1234-5678; anything but a Korean mobile number is bad_phone. */
export function normalizeMemberPhone(input: string): string {
  const phone = formatKoreanPhone(input);
  if (phone === undefined || !isMobilePhone(phone)) throw new TellerError("bad_phone");
  return phone;
}
