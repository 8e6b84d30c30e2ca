// The security card (보안카드) medium of DESIGN.md §3: 35 numbered 4-digit codes printed on a card.
// A challenge asks for the first two digits of one code and the last two of another.
import { randomInt, timingSafeEqual } from "node:crypto";

export const securityCardCodes = 35;
const serialDigits = 10;
const codeDigits = 4;

export interface SecurityCard {
  /** 10 digits, printed on the card so a teller can tell which card a member holds. */
  serial: string;
  /** Length 35; index 0 is code no. 1. */
  codes: string[];
}

/** Two distinct code numbers, each 1..35. */
export interface SecurityCardChallenge {
  first: number;
  second: number;
}

function randomDigits(count: number): string {
  return String(randomInt(0, 10 ** count)).padStart(count, "0");
}

export function newSecurityCard(): SecurityCard {
  return {
    serial: randomDigits(serialDigits),
    codes: Array.from({ length: securityCardCodes }, () => randomDigits(codeDigits)),
  };
}

export function newChallenge(): SecurityCardChallenge {
  const first = randomInt(1, securityCardCodes + 1);
  // Drawn from the 34 other numbers and stepped over `first`, so every ordered pair is equally likely.
  let second = randomInt(1, securityCardCodes);
  if (second >= first) second += 1;
  return { first, second };
}

function assertCard(card: SecurityCard): void {
  const codePattern = new RegExp(`^[0-9]{${codeDigits}}$`);
  if (card.codes.length !== securityCardCodes || !card.codes.every((code) => codePattern.test(code))) {
    throw new RangeError(`a security card holds ${securityCardCodes} codes of ${codeDigits} digits`);
  }
}

function assertChallenge(challenge: SecurityCardChallenge): void {
  const inRange = (n: number) => Number.isInteger(n) && n >= 1 && n <= securityCardCodes;
  if (!inRange(challenge.first) || !inRange(challenge.second) || challenge.first === challenge.second) {
    throw new RangeError(`bad security card challenge ${challenge.first}/${challenge.second}`);
  }
}

/**
 * The right answer is the first two digits of code `first` followed by the last two of code
 * `second`. A broken card or challenge is our bug and throws; anything the member types that is
 * not four digits is simply a wrong answer.
 */
export function verifyChallenge(
  card: SecurityCard,
  challenge: SecurityCardChallenge,
  answer: string,
): boolean {
  assertCard(card);
  assertChallenge(challenge);
  if (!/^[0-9]{4}$/.test(answer)) return false;
  const expected = card.codes[challenge.first - 1]!.slice(0, 2) + card.codes[challenge.second - 1]!.slice(2);
  return timingSafeEqual(Buffer.from(expected, "ascii"), Buffer.from(answer, "ascii"));
}
