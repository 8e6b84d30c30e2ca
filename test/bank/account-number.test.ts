import { describe, expect, it } from "vitest";
import { formatAccountNumber, makeAccountNumber, parseAccountNumber } from "../../src/bank/account-number.ts";

describe("account numbers", () => {
  it("are 13 digits with a Luhn check digit, shown with dashes", () => {
    const n = makeAccountNumber("9002", 1234);
    expect(n).toMatch(/^900200001234\d$/);
    expect(formatAccountNumber(n)).toBe(`9002-0000-1234-${n[12]}`);
    expect(parseAccountNumber(formatAccountNumber(n))).toBe(n);
  });

  it("catch every single mistyped digit and every swap of neighbouring digits", () => {
    const n = makeAccountNumber("9002", 31_415_926);
    for (let i = 0; i < 13; i++) {
      for (let d = 0; d <= 9; d++) {
        if (String(d) === n[i]) continue;
        const typo = `${n.slice(0, i)}${d}${n.slice(i + 1)}`;
        expect(() => parseAccountNumber(typo), typo).toThrow(
          expect.objectContaining({ code: "bad_account_number" }),
        );
      }
    }
    for (let i = 0; i < 12; i++) {
      if (n[i] === n[i + 1] || `${n[i]}${n[i + 1]}` === "09" || `${n[i]}${n[i + 1]}` === "90") continue; // Luhn's known blind spot
      const swapped = `${n.slice(0, i)}${n[i + 1]}${n[i]}${n.slice(i + 2)}`;
      expect(() => parseAccountNumber(swapped), swapped).toThrow();
    }
  });

  it("refuses what is not 13 digits", () => {
    for (const bad of ["", "9002-0000-1234", "9002000012345678", "9002-0000-1234-X"]) {
      expect(() => parseAccountNumber(bad)).toThrow(expect.objectContaining({ code: "bad_account_number" }));
    }
  });
});
