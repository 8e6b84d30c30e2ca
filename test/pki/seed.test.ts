import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../src/pki/bytes.ts";
import { isPkiError, type PkiErrorCode } from "../../src/pki/errors.ts";
import { SEED_BLOCK_BYTES, Seed, seedCbcDecrypt, seedCbcEncrypt } from "../../src/pki/seed.ts";

/** The PkiError code that `fn` throws; fails the test if it throws nothing or something else. */
function errorCode(fn: () => unknown): PkiErrorCode {
  try {
    fn();
  } catch (e) {
    if (isPkiError(e)) return e.code;
    throw e;
  }
  throw new Error("expected a PkiError, but nothing was thrown");
}

/** Reproducible filler bytes (a small LCG), so that failures can be replayed. */
function filler(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** CBC over whole blocks with no padding, built from encryptBlock, to make ciphertexts with chosen plaintexts. */
function rawCbcEncrypt(key: Uint8Array, iv: Uint8Array, blocks: Uint8Array): Uint8Array {
  const seed = new Seed(key);
  const out = new Uint8Array(blocks.length);
  let prev = iv;
  for (let o = 0; o < blocks.length; o += 16) {
    const x = blocks.slice(o, o + 16).map((b, i) => b ^ prev[i]!);
    seed.encryptBlock(x, 0, out, o);
    prev = out.subarray(o, o + 16);
  }
  return out;
}

// RFC 4269 Appendix B, B.1 to B.4.
const rfc4269Vectors = [
  {
    name: "B.1",
    key: "00000000000000000000000000000000",
    plaintext: "000102030405060708090A0B0C0D0E0F",
    ciphertext: "5EBAC6E0054E166819AFF1CC6D346CDB",
  },
  {
    name: "B.2",
    key: "000102030405060708090A0B0C0D0E0F",
    plaintext: "00000000000000000000000000000000",
    ciphertext: "C11F22F20140505084483597E4370F43",
  },
  {
    name: "B.3",
    key: "4706480851E61BE85D74BFB3FD956185",
    plaintext: "83A2F8A288641FB9A4E9A5CC2F131C7D",
    ciphertext: "EE54D13EBCAE706D226BC3142CD40D4A",
  },
  {
    name: "B.4",
    key: "28DBC3BC49FFD87DCFA509B11D422BE7",
    plaintext: "B41E6BE2EBA84A148E2EED84593C5EC7",
    ciphertext: "9B9B7BFCD1813CB95D0B3618F40F5122",
  },
];

describe("SEED block cipher (RFC 4269)", () => {
  for (const v of rfc4269Vectors) {
    it(`encrypts and decrypts the test vector of Appendix ${v.name}`, () => {
      const seed = new Seed(fromHex(v.key));
      const out = new Uint8Array(16);
      seed.encryptBlock(fromHex(v.plaintext), 0, out, 0);
      expect(toHex(out)).toBe(v.ciphertext.toLowerCase());
      const back = new Uint8Array(16);
      seed.decryptBlock(fromHex(v.ciphertext), 0, back, 0);
      expect(toHex(back)).toBe(v.plaintext.toLowerCase());
    });
  }

  it("works at offsets and in place", () => {
    const v = rfc4269Vectors[2]!;
    const seed = new Seed(fromHex(v.key));
    const buf = new Uint8Array(40);
    buf.set(fromHex(v.plaintext), 7);
    seed.encryptBlock(buf, 7, buf, 7);
    expect(toHex(buf.subarray(7, 23))).toBe(v.ciphertext.toLowerCase());
    const out = new Uint8Array(20);
    seed.decryptBlock(buf, 7, out, 4);
    expect(toHex(out.subarray(4))).toBe(v.plaintext.toLowerCase());
    expect(out.subarray(0, 4)).toEqual(new Uint8Array(4));
  });

  it("rejects blocks that do not fit at the given offset", () => {
    const seed = new Seed(new Uint8Array(16));
    const buf = new Uint8Array(32);
    expect(() => seed.encryptBlock(buf, 17, buf, 0)).toThrow(RangeError);
    expect(() => seed.encryptBlock(buf, 0, buf, 17)).toThrow(RangeError);
    expect(() => seed.decryptBlock(buf, -1, buf, 0)).toThrow(RangeError);
    expect(() => seed.decryptBlock(buf, 0.5, buf, 0)).toThrow(RangeError);
    seed.encryptBlock(buf, 16, buf, 16);
  });

  it("takes only 16-byte keys", () => {
    for (const n of [0, 8, 15, 17, 24, 32]) {
      expect(errorCode(() => new Seed(new Uint8Array(n)))).toBe("bad_parameters");
    }
  });
});

// Each of these came from OpenSSL 3.0 seed-cbc:
//   printf '<plaintext>' | openssl enc -seed-cbc -K <key> -iv <iv> -provider legacy -provider default
const opensslKey = fromHex("a3f1c2e4b5d60718293a4b5c6d7e8f90");
const opensslIv = fromHex("0123456789abcdeffedcba9876543210");
const opensslVectors = [
  {
    plaintext: "SEED-CBC known answer: 40 bytes!!!!!!!!!",
    ciphertext:
      "3535b0fb4d04fc5c1252550855c3d42283211e197ace3685adcc112140ce74af69d7e1c208def5f599575f1ba81f3940",
  },
  {
    plaintext: "0123456789abcdef0123456789abcdef",
    ciphertext:
      "29594c6498bb8e2a26764aebc9935c296ce9bda43c75b9189211c4a8c8e43b03378d537db2a2b07a258b753ddff6e339",
  },
  { plaintext: "", ciphertext: "a85174421e1c4918d34e29b134ebe728" },
];

describe("SEED-CBC with PKCS#7 padding", () => {
  it("matches OpenSSL's seed-cbc on known answers", () => {
    for (const v of opensslVectors) {
      const plaintext = new TextEncoder().encode(v.plaintext);
      expect(toHex(seedCbcEncrypt(opensslKey, opensslIv, plaintext))).toBe(v.ciphertext);
      expect(seedCbcDecrypt(opensslKey, opensslIv, fromHex(v.ciphertext))).toEqual(plaintext);
    }
  });

  it("round-trips every length from 0 to 100 bytes", () => {
    for (let n = 0; n <= 100; n++) {
      const key = filler(16, 3 * n + 1);
      const iv = filler(16, 3 * n + 2);
      const plaintext = filler(n, 3 * n + 3);
      const ciphertext = seedCbcEncrypt(key, iv, plaintext);
      expect(ciphertext.length).toBe((Math.floor(n / 16) + 1) * SEED_BLOCK_BYTES);
      expect(seedCbcDecrypt(key, iv, ciphertext)).toEqual(plaintext);
    }
  });

  it("chains blocks: equal plaintext blocks give different ciphertext blocks", () => {
    const ciphertext = seedCbcEncrypt(opensslKey, opensslIv, new Uint8Array(48));
    const blocks = [0, 16, 32].map((o) => toHex(ciphertext.subarray(o, o + 16)));
    expect(new Set(blocks).size).toBe(3);
  });

  it("leaves its inputs alone", () => {
    const key = filler(16, 10);
    const iv = filler(16, 11);
    const plaintext = filler(37, 12);
    const copies = [key, iv, plaintext].map((b) => b.slice());
    const ciphertext = seedCbcEncrypt(key, iv, plaintext);
    const ctCopy = ciphertext.slice();
    seedCbcDecrypt(key, iv, ciphertext);
    expect([key, iv, plaintext]).toEqual(copies);
    expect(ciphertext).toEqual(ctCopy);
  });

  it("calls a changed last ciphertext byte a wrong password", () => {
    for (const n of [0, 5, 16, 31, 47]) {
      const ciphertext = seedCbcEncrypt(opensslKey, opensslIv, filler(n, n));
      ciphertext[ciphertext.length - 1]! ^= 0x01;
      expect(errorCode(() => seedCbcDecrypt(opensslKey, opensslIv, ciphertext))).toBe("bad_password");
    }
  });

  it("calls a wrong key a wrong password", () => {
    const ciphertext = seedCbcEncrypt(opensslKey, opensslIv, filler(64, 1));
    const wrongKey = opensslKey.slice();
    wrongKey[0]! ^= 0x80;
    expect(errorCode(() => seedCbcDecrypt(wrongKey, opensslIv, ciphertext))).toBe("bad_password");
  });

  it("checks every padding byte, from 1 to 16", () => {
    const key = filler(16, 20);
    const iv = filler(16, 21);
    const lastBlock = (tail: number[]) => {
      const block = filler(16, 22);
      block.set(tail, 16 - tail.length);
      return block;
    };
    const good = [[0x01], [0x02, 0x02], Array(16).fill(0x10) as number[], Array(9).fill(0x09) as number[]];
    for (const tail of good) {
      const plain = new Uint8Array(32);
      plain.set(filler(16, 23));
      plain.set(lastBlock(tail), 16);
      const out = seedCbcDecrypt(key, iv, rawCbcEncrypt(key, iv, plain));
      expect(out).toEqual(plain.subarray(0, 32 - tail.length));
    }
    const bad = [
      [0x00],
      [0x11],
      [0xff],
      [0x01, 0x02],
      [0x05, 0x05, 0x05, 0x04, 0x05],
      [0x04, 0x05, 0x05, 0x05, 0x05],
      [0x11, ...(Array(15).fill(0x10) as number[])],
      [...(Array(15).fill(0x10) as number[]), 0x0f],
    ];
    for (const tail of bad) {
      const plain = lastBlock(tail);
      const ciphertext = rawCbcEncrypt(key, iv, plain);
      expect(errorCode(() => seedCbcDecrypt(key, iv, ciphertext))).toBe("bad_password");
    }
  });

  it("calls a ciphertext of no whole blocks malformed", () => {
    const ciphertext = seedCbcEncrypt(opensslKey, opensslIv, filler(40, 5));
    for (const n of [0, 1, 15, 17, 31, 47]) {
      expect(errorCode(() => seedCbcDecrypt(opensslKey, opensslIv, ciphertext.subarray(0, n)))).toBe(
        "malformed",
      );
    }
  });

  it("takes only 16-byte keys and IVs", () => {
    const good = new Uint8Array(16);
    const ciphertext = seedCbcEncrypt(good, good, new Uint8Array(3));
    for (const n of [0, 8, 15, 17, 32]) {
      const wrong = new Uint8Array(n);
      expect(errorCode(() => seedCbcEncrypt(wrong, good, new Uint8Array(3)))).toBe("bad_parameters");
      expect(errorCode(() => seedCbcEncrypt(good, wrong, new Uint8Array(3)))).toBe("bad_parameters");
      expect(errorCode(() => seedCbcDecrypt(wrong, good, ciphertext))).toBe("bad_parameters");
      expect(errorCode(() => seedCbcDecrypt(good, wrong, ciphertext))).toBe("bad_parameters");
    }
  });
});
