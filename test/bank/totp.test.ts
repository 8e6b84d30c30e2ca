import { describe, expect, it } from "vitest";
import {
  base32Decode,
  base32Encode,
  hotpCode,
  newTotpSecret,
  totpCode,
  totpDigits,
  totpStepSeconds,
  totpUri,
  verifyTotp,
} from "../../src/bank/totp.ts";

/** The shared secret of RFC 4226 Appendix D and RFC 6238 Appendix B (SHA-1). */
const rfcSecret = new TextEncoder().encode("12345678901234567890");

const atSeconds = (seconds: number) => new Date(seconds * 1000);

describe("HOTP (RFC 4226 Appendix D)", () => {
  const vectors = [
    "755224",
    "287082",
    "359152",
    "969429",
    "338314",
    "254676",
    "287922",
    "162583",
    "399871",
    "520489",
  ];

  it.each(vectors.map((code, counter) => [counter, code] as const))(
    "counter %i gives %s",
    (counter, code) => {
      expect(hotpCode(rfcSecret, counter)).toBe(code);
    },
  );

  it("is TOTP's code at the start of each 30-second step", () => {
    expect(totpDigits).toBe(6);
    expect(totpStepSeconds).toBe(30);
    for (const [counter, code] of vectors.entries()) {
      expect(totpCode(rfcSecret, atSeconds(counter * 30))).toBe(code);
      expect(totpCode(rfcSecret, atSeconds(counter * 30 + 29))).toBe(code);
    }
  });

  it("refuses secrets shorter than 128 bits and bad counters", () => {
    expect(() => hotpCode(rfcSecret.slice(0, 15), 0)).toThrow(RangeError);
    expect(() => hotpCode(rfcSecret.slice(0, 16), 0)).not.toThrow();
    expect(() => hotpCode(rfcSecret, -1)).toThrow(RangeError);
    expect(() => hotpCode(rfcSecret, 1.5)).toThrow(RangeError);
  });
});

