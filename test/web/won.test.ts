// The won formatting of the web app (web/src/lib/won.ts): thousands commas and the Korean unit
// form, exact for amounts no float can hold.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addWon,
  amountDigits,
  formatNumber,
  formatWon,
  formatWonUnits,
  parseWon,
} from "../../web/src/lib/won.ts";

describe("formatWon", () => {
  it("groups thousands and adds 원 (or KRW in English)", () => {
    expect(formatWon("1000000")).toBe("1,000,000원");
    expect(formatWon("0")).toBe("0원");
    expect(formatWon("999")).toBe("999원");
    expect(formatWon("1000")).toBe("1,000원");
    expect(formatWon("-52000")).toBe("-52,000원");
    expect(formatWon(1234567n, "en")).toBe("KRW 1,234,567");
  });

  it("keeps every digit of amounts beyond 2^53", () => {
    expect(formatNumber("9007199254740993")).toBe("9,007,199,254,740,993");
    expect(formatNumber("9223372036854775807")).toBe("9,223,372,036,854,775,807");
  });

  it("leaves what is not an amount as it came", () => {
    expect(formatNumber("12a")).toBe("12a");
    expect(parseWon("1.5")).toBeNull();
    expect(parseWon(" 42 ")).toBe(42n);
  });
});

describe("formatWonUnits", () => {
  it("writes 만, 억 and 조 as bank screens do", () => {
    expect(formatWonUnits("1000000")).toBe("100만원");
    expect(formatWonUnits("10000")).toBe("1만원");
    expect(formatWonUnits("9999")).toBe("9,999원");
    expect(formatWonUnits("50000000")).toBe("5,000만원");
    expect(formatWonUnits("100000000")).toBe("1억원");
    expect(formatWonUnits("123456789")).toBe("1억 2,345만 6,789원");
    expect(formatWonUnits("500000000")).toBe("5억원");
    expect(formatWonUnits("1000000000000")).toBe("1조원");
    expect(formatWonUnits("1200000050000")).toBe("1조 2,000억 5만원");
    expect(formatWonUnits("0")).toBe("0원");
    expect(formatWonUnits("-30000")).toBe("-3만원");
  });

  it("reads back to the same amount for any amount", () => {
    const unit: Record<string, bigint> = { 경: 10n ** 16n, 조: 10n ** 12n, 억: 10n ** 8n, 만: 10n ** 4n };
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 19n }), (n) => {
        const text = formatWonUnits(n);
        expect(text.endsWith("원")).toBe(true);
        let sum = 0n;
        for (const part of text.slice(0, -1).split(" ")) {
          const m = /^([\d,]+)(경|조|억|만)?$/.exec(part);
          expect(m, text).not.toBeNull();
          const value = BigInt(m![1]!.replaceAll(",", ""));
          // Each group is below 10,000 (except the largest unit's), so no group could be written larger.
          if (m![2] !== "경") expect(value < 10_000n, text).toBe(true);
          sum += value * (m![2] ? unit[m![2]]! : 1n);
        }
        expect(sum).toBe(n);
      }),
    );
  });
});

describe("amount input", () => {
  it("keeps only the digits of what is typed, without leading zeros", () => {
    expect(amountDigits("1,000,000원")).toBe("1000000");
    expect(amountDigits("00120")).toBe("120");
    expect(amountDigits("0")).toBe("");
    expect(amountDigits("abc")).toBe("");
    expect(amountDigits("-5")).toBe("5");
  });

  it("adds the quick amounts exactly", () => {
    expect(addWon("", 10_000n)).toBe("10000");
    expect(addWon("9007199254740993", 1_000_000n)).toBe("9007199255740993");
  });
});
