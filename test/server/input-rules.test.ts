// The character, id, day and nesting rules every request is held to.
import { describe, expect, it } from "vitest";
import {
  controlCharacterIn,
  fieldLabel,
  isDay,
  isDecimalId,
  isDisplayText,
  isPassbookText,
  jsonNestsDeeperThan,
} from "../../src/server/input-rules.ts";

describe("input rules", () => {
  it("finds C0, DEL, C1 and lone surrogates, and nothing in ordinary text", () => {
    expect(controlCharacterIn("a\u0000b")).toBe("U+0000");
    expect(controlCharacterIn("tab\t")).toBe("U+0009");
    expect(controlCharacterIn("x\u007f")).toBe("U+007F");
    expect(controlCharacterIn("x\u0085")).toBe("U+0085");
    expect(controlCharacterIn("x\ud800")).toBe("U+D800");
    expect(controlCharacterIn("홍길동 Hong 😀 \u202e")).toBeUndefined();
  });

  it("keeps bidi controls and other invisible characters out of display text", () => {
    for (const ch of [
      "\u202a",
      "\u202e",
      "\u2066",
      "\u2069",
      "\u200b",
      "\u200f",
      "\ufeff",
      "\u2060",
      "\u2064",
      "\u00ad",
      "\ue000",
    ])
      expect(isDisplayText(`홍${ch}길동`), ch.codePointAt(0)!.toString(16)).toBe(false);
    expect(isDisplayText("Nguyễn Văn An")).toBe(true);
    expect(isDisplayText("서울시 중구 세종대로 110, 3층")).toBe(true);
  });

  it("accepts on a passbook only what its printer prints", () => {
    expect(isPassbookText("11월 회비 (A-1)")).toBe(true);
    expect(isPassbookText("ㅋㅋ 고마워!")).toBe(true);
    expect(isPassbookText("회비😀")).toBe(false);
    expect(isPassbookText("회비\u202e")).toBe(false);
    // 똠 is a modern syllable outside KS X 1001's 2,350; 漢 is outside our few marks.
    expect(isPassbookText("똠")).toBe(false);
    expect(isPassbookText("漢")).toBe(false);
    expect(isPassbookText("a=b")).toBe(false);
    expect(isPassbookText("\u3164")).toBe(false);
  });

  it("holds ids to PostgreSQL's bigint and days to 1900 … 2999", () => {
    expect(isDecimalId("1")).toBe(true);
    expect(isDecimalId("9223372036854775807")).toBe(true);
    for (const bad of ["0", "-1", "01", "1e400", "9223372036854775808", "9999999999999999999", "1.5"])
      expect(isDecimalId(bad), bad).toBe(false);
    expect(isDay("1900-01-01")).toBe(true);
    expect(isDay("2024-02-29")).toBe(true);
    for (const bad of [
      "0000-01-01",
      "1899-12-31",
      "3000-01-01",
      "9999-12-31",
      "2026-02-30",
      "2026-13-01",
      "garbage",
    ])
      expect(isDay(bad), bad).toBe(false);
  });

  it("measures JSON nesting without parsing, brackets inside strings not counted", () => {
    expect(jsonNestsDeeperThan("[".repeat(50_000), 16)).toBe(true);
    expect(jsonNestsDeeperThan(`${'{"a":'.repeat(16)}1${"}".repeat(16)}`, 16)).toBe(false);
    expect(jsonNestsDeeperThan(`${'{"a":'.repeat(17)}1${"}".repeat(17)}`, 16)).toBe(true);
    expect(jsonNestsDeeperThan(JSON.stringify({ a: '[[[[[[[[[[[[[[[[[[[[\\"[[[[' }), 2)).toBe(false);
  });

  it("shows a caller's field name without its invisible characters", () => {
    expect(fieldLabel("a\u0000b")).toBe("aU+0000b");
    expect(fieldLabel("x".repeat(100))).toHaveLength(65);
  });
});