describe("TOTP (RFC 6238 Appendix B, SHA-1)", () => {
  // The RFC's 8-digit values; a 6-digit code is the same truncated number modulo 10^6.
  it.each([
    [59, "94287082"],
    [1111111109, "07081804"],
    [1111111111, "14050471"],
    [1234567890, "89005924"],
    [2000000000, "69279037"],
    [20000000000, "65353130"],
  ])("at %i s the code is the last 6 digits of %s", (seconds, eightDigits) => {
    expect(totpCode(rfcSecret, atSeconds(seconds))).toBe(eightDigits.slice(-6));
  });

  it("refuses times before 1970 and invalid dates", () => {
    expect(() => totpCode(rfcSecret, new Date(-1))).toThrow(RangeError);
    expect(() => totpCode(rfcSecret, new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe("verifyTotp", () => {
  const at = atSeconds(1111111111);
  const step = Math.floor(1111111111 / 30);
  const codeOf = (s: number) => hotpCode(rfcSecret, s);

  it("has distinct codes on the steps these tests use", () => {
    const codes = [-2, -1, 0, 1, 2].map((d) => codeOf(step + d));
    expect(new Set(codes).size).toBe(5);
  });

  it("accepts the current code and names its step", () => {
    expect(verifyTotp({ secret: rfcSecret, code: "050471", at })).toEqual({ ok: true, step });
  });

  it("accepts the previous and next step's codes with the default window of one", () => {
    expect(verifyTotp({ secret: rfcSecret, code: codeOf(step - 1), at })).toEqual({
      ok: true,
      step: step - 1,
    });
    expect(verifyTotp({ secret: rfcSecret, code: codeOf(step + 1), at })).toEqual({
      ok: true,
      step: step + 1,
    });
  });

  it("refuses codes two steps away with the default window", () => {
    for (const s of [step - 2, step + 2]) {
      expect(verifyTotp({ secret: rfcSecret, code: codeOf(s), at })).toEqual({
        ok: false,
        reason: "wrong_code",
      });
    }
  });

  it("follows the window it is given", () => {
    const previous = codeOf(step - 1);
    expect(verifyTotp({ secret: rfcSecret, code: previous, at, window: 0 })).toEqual({
      ok: false,
      reason: "wrong_code",
    });
    expect(verifyTotp({ secret: rfcSecret, code: codeOf(step), at, window: 0 })).toEqual({ ok: true, step });
    expect(verifyTotp({ secret: rfcSecret, code: codeOf(step + 2), at, window: 2 })).toEqual({
      ok: true,
      step: step + 2,
    });
    expect(verifyTotp({ secret: rfcSecret, code: codeOf(step + 3), at, window: 2 })).toEqual({
      ok: false,
      reason: "wrong_code",
    });
  });

  it("crosses a step boundary by whole steps, not by seconds", () => {
    // 59 s is the last second of step 1, 60 s the first of step 2.
    expect(verifyTotp({ secret: rfcSecret, code: "287082", at: atSeconds(60), window: 0 })).toEqual({
      ok: false,
      reason: "wrong_code",
    });
    expect(verifyTotp({ secret: rfcSecret, code: "287082", at: atSeconds(60) })).toEqual({
      ok: true,
      step: 1,
    });
  });

  it("skips steps before the epoch instead of failing near time zero", () => {
    expect(verifyTotp({ secret: rfcSecret, code: "755224", at: atSeconds(5), window: 2 })).toEqual({
      ok: true,
      step: 0,
    });
  });

  it("refuses a code once its step has been used, and any earlier step's code", () => {
    const first = verifyTotp({ secret: rfcSecret, code: codeOf(step), at });
    expect(first).toEqual({ ok: true, step });
    expect(verifyTotp({ secret: rfcSecret, code: codeOf(step), at, lastUsedStep: step })).toEqual({
      ok: false,
      reason: "replayed",
    });
    expect(verifyTotp({ secret: rfcSecret, code: codeOf(step - 1), at, lastUsedStep: step })).toEqual({
      ok: false,
      reason: "replayed",
    });
    // A wrong code stays wrong, whatever was used before.
    expect(verifyTotp({ secret: rfcSecret, code: codeOf(step - 2), at, lastUsedStep: step })).toEqual({
      ok: false,
      reason: "wrong_code",
    });
  });

  it("accepts a later step after an earlier one was used", () => {
    expect(verifyTotp({ secret: rfcSecret, code: codeOf(step), at, lastUsedStep: step - 1 })).toEqual({
      ok: true,
      step,
    });
    expect(verifyTotp({ secret: rfcSecret, code: codeOf(step + 1), at, lastUsedStep: step })).toEqual({
      ok: true,
      step: step + 1,
    });
  });

  it("prefers the clock's own step when two steps share a code", () => {
    // Found by search: steps 910737 and 910738 of the RFC secret both give 911617.
    expect(codeOf(910737)).toBe("911617");
    expect(codeOf(910738)).toBe("911617");
    const inLater = atSeconds(910738 * 30 + 10);
    expect(verifyTotp({ secret: rfcSecret, code: "911617", at: inLater })).toEqual({
      ok: true,
      step: 910738,
    });
    expect(verifyTotp({ secret: rfcSecret, code: "911617", at: atSeconds(910737 * 30) })).toEqual({
      ok: true,
      step: 910737,
    });
    // The earlier step being spent does not spoil the later one that shares its code.
    expect(verifyTotp({ secret: rfcSecret, code: "911617", at: inLater, lastUsedStep: 910737 })).toEqual({
      ok: true,
      step: 910738,
    });
    expect(verifyTotp({ secret: rfcSecret, code: "911617", at: inLater, lastUsedStep: 910738 })).toEqual({
      ok: false,
      reason: "replayed",
    });
  });

  it("calls a right-looking but wrong code wrong_code", () => {
    const right = codeOf(step);
    const wrong = `${right.slice(0, 5)}${(Number(right[5]) + 1) % 10}`;
    expect(verifyTotp({ secret: rfcSecret, code: wrong, at })).toEqual({ ok: false, reason: "wrong_code" });
  });

  it.each([
    "",
    "05047",
    "0504711",
    "05047a",
    " 050471",
    "050471 ",
    "050 471",
    "１２３４５６",
    "+50471",
    "5.0471",
  ])("calls %j malformed", (code) => {
    expect(verifyTotp({ secret: rfcSecret, code, at })).toEqual({ ok: false, reason: "malformed" });
  });

  it("refuses a window out of range, a bad last step and a short secret", () => {
    const code = codeOf(step);
    expect(() => verifyTotp({ secret: rfcSecret, code, at, window: -1 })).toThrow(RangeError);
    expect(() => verifyTotp({ secret: rfcSecret, code, at, window: 11 })).toThrow(RangeError);
    expect(() => verifyTotp({ secret: rfcSecret, code, at, window: 1.5 })).toThrow(RangeError);
    expect(() => verifyTotp({ secret: rfcSecret, code, at, lastUsedStep: Number.NaN })).toThrow(RangeError);
    expect(() => verifyTotp({ secret: rfcSecret.slice(0, 10), code, at })).toThrow(RangeError);
  });
});

describe("newTotpSecret", () => {
  it("makes 20 random bytes that work as a secret", () => {
    const a = newTotpSecret();
    const b = newTotpSecret();
    expect(a).toBeInstanceOf(Uint8Array);
    expect(a.length).toBe(20);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    const now = new Date();
    expect(verifyTotp({ secret: a, code: totpCode(a, now), at: now }).ok).toBe(true);
  });
});

describe("base32 (RFC 4648 §10)", () => {
  const vectors = [
    ["", ""],
    ["f", "MY======"],
    ["fo", "MZXQ===="],
    ["foo", "MZXW6==="],
    ["foob", "MZXW6YQ="],
    ["fooba", "MZXW6YTB"],
    ["foobar", "MZXW6YTBOI======"],
  ] as const;
  const ascii = (text: string) => new TextEncoder().encode(text);

  it.each(vectors)("encodes %j as %s without the padding", (plain, encoded) => {
    expect(base32Encode(ascii(plain))).toBe(encoded.replace(/=+$/, ""));
  });

  it.each(vectors)("decodes %j from %s with or without padding, in either case", (plain, encoded) => {
    const unpadded = encoded.replace(/=+$/, "");
    for (const text of [encoded, unpadded, encoded.toLowerCase(), unpadded.toLowerCase()]) {
      expect(base32Decode(text)).toEqual(ascii(plain));
    }
  });

  it("decodes a key as authenticator apps show it", () => {
    expect(Buffer.from(base32Decode("JBSWY3DPEHPK3PXP")).toString("hex")).toBe("48656c6c6f21deadbeef");
  });

  it("round-trips every length and every byte value", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    for (let length = 0; length <= 41; length++) {
      const bytes = all.slice(255 - length, 255);
      expect(base32Decode(base32Encode(bytes))).toEqual(bytes);
    }
    expect(base32Decode(base32Encode(all))).toEqual(all);
    const secret = newTotpSecret();
    expect(base32Decode(base32Encode(secret))).toEqual(secret);
  });

  it.each([
    ["M", "impossible length"],
    ["MZX", "impossible length"],
    ["MZXW6Y", "impossible length"],
    ["MZ", "non-zero leftover bits"],
    ["MY=", "padding short of 8 characters"],
    ["MY==============", "padding past the group"],
    ["MY======MY", "padding in the middle"],
    ["MY0", "0 is not in the alphabet"],
    ["MZXW 6YTB", "a space"],
    ["AſAA", "ſ, which upper-cases to S"],
  ])("refuses %j (%s)", (text) => {
    expect(() => base32Decode(text)).toThrow(TypeError);
  });

  it("decodes the ASCII spelling the ſ case mimics", () => {
    expect(base32Decode("asaa")).toEqual(Uint8Array.of(0x04, 0x80));
  });
});

describe("totpUri", () => {
  const secret = rfcSecret;

  it("has the otpauth shape with every parameter", () => {
    expect(totpUri({ secret, account: "hong01", issuer: "Geumgo" })).toBe(
      "otpauth://totp/Geumgo:hong01?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Geumgo&algorithm=SHA1&digits=6&period=30",
    );
  });

  it("carries a Korean issuer and spaces through percent-encoding", () => {
    const issuer = "새마을 금고";
    const uri = totpUri({ secret, account: "hong01", issuer });
    expect(uri).toMatch(/^[\x21-\x7e]+$/);
    expect(uri).not.toContain("+");
    const url = new URL(uri);
    expect(url.protocol).toBe("otpauth:");
    expect(url.host).toBe("totp");
    expect(decodeURIComponent(url.pathname)).toBe(`/${issuer}:hong01`);
    expect(url.searchParams.get("issuer")).toBe(issuer);
    expect(url.searchParams.get("algorithm")).toBe("SHA1");
    expect(url.searchParams.get("digits")).toBe("6");
    expect(url.searchParams.get("period")).toBe("30");
    expect(base32Decode(url.searchParams.get("secret")!)).toEqual(secret);
  });

  it("refuses a colon or an empty part, which would make the label ambiguous", () => {
    expect(() => totpUri({ secret, account: "a:b", issuer: "Geumgo" })).toThrow(TypeError);
    expect(() => totpUri({ secret, account: "hong01", issuer: "Geum:go" })).toThrow(TypeError);
    expect(() => totpUri({ secret, account: "", issuer: "Geumgo" })).toThrow(TypeError);
    expect(() => totpUri({ secret, account: "hong01", issuer: "" })).toThrow(TypeError);
    expect(() => totpUri({ secret: rfcSecret.slice(0, 10), account: "hong01", issuer: "Geumgo" })).toThrow(
      RangeError,
    );
  });
});
