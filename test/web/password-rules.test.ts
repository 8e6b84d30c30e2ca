// The password rules the registration page ticks live (web/src/lib/password-rules.ts) against
// the server's own (src/auth/password-rules.ts): the page must never pass what the server refuses,
// nor refuse what it takes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkLoginPassword } from "../../src/auth/password-rules.ts";
import { brokenPasswordRules, checkPassword, hasSequence } from "../../web/src/lib/password-rules.ts";

describe("the client's password rules", () => {
  it("accept a good password and name each broken rule", () => {
    expect(brokenPasswordRules("Hong!2026demo", "hong")).toEqual(["not_user_id"]);
    expect(brokenPasswordRules("Geum!2026go", "hong")).toEqual([]);
    expect(brokenPasswordRules("short1!", "hong")).toEqual(["length"]);
    expect(brokenPasswordRules("abcdefgh", "hong")).toEqual(["digit", "symbol", "no_sequence"]);
    expect(brokenPasswordRules("Pa!ss111word", "hong")).toEqual(["no_repeat"]);
    expect(brokenPasswordRules("Pa!zyx9word", "hong")).toEqual(["no_sequence"]);
    expect(brokenPasswordRules("비밀번호!2026abx", "hong")).toContain("characters");
    expect(brokenPasswordRules("Pass word!29", "hong")).toEqual(["characters"]);
    expect(brokenPasswordRules("A!1b2c3d4e5f6g7h8i9j0", "hong")).toEqual(["length"]);
  });

  it("see sequences up and down in letters and digits, case ignored, but not across kinds", () => {
    expect(hasSequence("xABc")).toBe(true);
    expect(hasSequence("x321")).toBe(true);
    expect(hasSequence("9:;")).toBe(false);
    expect(hasSequence("yz{")).toBe(false);
    expect(hasSequence("ace")).toBe(false);
  });

  it("list every rule as unmet for an empty password", () => {
    expect(Object.values(checkPassword("", "hong")).filter((ok) => !ok).length).toBeGreaterThanOrEqual(6);
  });

  it("agree with the server's rules on any password", () => {
    const alphabet = [..."abcxyzABCXYZ0123789!@#-_ 가"];
    const password = fc
      .array(fc.constantFrom(...alphabet), { minLength: 1, maxLength: 24 })
      .map((a) => a.join(""));
    const userId = fc.constantFrom("hong", "abc123", "zz9zz9");
    fc.assert(
      fc.property(password, userId, (pw, id) => {
        const server = checkLoginPassword(pw, id).filter((rule) => rule !== "same_as_current");
        const client = brokenPasswordRules(pw, id);
        expect(client.length === 0, `${pw} / ${id}: client ${client} server ${server}`).toBe(
          server.length === 0,
        );
      }),
      { numRuns: 3000 },
    );
    // Seeded with near-misses, which random strings rarely hit.
    for (const pw of ["Hong!2026demo", "Abc!9876x", "aB!1aB!1", "Zyx!5555", "Qw!e1r2t3"]) {
      expect(brokenPasswordRules(pw, "hong").length === 0, pw).toBe(
        checkLoginPassword(pw, "hong").length === 0,
      );
    }
  });
});
