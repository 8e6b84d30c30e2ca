import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptRrn, encryptRrn, maskRrn, normalizeRrn, rrnIndex } from "../../src/bank/rrn-vault.ts";

const keys = { encryption: randomBytes(32), index: randomBytes(32) };

describe("resident registration numbers at rest", () => {
  it("encrypt with a fresh nonce each time and decrypt back", () => {
    const a = encryptRrn(keys, "8503151234567");
    const b = encryptRrn(keys, "8503151234567");
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    expect(Buffer.from(a).includes(Buffer.from("8503151234567"))).toBe(false);
    expect(decryptRrn(keys, a)).toBe("8503151234567");
  });

  it("refuse a changed ciphertext or another key", () => {
    const a = encryptRrn(keys, "8503151234567");
    a[20]! ^= 1;
    expect(() => decryptRrn(keys, a)).toThrow();
    const other = { encryption: randomBytes(32), index: keys.index };
    expect(() => decryptRrn(other, encryptRrn(keys, "8503151234567"))).toThrow();
  });

  it("index the same number alike under one key, differently under another", () => {
    expect(rrnIndex(keys, "8503151234567")).toEqual(rrnIndex(keys, "8503151234567"));
    expect(rrnIndex(keys, "8503151234567")).not.toEqual(rrnIndex(keys, "8503151234568"));
    expect(rrnIndex({ ...keys, index: randomBytes(32) }, "8503151234567")).not.toEqual(
      rrnIndex(keys, "8503151234567"),
    );
  });

  it("mask all but the birth date and the first digit after the dash", () => {
    expect(maskRrn(normalizeRrn("850315-1234567"))).toBe("850315-1******");
    expect(() => normalizeRrn("850315-123456")).toThrow(expect.objectContaining({ code: "bad_rrn" }));
  });
});
