import { describe, expect, it } from "vitest";
import { assertCertificatePassword, checkCertificatePassword } from "../../src/pki/password-rules.ts";

describe("certificate password rules", () => {
  it("accepts passwords that follow every rule", () => {
    for (const ok of ["Vector!2026kr", "WTuA8Ev0lWXVFSiI!", "g7#Kp2@xWq", "a1!a1!a1!a1!"]) {
      expect(checkCertificatePassword(ok), ok).toEqual([]);
    }
  });

  it.each([
    ["Ab1!xyZ", ["too_short", "sequential_characters"]],
    ["Sh0rt!pw", ["too_short"]],
    ["abcdefghij", ["needs_digit", "needs_symbol", "sequential_characters"]],
    ["Pass!word!!", ["needs_digit"]],
    ["Pa55word2026", ["needs_symbol"]],
    ["1234!5678!", ["needs_letter", "sequential_characters"]],
    ["Vector'2026kr", ["needs_symbol", "forbidden_character"]],
    ['Vector!"2026kr', ["forbidden_character"]],
    ["Vector!\\2026kr", ["forbidden_character"]],
    ["Vector!|2026kr", ["forbidden_character"]],
    ["Vector 2026!kr", ["forbidden_character"]],
    ["비밀번호Ab1!xyzw", ["forbidden_character", "sequential_characters"]],
    ["Vectooor!26kr", ["repeated_characters"]],
    ["Vector!111kr", ["repeated_characters"]],
    ["Vector!789kr", ["sequential_characters"]],
    ["Vector!987kr", ["sequential_characters"]],
    ["Vector!2026XYz", ["sequential_characters"]],
    ["Vector!2026CbA", ["sequential_characters"]],
    [`A1!${"x9".repeat(31)}`, ["too_long"]],
  ])("%s breaks %j", (pw, violations) => {
    expect(checkCertificatePassword(pw)).toEqual(violations);
  });

  it("does not count a symbol run or a case change as a sequence", () => {
    expect(checkCertificatePassword("Vector!#$26kr")).toEqual([]);
    expect(checkCertificatePassword("VecAb!2026kr")).toEqual([]);
  });

  it("throws weak_password with the reasons", () => {
    expect(() => assertCertificatePassword("short")).toThrow(
      expect.objectContaining({ code: "weak_password" }),
    );
    expect(() => assertCertificatePassword("Vector!2026kr")).not.toThrow();
  });
});
