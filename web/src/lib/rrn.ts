// Resident registration numbers (주민등록번호) as a teller types them from the ID card:
// YYMMDD-SXXXXXX. Only the shape is checked (numbers issued since October 2020 have no check
// digit, DESIGN §3); the number never leaves the page except in the lookup request itself.

/** The digits typed so far, with the dash after the date shown as the card shows it. */
export function formatRrnInput(typed: string): string {
  const digits = typed.replace(/\D/g, "").slice(0, 13);
  return digits.length > 6 ? `${digits.slice(0, 6)}-${digits.slice(6)}` : digits;
}

export type RrnProblem = "empty" | "length" | "date";

export function checkRrn(typed: string): { digits: string } | { problem: RrnProblem } {
  const digits = typed.replace(/[\s-]/g, "");
  if (digits === "") return { problem: "empty" };
  if (!/^\d{13}$/.test(digits)) return { problem: "length" };
  const month = Number(digits.slice(2, 4));
  const day = Number(digits.slice(4, 6));
  if (month < 1 || month > 12 || day < 1 || day > 31) return { problem: "date" };
  return { digits };
}
