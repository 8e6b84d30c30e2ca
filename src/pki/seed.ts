// The SEED block cipher (RFC 4269) and SEED-CBC with PKCS#7 padding as NPKI key files use it (RFC 4196).
// Hand-written because WebCrypto has no SEED; 32-bit SS tables and an inlined G function keep it fast.

import { fromHex } from "./bytes.ts";
import { PkiError } from "./errors.ts";

export const SEED_BLOCK_BYTES = 16;

// RFC 4269 Appendix A.1: the two 8x8 S-boxes S0 and S1.
const S0 = fromHex(`
  a985d6d3541dac255d43181e51fcca63 2844209de0e2c817a58f037bbb13d2ee
  708c3fa832ddf674ec950b575c5bbd01 241c739810ccf2d92ce772839bd186c9
  6050a3eb0db69e4fb75ac678a612afd5 61c3b441527d8d081f9900190453f7e1
  fd762f27b08b0eaba26e934d697c090a bfeff3c58714fe64de2e4b1a06216b66
  02f5928a0cb37ed07a4796e52680addf a13037ae36152238f4a7454c81e98497
  35cbce3c7111c78975fbdaf8945982c4 ff493967c0cfd7b80f8e4223916cdba4
  34f148c26f3d2d40be3ebcc1aaba4e55 3bdc687f9cd84a5677a0ed46b52b65fa
  e3b9b19f5ef9e6b231ea6d5fe4f0cd88 163a58d462290733e81b0579906a2a9a`);
const S1 = fromHex(`
  38e82da6cfdeb3b8af6055c7446f6b5b c36233b529a0e2a7d39111061cbc364b
  ef886ca817c416f4c245e1d63f3d8e98 284ef63ea5f90ddfd82b667a272ff172
  42d441c07367ac8bf7ad801fca2caa34 d20beee95d9418f857ae08c513cd86b9
  ff7dc131f58a6ab1d120d70222046871 07db9d9961bee659dd5190dc9aa3abd0
  810f471ae3ec8dbf967b5ca2a163234d c89e9c3a0c2eba6e9f5af292f34978cc
  15fb70757f351003646dc674d5b4ea09 7619fe4012e0bd05fa01f02a5ea95643
  8514899bb0e5487997fc1e82218c1b5f 7754b21d254f0046ed5852eb7edac9fd
  3095653cb6e4bb7c0e50392632846993 37e724a4cb530a87d94c838fce3b4ab7`);

// RFC 4269 section 2.2: the extended boxes SS0..SS3 (its Appendix A.2), built from S0 and S1 with the
// masks m0..m3, so that G(X) = SS0[X0] ^ SS1[X1] ^ SS2[X2] ^ SS3[X3] where X0 is the low byte of X.
// Int32Array rather than Uint32Array: every use is a bitwise operation, and signed 32-bit values stay
// small integers in V8 instead of becoming heap numbers.
const SS0 = new Int32Array(256);
const SS1 = new Int32Array(256);
const SS2 = new Int32Array(256);
const SS3 = new Int32Array(256);
{
  const m0 = 0xfc;
  const m1 = 0xf3;
  const m2 = 0xcf;
  const m3 = 0x3f;
  const word = (b3: number, b2: number, b1: number, b0: number) => (b3 << 24) | (b2 << 16) | (b1 << 8) | b0;
  for (let x = 0; x < 256; x++) {
    const a = S0[x]!;
    const b = S1[x]!;
    SS0[x] = word(a & m3, a & m2, a & m1, a & m0);
    SS1[x] = word(b & m0, b & m3, b & m2, b & m1);
    SS2[x] = word(a & m1, a & m0, a & m3, a & m2);
    SS3[x] = word(b & m2, b & m1, b & m0, b & m3);
  }
}

// RFC 4269 section 2.3: the key-schedule constants KC1..KC16.
const KC = Int32Array.of(
  0x9e3779b9,
  0x3c6ef373,
  0x78dde6e6,
  0xf1bbcdcc,
  0xe3779b99,
  0xc6ef3733,
  0x8dde6e67,
  0x1bbcdccf,
  0x3779b99e,
  0x6ef3733c,
  0xdde6e678,
  0xbbcdccf1,
  0x779b99e3,
  0xef3733c6,
  0xde6e678d,
  0xbcdccf1b,
);

