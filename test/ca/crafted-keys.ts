// Public keys an attacker builds by hand, and "key pairs" that sign with bigint arithmetic or with
// another key, for buildCertReqMsg to put into real CertReqMsgs: RSA with e = 1 (the POP is the
// PKCS#1 v1.5 padding of the hash, no private key at all), e = 3, a modulus with a small factor or
// with close primes, a real ROCA key, and EC points compressed, off the curve or at infinity.
import { checkPrimeSync, createHash, generatePrimeSync } from "node:crypto";
import { id_ecPublicKey } from "@peculiar/asn1-ecc";
import { id_rsaEncryption, RSAPublicKey } from "@peculiar/asn1-rsa";
import { AsnConvert } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier, SubjectPublicKeyInfo } from "@peculiar/asn1-x509";
import * as asn1js from "asn1js";
import { fromHex, fromPem, toBytes, toHex } from "../../src/pki/bytes.ts";
import { curves, type NamedCurve } from "../../src/pki/signature-algorithms.ts";

/** A 2049-bit key made by Infineon's RSALib: roca-detect's tests/data/pubkey03.pem (github.com/crocs-muni/roca, MIT). */
export const rocaSpki = fromPem(
  `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEBqcWmh9uPsqMPgt/43aFU
wpHvJ7BLJeGFuKsgxMal9gSFn+We3lSgr3wOcoiACtcZO7cxpb8eEXDXocZpMNQe
o+sh3t97ivXUKpHDT3IEW5bv1XyxgjAd3MJpZ+VQjpq4iZhtV+g33+cPmfw3xJj0
PBfDubBkz3BEQ9egM+A6ghaXqr8w+ynufTOzdnllqJBY47OXVL06HAB9KKI7DPp5
+dcRrG5MS093sGNLHs1oWRrwPH1TtipfLZEWPU70+PJoMa5GHthexfeIxRI//BLI
dCD9z+odG0pSw1IYJPs5mDSHObYqmG2OdrIom8Lri8BtE4FHhRuDoHGD0hBVn5Bj
IQIDAQAB
-----END PUBLIC KEY-----`,
  "PUBLIC KEY",
)[0]!;

function unsigned(n: bigint, length?: number): Uint8Array {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  if (length !== undefined) hex = hex.padStart(2 * length, "0");
  return fromHex(hex);
}

/** An INTEGER's content octets for a positive number (a 0 byte before a set top bit). */
function integer(n: bigint): Uint8Array {
  const bytes = unsigned(n);
  return bytes[0]! & 0x80 ? Uint8Array.of(0, ...bytes) : bytes;
}

/** An rsaEncryption SubjectPublicKeyInfo; `padModulus` writes the modulus with a needless 0 byte. */
export function rsaSpki(n: bigint, e: bigint, options: { padModulus?: boolean } = {}): Uint8Array {
  const modulus = options.padModulus ? Uint8Array.of(0, ...integer(n)) : integer(n);
  const key = new RSAPublicKey({
    modulus: toBytes(modulus).buffer,
    publicExponent: toBytes(integer(e)).buffer,
  });
  const info = new SubjectPublicKeyInfo({
    algorithm: new AlgorithmIdentifier({ algorithm: id_rsaEncryption, parameters: null }),
    subjectPublicKey: AsnConvert.serialize(key),
  });
  return new Uint8Array(AsnConvert.serialize(info));
}

export function rsaModulus(spki: Uint8Array): bigint {
  const info = AsnConvert.parse(toBytes(spki), SubjectPublicKeyInfo);
  return BigInt(`0x${toHex(new Uint8Array(AsnConvert.parse(info.subjectPublicKey, RSAPublicKey).modulus))}`);
}

/** An id-ecPublicKey SubjectPublicKeyInfo on a named curve, with the point bytes as given. */
export function rawEcSpki(curve: NamedCurve, point: Uint8Array): Uint8Array {
  const info = new SubjectPublicKeyInfo({
    algorithm: new AlgorithmIdentifier({
      algorithm: id_ecPublicKey,
      parameters: new asn1js.ObjectIdentifier({ value: curves[curve].oid }).toBER(),
    }),
    subjectPublicKey: toBytes(point).buffer,
  });
  return new Uint8Array(AsnConvert.serialize(info));
}

/** The uncompressed point of an EC public key. */
export async function ecPoint(publicKey: CryptoKey): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.exportKey("raw", publicKey));
}

/** The same key with its point compressed (02/03 || x, SEC 1 §2.3.3). */
export async function compressedSpki(publicKey: CryptoKey): Promise<Uint8Array> {
  const point = await ecPoint(publicKey);
  const size = (point.length - 1) / 2;
  const compressed = Uint8Array.of(2 + (point[point.length - 1]! & 1), ...point.subarray(1, 1 + size));
  return rawEcSpki((publicKey.algorithm as EcKeyAlgorithm).namedCurve as NamedCurve, compressed);
}

