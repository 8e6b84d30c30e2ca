import { describe, expect, it } from "vitest";
import { AuthError } from "../../src/auth/errors.ts";
import { assertLoginPassword, checkLoginPassword } from "../../src/auth/password-rules.ts";

describe("login password rules", () => {
  it("accepts 8–20 characters of letters, digits and symbols", () => {
    expect(checkLoginPassword("Hong!2026demo", "hong2026")).toEqual([]);
    expect(checkLoginPassword("a1!b2@c3", "someone")).toEqual([]);
    expect(checkLoginPassword("Zq7!Zq7!Zq7!Zq7!Zq7!", "someone")).toEqual([]);
  });

  it.each([
    ["a1!b2@c", "too_short"],
    ["Zq7!Zq7!Zq7!Zq7!Zq7!x", "too_long"],
    ["13579!#%&", "needs_letter"],
    ["Abcx!yzw", "needs_digit"],
    ["Zq7Zq7Zq7", "needs_symbol"],
    ["Zq7! Zq7!", "forbidden_character"],
    ["Zq7!비밀번호", "forbidden_character"],
    ["x!HONG2026y", "contains_user_id"],
    ["Zq7!aaa5", "repeated_characters"],
    ["Zq7!111x", "repeated_characters"],
    ["Zq!abc59", "sequential_characters"],
    ["Zq!CBA59", "sequential_characters"],
    ["Zq!x1239", "sequential_characters"],
    ["Zq!x9876", "sequential_characters"],
  ] as const)("%s breaks %s", (password, rule) => {
    expect(checkLoginPassword(password, "hong2026")).toContain(rule);
  });

  it("does not call runs that mix letters and digits sequential", () => {
    expect(checkLoginPassword("Zq!a1b2c3", "someone")).not.toContain("sequential_characters");
    expect(checkLoginPassword("Zq!x9a8b", "someone")).not.toContain("sequential_characters");
  });

  it("names every broken rule at once, in the error", () => {
    try {
      assertLoginPassword("aaa", "hong");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AuthError);
      expect((e as AuthError).code).toBe("weak_password");
      expect((e as AuthError).details?.rules).toEqual(
        expect.arrayContaining(["too_short", "needs_digit", "needs_symbol", "repeated_characters"]),
      );
    }
  });
});