function g(x: number): number {
  return SS0[x & 0xff]! ^ SS1[(x >>> 8) & 0xff]! ^ SS2[(x >>> 16) & 0xff]! ^ SS3[x >>> 24]!;
}

/** The 32 round-key words K1,0 K1,1 ... K16,0 K16,1 of RFC 4269 section 2.3, in encryption order. */
function expandKey(key: Uint8Array): Int32Array {
  if (key.length !== 16) throw new PkiError("bad_parameters", `a SEED key is 16 bytes, not ${key.length}`);
  let k0 = readWord(key, 0);
  let k1 = readWord(key, 4);
  let k2 = readWord(key, 8);
  let k3 = readWord(key, 12);
  const rk = new Int32Array(32);
  for (let i = 0; i < 16; i++) {
    const kc = KC[i]!;
    rk[2 * i] = g((((k0 + k2) | 0) - kc) | 0);
    rk[2 * i + 1] = g((((k1 - k3) | 0) + kc) | 0);
    if (i % 2 === 0) {
      // Rounds 1, 3, ...: Key0 || Key1 rotated right by 8 bits as one 64-bit value.
      const t = k0;
      k0 = (k0 >>> 8) | (k1 << 24);
      k1 = (k1 >>> 8) | (t << 24);
    } else {
      // Rounds 2, 4, ...: Key2 || Key3 rotated left by 8 bits.
      const t = k2;
      k2 = (k2 << 8) | (k3 >>> 24);
      k3 = (k3 << 8) | (t >>> 24);
    }
  }
  return rk;
}

/** The same subkeys for decryption: the rounds in reverse order, each pair (Ki0, Ki1) kept as it is. */
function reverseRounds(rk: Int32Array): Int32Array {
  const out = new Int32Array(32);
  for (let i = 0; i < 16; i++) {
    out[2 * i] = rk[30 - 2 * i]!;
    out[2 * i + 1] = rk[31 - 2 * i]!;
  }
  return out;
}