function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  let result = 1n;
  base %= m;
  while (exp > 0n) {
    if (exp & 1n) result = (result * base) % m;
    base = (base * base) % m;
    exp >>= 1n;
  }
  return result;
}

function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1, t0, t1] = [m, a % m, 0n, 1n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1, t0, t1] = [r1, r0 - q * r1, t1, t0 - q * t1];
  }
  if (r0 !== 1n) throw new Error("not invertible");
  return ((t0 % m) + m) % m;
}

const sha256DigestInfo = fromHex("3031300d060960864801650304020105000420");

/** EMSA-PKCS1-v1_5 (RFC 8017 §9.2) of the SHA-256 of `data`, as a k-byte number. */
export function pkcs1Padding(data: Uint8Array, k: number): bigint {
  const t = Uint8Array.of(...sha256DigestInfo, ...createHash("sha256").update(data).digest());
  const em = new Uint8Array(k);
  em[1] = 1;
  em.fill(0xff, 2, k - t.length - 1);
  em.set(t, k - t.length);
  return BigInt(`0x${toHex(em)}`);
}

/** An RSA "key pair" of numbers: the SPKI of (n, e), and d to sign with (1 when e is 1). */
export interface NumberKey {
  n: bigint;
  e: bigint;
  d: bigint;
}

/** n = p·q with d for e; `close` makes q the next prime after p + 2^500 (Fermat finds them at once). */
export function numberKey(e: bigint, options: { close?: boolean; smallFactor?: bigint } = {}): NumberKey {
  const prime = (bits: number) => {
    for (;;) {
      const p = generatePrimeSync(bits, { bigint: true });
      if ((p - 1n) % e !== 0n || e === 1n) return p;
    }
  };
  let p: bigint;
  let q: bigint;
  if (options.smallFactor) {
    p = options.smallFactor;
    q = prime(2048 - p.toString(2).length + 1);
  } else {
    p = prime(1024);
    if (options.close) {
      q = p + (1n << 500n);
      while (!checkPrimeSync(q) || (q - 1n) % e === 0n) q += 2n;
    } else {
      q = prime(1024);
    }
  }
  const n = p * q;
  const lambda = ((p - 1n) * (q - 1n)) / gcd(p - 1n, q - 1n);
  return { n, e, d: e === 1n ? 1n : modInverse(e, lambda) };
}

function gcd(a: bigint, b: bigint): bigint {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * A key pair and a Crypto for buildCertReqMsg: its exportKey gives `spki` and its sign runs `sign`,
 * so that a CertReqMsg carries a key no WebCrypto would make, with a POP as the attacker makes it.
 */
export function craftedKeys(
  spki: Uint8Array,
  algorithm: RsaHashedKeyAlgorithm | EcKeyAlgorithm,
  sign: (data: Uint8Array) => Uint8Array | Promise<Uint8Array>,
): { keys: CryptoKeyPair; crypto: Crypto } {
  const key = { algorithm, type: "private", extractable: false, usages: ["sign"] } as unknown as CryptoKey;
  const subtle = {
    exportKey: async () => toBytes(spki).buffer,
    sign: async (_params: unknown, _key: unknown, data: ArrayBuffer) =>
      toBytes(await sign(new Uint8Array(data))).buffer,
  };
  return { keys: { publicKey: key, privateKey: key }, crypto: { subtle } as unknown as Crypto };
}

const rsaAlgorithm = (n: bigint): RsaHashedKeyAlgorithm => ({
  name: "RSASSA-PKCS1-v1_5",
  modulusLength: n.toString(2).length,
  publicExponent: toBytes(unsigned(65537n)),
  hash: { name: "SHA-256" },
});

/** A sha256WithRSAEncryption signature by a number key: the padded hash raised to d (itself when d is 1). */
export function numberSign(key: NumberKey, data: Uint8Array): Uint8Array {
  const k = Math.ceil(key.n.toString(2).length / 8);
  return unsigned(modPow(pkcs1Padding(data, k), key.d, key.n), k);
}

/** A request key for an RSA number key, its POP made by `numberSign`. */
export function numberKeyPair(key: NumberKey, spki = rsaSpki(key.n, key.e)) {
  return craftedKeys(spki, rsaAlgorithm(key.n), (data) => numberSign(key, data));
}

/** A request key that claims `spki` but signs with a real EC private key (of the same point, or another). */
export function ecKeyPair(spki: Uint8Array, keys: CryptoKeyPair) {
  return craftedKeys(
    spki,
    keys.privateKey.algorithm as EcKeyAlgorithm,
    async (data) =>
      new Uint8Array(
        await crypto.subtle.sign(
          {
            name: "ECDSA",
            hash: curves[(keys.privateKey.algorithm as EcKeyAlgorithm).namedCurve as NamedCurve].hash,
          },
          keys.privateKey,
          toBytes(data),
        ),
      ),
  );
}
