// Won amounts as the API sends them (decimal strings of integer won), formatted with BigInt so no
// amount is ever rounded through a float: "1,000,000원" and the Korean unit form "100만원".

const units: readonly [bigint, string][] = [
  [10n ** 16n, "경"],
  [10n ** 12n, "조"],
  [10n ** 8n, "억"],
  [10n ** 4n, "만"],
];

/** A decimal string of integer won (optionally negative) as a BigInt; null when it is not one. */
export function parseWon(text: string): bigint | null {
  const t = text.trim();
  if (!/^-?\d+$/.test(t)) return null;
  return BigInt(t);
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** 1234567 → "1,234,567" (sign kept). */
export function formatNumber(amount: bigint | string): string {
  const n = typeof amount === "bigint" ? amount : parseWon(amount);
  if (n === null) return String(amount);
  const negative = n < 0n;
  const digits = (negative ? -n : n).toString();
  return `${negative ? "-" : ""}${groupThousands(digits)}`;
}

/** 1000000 → "1,000,000원"; in English "KRW 1,000,000". */
export function formatWon(amount: bigint | string, lang: "ko" | "en" = "ko"): string {
  const text = formatNumber(amount);
  return lang === "ko" ? `${text}원` : `KRW ${text}`;
}

/**
 * The Korean unit form: 1000000 → "100만원", 123456789 → "1억 2,345만 6,789원", 0 → "0원".
 * Each group below 10,000 keeps its thousands comma, as bank screens show it.
 */
export function formatWonUnits(amount: bigint | string): string {
  const n = typeof amount === "bigint" ? amount : parseWon(amount);
  if (n === null) return String(amount);
  if (n === 0n) return "0원";
  const negative = n < 0n;
  let rest = negative ? -n : n;
  const parts: string[] = [];
  for (const [size, name] of units) {
    const count = rest / size;
    if (count > 0n) {
      parts.push(`${groupThousands(count.toString())}${name}`);
      rest %= size;
    }
  }
  if (rest > 0n) parts.push(groupThousands(rest.toString()));
  return `${negative ? "-" : ""}${parts.join(" ")}원`;
}

/**
 * What a member types into an amount field, reduced to its digits ("1,000,000원" → "1000000"),
 * without leading zeros; "" when there are no digits.
 */
export function amountDigits(typed: string): string {
  const digits = typed.replace(/\D/g, "").replace(/^0+(?=\d)/, "");
  return digits === "0" ? "" : digits;
}

/** Adds won to an amount held as digits ("" is zero). */
export function addWon(digits: string, add: bigint): string {
  const sum = (digits === "" ? 0n : BigInt(digits)) + add;
  return sum <= 0n ? "" : sum.toString();
}