function readWord(b: Uint8Array, o: number): number {
  return (b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!;
}

function writeWord(b: Uint8Array, o: number, w: number): void {
  b[o] = w >>> 24;
  b[o + 1] = w >>> 16;
  b[o + 2] = w >>> 8;
  b[o + 3] = w;
}

/**
 * The 16-round Feistel network on the block held in `s` (four big-endian words, L0 L1 R0 R1), in place.
 * With encryption round keys this encrypts, with reverseRounds() of them it decrypts. The halves are
 * not swapped between rounds: each loop pass is two rounds, F (section 2.1) of R folded into L and
 * then F of L folded into R, with G written out inline. (Unrolling all 16 rounds measured no faster.)
 */
function crypt(rk: Int32Array, s: Int32Array): void {
  const t0s = SS0;
  const t1s = SS1;
  const t2s = SS2;
  const t3s = SS3;
  let l0 = s[0]!;
  let l1 = s[1]!;
  let r0 = s[2]!;
  let r1 = s[3]!;
  let a: number;
  let b: number;
  for (let i = 0; i < 32; i += 4) {
    // Odd round: L ^= F(K, R).
    a = r0 ^ rk[i]!;
    b = r1 ^ rk[i + 1]! ^ a;
    b = t0s[b & 0xff]! ^ t1s[(b >>> 8) & 0xff]! ^ t2s[(b >>> 16) & 0xff]! ^ t3s[b >>> 24]!;
    a = (a + b) | 0;
    a = t0s[a & 0xff]! ^ t1s[(a >>> 8) & 0xff]! ^ t2s[(a >>> 16) & 0xff]! ^ t3s[a >>> 24]!;
    b = (b + a) | 0;
    b = t0s[b & 0xff]! ^ t1s[(b >>> 8) & 0xff]! ^ t2s[(b >>> 16) & 0xff]! ^ t3s[b >>> 24]!;
    a = (a + b) | 0;
    l0 ^= a;
    l1 ^= b;
    // Even round: R ^= F(K, L).
    a = l0 ^ rk[i + 2]!;
    b = l1 ^ rk[i + 3]! ^ a;
    b = t0s[b & 0xff]! ^ t1s[(b >>> 8) & 0xff]! ^ t2s[(b >>> 16) & 0xff]! ^ t3s[b >>> 24]!;
    a = (a + b) | 0;
    a = t0s[a & 0xff]! ^ t1s[(a >>> 8) & 0xff]! ^ t2s[(a >>> 16) & 0xff]! ^ t3s[a >>> 24]!;
    b = (b + a) | 0;
    b = t0s[b & 0xff]! ^ t1s[(b >>> 8) & 0xff]! ^ t2s[(b >>> 16) & 0xff]! ^ t3s[b >>> 24]!;
    a = (a + b) | 0;
    r0 ^= a;
    r1 ^= b;
  }
  // After an even number of unswapped rounds the output block is R || L.
  s[0] = r0;
  s[1] = r1;
  s[2] = l0;
  s[3] = l1;
}

/** Scratch for one block; every use is synchronous, so one per module is enough. */
const state = new Int32Array(4);

function checkRange(b: Uint8Array, off: number, what: string): void {
  if (!Number.isInteger(off) || off < 0 || off + SEED_BLOCK_BYTES > b.length) {
    throw new RangeError(`${what} offset ${off} leaves no 16-byte block in ${b.length} bytes`);
  }
}

/** One SEED key, expanded once for any number of blocks in either direction. */
export class Seed {
  readonly #enc: Int32Array;
  readonly #dec: Int32Array;

  /** `key` must be 16 bytes; anything else throws PkiError "bad_parameters". */
  constructor(key: Uint8Array) {
    this.#enc = expandKey(key);
    this.#dec = reverseRounds(this.#enc);
  }

  /** Encrypts the block at input[inOff..inOff+16) into output[outOff..outOff+16); the two may overlap. */
  encryptBlock(input: Uint8Array, inOff: number, output: Uint8Array, outOff: number): void {
    this.#block(this.#enc, input, inOff, output, outOff);
  }

  /** Decrypts the block at input[inOff..inOff+16) into output[outOff..outOff+16); the two may overlap. */
  decryptBlock(input: Uint8Array, inOff: number, output: Uint8Array, outOff: number): void {
    this.#block(this.#dec, input, inOff, output, outOff);
  }

  #block(rk: Int32Array, input: Uint8Array, inOff: number, output: Uint8Array, outOff: number): void {
    checkRange(input, inOff, "input");
    checkRange(output, outOff, "output");
    const s = state;
    s[0] = readWord(input, inOff);
    s[1] = readWord(input, inOff + 4);
    s[2] = readWord(input, inOff + 8);
    s[3] = readWord(input, inOff + 12);
    crypt(rk, s);
    writeWord(output, outOff, s[0]!);
    writeWord(output, outOff + 4, s[1]!);
    writeWord(output, outOff + 8, s[2]!);
    writeWord(output, outOff + 12, s[3]!);
  }
}

function checkIv(iv: Uint8Array): void {
  if (iv.length !== SEED_BLOCK_BYTES) {
    throw new PkiError("bad_parameters", `a SEED-CBC IV is 16 bytes, not ${iv.length}`);
  }
}

/** SEED-CBC encryption of `plaintext` after PKCS#7 padding (1 to 16 bytes, always added). */
export function seedCbcEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const rk = expandKey(key);
  checkIv(iv);
  const n = plaintext.length;
  const pad = SEED_BLOCK_BYTES - (n % SEED_BLOCK_BYTES);
  const out = new Uint8Array(n + pad);
  out.set(plaintext);
  out.fill(pad, n);
  const s = state;
  let c0 = readWord(iv, 0);
  let c1 = readWord(iv, 4);
  let c2 = readWord(iv, 8);
  let c3 = readWord(iv, 12);
  for (let o = 0; o < out.length; o += SEED_BLOCK_BYTES) {
    s[0] = c0 ^ ((out[o]! << 24) | (out[o + 1]! << 16) | (out[o + 2]! << 8) | out[o + 3]!);
    s[1] = c1 ^ ((out[o + 4]! << 24) | (out[o + 5]! << 16) | (out[o + 6]! << 8) | out[o + 7]!);
    s[2] = c2 ^ ((out[o + 8]! << 24) | (out[o + 9]! << 16) | (out[o + 10]! << 8) | out[o + 11]!);
    s[3] = c3 ^ ((out[o + 12]! << 24) | (out[o + 13]! << 16) | (out[o + 14]! << 8) | out[o + 15]!);
    crypt(rk, s);
    c0 = s[0]!;
    c1 = s[1]!;
    c2 = s[2]!;
    c3 = s[3]!;
    out[o] = c0 >>> 24;
    out[o + 1] = c0 >>> 16;
    out[o + 2] = c0 >>> 8;
    out[o + 3] = c0;
    out[o + 4] = c1 >>> 24;
    out[o + 5] = c1 >>> 16;
    out[o + 6] = c1 >>> 8;
    out[o + 7] = c1;
    out[o + 8] = c2 >>> 24;
    out[o + 9] = c2 >>> 16;
    out[o + 10] = c2 >>> 8;
    out[o + 11] = c2;
    out[o + 12] = c3 >>> 24;
    out[o + 13] = c3 >>> 16;
    out[o + 14] = c3 >>> 8;
    out[o + 15] = c3;
  }
  return out;
}

