// The integrity MAC of PKCS#12: the key derivation of RFC 7292 Appendix B (B.1's BMPString password,
// B.2's key material) and the HMAC over the authSafe that it keys (§5.1), on WebCrypto.
import { id_sha1, id_sha256, id_sha384, id_sha512 } from "@peculiar/asn1-rsa";
import { concatBytes, toBytes } from "./bytes.ts";

/** The hashes the MAC may use: all that WebCrypto has (SHA-224, MD5 and the like are not). */
export type Pkcs12MacHash = "sha1" | "sha256" | "sha384" | "sha512";
/** u: the digest's bytes, v: its block's bytes (the u and v of RFC 7292 B.2). */
export const pkcs12MacHashes: Record<Pkcs12MacHash, { oid: string; name: string; u: number; v: number }> = {
  sha1: { oid: id_sha1, name: "SHA-1", u: 20, v: 64 },
  sha256: { oid: id_sha256, name: "SHA-256", u: 32, v: 64 },
  sha384: { oid: id_sha384, name: "SHA-384", u: 48, v: 128 },
  sha512: { oid: id_sha512, name: "SHA-512", u: 64, v: 128 },
};

/** The password as RFC 7292 B.1 wants it: a BMPString, UTF-16 big-endian, with two zero bytes at the end. */
export function bmpPassword(password: string): Uint8Array {
  const out = new Uint8Array(2 * password.length + 2);
  for (let i = 0; i < password.length; i++) {
    const unit = password.charCodeAt(i);
    out[2 * i] = unit >>> 8;
    out[2 * i + 1] = unit & 0xff;
  }
  return out;
}

/** `bytes` repeated to fill `v * ceil(bytes.length / v)` bytes (nothing when `bytes` is empty). */
function fillBlocks(bytes: Uint8Array, v: number): Uint8Array {
  const out = new Uint8Array(v * Math.ceil(bytes.length / v));
  for (let i = 0; i < out.length; i++) out[i] = bytes[i % bytes.length]!;
  return out;
}

/**
 * RFC 7292 Appendix B.2: `n` bytes of key material of purpose `id` (1 cipher key, 2 IV, 3 MAC key)
 * from a password already encoded as in B.1 (see {@link bmpPassword}); exported for tests.
 */
export async function pkcs12Kdf(
  hash: Pkcs12MacHash,
  password: Uint8Array,
  salt: Uint8Array,
  id: number,
  iterations: number,
  n: number,
  crypto: Crypto = globalThis.crypto,
): Promise<Uint8Array> {
  const { name, u, v } = pkcs12MacHashes[hash];
  const d = new Uint8Array(v).fill(id);
  const i = concatBytes(fillBlocks(salt, v), fillBlocks(password, v));
  const out = new Uint8Array(u * Math.ceil(n / u));
  for (let block = 0; block * u < n; block++) {
    let a = new Uint8Array(await crypto.subtle.digest(name, toBytes(concatBytes(d, i))));
    for (let r = 1; r < iterations; r++) a = new Uint8Array(await crypto.subtle.digest(name, a));
    out.set(a, block * u);
    if ((block + 1) * u >= n) break;
    // I_j = (I_j + B + 1) mod 2^(8v) for each v-byte block I_j of I, where B is A repeated to v bytes.
    const b = fillBlocks(a, v).subarray(0, v);
    for (let j = 0; j < i.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = i[j + k]! + b[k]! + carry;
        i[j + k] = sum & 0xff;
        carry = sum >>> 8;
      }
    }
  }
  return out.slice(0, n);
}

/** The MAC of RFC 7292 §5.1: HMAC over `data` (the authSafe) keyed by B.2's MAC key (ID 3). */
export async function computeMac(
  crypto: Crypto,
  hash: Pkcs12MacHash,
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  data: Uint8Array,
): Promise<Uint8Array> {
  const { name, u } = pkcs12MacHashes[hash];
  const key = await pkcs12Kdf(hash, password, salt, 3, iterations, u, crypto);
  const hmacKey = await crypto.subtle.importKey("raw", toBytes(key), { name: "HMAC", hash: name }, false, [
    "sign",
  ]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", hmacKey, toBytes(data)));
}
