import { describe, expect, it } from "vitest";
import {
  newChallenge,
  newSecurityCard,
  type SecurityCard,
  securityCardCodes,
  verifyChallenge,
} from "../../src/bank/security-card.ts";

/** Code no. n is two digits of n then two of n + 50 (no. 7 is "0757"), so no two codes share a half. */
function handCard(): SecurityCard {
  const codes = Array.from({ length: 35 }, (_, i) => {
    const n = i + 1;
    return `${String(n).padStart(2, "0")}${n + 50}`;
  });
  return { serial: "0123456789", codes };
}

describe("newSecurityCard", () => {
  it("has a 10-digit serial and 35 codes of 4 digits", () => {
    expect(securityCardCodes).toBe(35);
    // Fifty cards hold codes and serials below 1000, so a lost leading zero would show.
    for (let i = 0; i < 50; i++) {
      const card = newSecurityCard();
      expect(card.serial).toMatch(/^[0-9]{10}$/);
      expect(card.codes).toHaveLength(35);
      for (const code of card.codes) expect(code).toMatch(/^[0-9]{4}$/);
    }
  });

  it("draws its codes at random", () => {
    const a = newSecurityCard();
    const b = newSecurityCard();
    expect(a.serial).not.toBe(b.serial);
    expect(a.codes).not.toEqual(b.codes);
    expect(new Set(a.codes).size).toBeGreaterThan(25);
  });

  it("answers its own challenges", () => {
    const card = newSecurityCard();
    const challenge = newChallenge();
    const answer = card.codes[challenge.first - 1]!.slice(0, 2) + card.codes[challenge.second - 1]!.slice(2);
    expect(verifyChallenge(card, challenge, answer)).toBe(true);
  });
});

describe("newChallenge", () => {
  it("names two distinct code numbers in 1..35, reaching every number in both places", () => {
    const firsts = new Set<number>();
    const seconds = new Set<number>();
    for (let i = 0; i < 3000; i++) {
      const { first, second } = newChallenge();
      expect(Number.isInteger(first) && first >= 1 && first <= 35).toBe(true);
      expect(Number.isInteger(second) && second >= 1 && second <= 35).toBe(true);
      expect(first).not.toBe(second);
      firsts.add(first);
      seconds.add(second);
    }
    // Each number is missed in 3000 draws with probability about (34/35)^3000, i.e. never.
    expect(firsts.size).toBe(35);
    expect(seconds.size).toBe(35);
  });
});

describe("verifyChallenge", () => {
  it("wants the FIRST two digits of code A and the LAST two of code B", () => {
    const card: SecurityCard = { serial: "0000000001", codes: Array.from({ length: 35 }, () => "0000") };
    card.codes[6] = "1234"; // code no. 7
    card.codes[21] = "5678"; // code no. 22
    const challenge = { first: 7, second: 22 };
    expect(verifyChallenge(card, challenge, "1278")).toBe(true);
    for (const wrong of ["3456", "1256", "3478", "5612", "7812", "1234", "5678", "0000", "1279"]) {
      expect(verifyChallenge(card, challenge, wrong), wrong).toBe(false);
    }
    expect(verifyChallenge(card, { first: 22, second: 7 }, "5634")).toBe(true);
    expect(verifyChallenge(card, { first: 22, second: 7 }, "1278")).toBe(false);
  });

  it("counts code numbers from 1, so no. 1 is the first code and no. 35 the last", () => {
    const card = handCard();
    expect(verifyChallenge(card, { first: 1, second: 35 }, "0185")).toBe(true);
    expect(verifyChallenge(card, { first: 35, second: 1 }, "3551")).toBe(true);
    expect(verifyChallenge(card, { first: 7, second: 22 }, "0772")).toBe(true);
    // What an off-by-one reading (no. n at index n) would have answered.
    expect(verifyChallenge(card, { first: 7, second: 22 }, "0873")).toBe(false);
  });

  it.each(["", "077", "07721", " 0772", "0772 ", "07 72", "07a2", "０７７２", "-772"])(
    "calls the malformed answer %j simply false",
    (answer) => {
      expect(verifyChallenge(handCard(), { first: 7, second: 22 }, answer)).toBe(false);
    },
  );

  it("throws on a challenge or card that our own code could not have made", () => {
    const card = handCard();
    for (const challenge of [
      { first: 7, second: 7 },
      { first: 0, second: 1 },
      { first: 1, second: 36 },
      { first: 1.5, second: 2 },
    ]) {
      expect(() => verifyChallenge(card, challenge, "0000"), JSON.stringify(challenge)).toThrow(RangeError);
    }
    expect(() =>
      verifyChallenge({ ...card, codes: card.codes.slice(1) }, { first: 1, second: 2 }, "0000"),
    ).toThrow(RangeError);
    expect(() =>
      verifyChallenge({ ...card, codes: [...card.codes.slice(1), "123"] }, { first: 1, second: 2 }, "0000"),
    ).toThrow(RangeError);
  });
});