/**
 * SEED-CBC decryption, then a check of every PKCS#7 padding byte. A ciphertext that is empty or not
 * whole blocks is "malformed"; bad padding is "bad_password", since after password-based decryption
 * it almost always means the wrong password. The result is a view of a buffer that also holds the
 * padding.
 */
export function seedCbcDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const rk = reverseRounds(expandKey(key));
  checkIv(iv);
  const n = ciphertext.length;
  if (n === 0 || n % SEED_BLOCK_BYTES !== 0) {
    throw new PkiError("malformed", `SEED-CBC ciphertext of ${n} bytes is not a whole number of blocks`);
  }
  const inp = ciphertext;
  const out = new Uint8Array(n);
  const s = state;
  let p0 = readWord(iv, 0);
  let p1 = readWord(iv, 4);
  let p2 = readWord(iv, 8);
  let p3 = readWord(iv, 12);
  for (let o = 0; o < n; o += SEED_BLOCK_BYTES) {
    const c0 = (inp[o]! << 24) | (inp[o + 1]! << 16) | (inp[o + 2]! << 8) | inp[o + 3]!;
    const c1 = (inp[o + 4]! << 24) | (inp[o + 5]! << 16) | (inp[o + 6]! << 8) | inp[o + 7]!;
    const c2 = (inp[o + 8]! << 24) | (inp[o + 9]! << 16) | (inp[o + 10]! << 8) | inp[o + 11]!;
    const c3 = (inp[o + 12]! << 24) | (inp[o + 13]! << 16) | (inp[o + 14]! << 8) | inp[o + 15]!;
    s[0] = c0;
    s[1] = c1;
    s[2] = c2;
    s[3] = c3;
    crypt(rk, s);
    const w0 = s[0]! ^ p0;
    const w1 = s[1]! ^ p1;
    const w2 = s[2]! ^ p2;
    const w3 = s[3]! ^ p3;
    out[o] = w0 >>> 24;
    out[o + 1] = w0 >>> 16;
    out[o + 2] = w0 >>> 8;
    out[o + 3] = w0;
    out[o + 4] = w1 >>> 24;
    out[o + 5] = w1 >>> 16;
    out[o + 6] = w1 >>> 8;
    out[o + 7] = w1;
    out[o + 8] = w2 >>> 24;
    out[o + 9] = w2 >>> 16;
    out[o + 10] = w2 >>> 8;
    out[o + 11] = w2;
    out[o + 12] = w3 >>> 24;
    out[o + 13] = w3 >>> 16;
    out[o + 14] = w3 >>> 8;
    out[o + 15] = w3;
    p0 = c0;
    p1 = c1;
    p2 = c2;
    p3 = c3;
  }
  // Every one of the last `pad` bytes must equal pad, 1 <= pad <= 16; look at all 16 either way.
  const pad = out[n - 1]!;
  let bad = pad === 0 || pad > SEED_BLOCK_BYTES ? 1 : 0;
  for (let i = 1; i <= SEED_BLOCK_BYTES; i++) {
    bad |= (out[n - i]! ^ pad) & (i <= pad ? 0xff : 0);
  }
  if (bad !== 0) {
    out.fill(0);
    throw new PkiError("bad_password", "SEED-CBC padding is wrong: most likely the password is wrong");
  }
  return out.subarray(0, n - pad);
}
