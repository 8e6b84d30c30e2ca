// The password-based MAC of CMP (RFC 4210 §5.1.3.1) with RFC 4211 §4.4's PBMParameter: reading and
// bounding the parameters, deriving the key from an authorisation code, checking a MAC'd message.
import { sha1 } from "@noble/hashes/legacy.js";
import { sha256, sha384, sha512 } from "@noble/hashes/sha2.js";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier } from "@peculiar/asn1-x509";
import { id_PasswordBasedMac, PbmParameter } from "./asn1/crmf.ts";
import { equalBytes, toBytes } from "./bytes.ts";
import type { CmpMessage } from "./cmp.ts";
import { PkiError } from "./errors.ts";

/**
 * The PBM iteration count a CA accepts: at least 100 (RFC 4211 §4.4 and OpenSSL's floor) and at
 * most 2,000. A server derives the key before it knows the sender, on its event loop: one round
 * costs it 1.5–1.9 µs (SHA-1 to SHA-512 through Node's hash, docs/ca.md), so 2,000 keep one
 * request under 4 ms. OpenSSL's client sends 500.
 */
export const pbmIterationsMin = 100;
export const pbmIterationsMax = 2_000;

/** What our own client asks for: the most a CA accepts, SHA-256, HMAC-SHA256. */
export const pbmIterationsDefault = pbmIterationsMax;

/** The PBM's one-way functions by OID, as WebCrypto names them. */
const owfs: Record<string, PbmHash> = {
  "1.3.14.3.2.26": "SHA-1",
  "2.16.840.1.101.3.4.2.1": "SHA-256",
  "2.16.840.1.101.3.4.2.2": "SHA-384",
  "2.16.840.1.101.3.4.2.3": "SHA-512",
};
export type PbmHash = "SHA-1" | "SHA-256" | "SHA-384" | "SHA-512";
/** A synchronous hash: @noble/hashes here, anywhere; a platform's own where the caller has one. */
export type SyncDigest = (hash: PbmHash, data: Uint8Array) => Uint8Array;
const nobleHashes: Record<PbmHash, (data: Uint8Array) => Uint8Array> = {
  "SHA-1": sha1,
  "SHA-256": sha256,
  "SHA-384": sha384,
  "SHA-512": sha512,
};
const nobleDigest: SyncDigest = (hash, data) => nobleHashes[hash](data);
const macs: Record<string, string> = {
  "1.3.6.1.5.5.8.1.2": "SHA-1", // hmac-sha1 (RFC 4210's own), OpenSSL's default
  "1.2.840.113549.2.7": "SHA-1", // hmacWithSHA1
  "1.2.840.113549.2.9": "SHA-256",
  "1.2.840.113549.2.10": "SHA-384",
  "1.2.840.113549.2.11": "SHA-512",
};
const id_sha256 = "2.16.840.1.101.3.4.2.1";
const id_hmacWithSHA256 = "1.2.840.113549.2.9";

/** The base key and HMAC key of a password-based MAC, computed once per secret and parameters. */
export interface PbmKey {
  params: PbmParameter;
  hmacKey: CryptoKey;
  /** The protectionAlg of messages MACed with it (DER AlgorithmIdentifier). */
  algorithm: Uint8Array;
}

/** The PBMParameter of a MAC-protected message; bad_parameters for an iteration count out of bounds. */
export function readPbmParameter(alg: AlgorithmIdentifier): PbmParameter {
  if (alg.algorithm !== id_PasswordBasedMac || !alg.parameters) {
    throw new PkiError("unsupported_algorithm", `protection algorithm ${alg.algorithm}`);
  }
  let params: PbmParameter;
  const der = new Uint8Array(alg.parameters);
  try {
    params = AsnConvert.parse(der, PbmParameter);
  } catch (e) {
    throw new PkiError("malformed", "unreadable PBMParameter", { cause: e });
  }
  // The schema reader takes BER, and skips bytes after the SEQUENCE and elements after `mac`: only
  // DER that it writes back byte for byte is a PBMParameter, so what a server keeps of one is its size.
  if (!equalBytes(new Uint8Array(AsnConvert.serialize(params)), der)) {
    throw new PkiError("malformed", "PBMParameter not in DER");
  }
  if (!Number.isSafeInteger(params.iterationCount)) {
    throw new PkiError("bad_parameters", "PBM iteration count out of range");
  }
  if (params.iterationCount < pbmIterationsMin || params.iterationCount > pbmIterationsMax) {
    throw new PkiError(
      "bad_parameters",
      `PBM iteration count ${params.iterationCount} outside ${pbmIterationsMin}–${pbmIterationsMax}`,
    );
  }
  if (params.salt.byteLength < 8 || params.salt.byteLength > 64) {
    throw new PkiError("bad_parameters", "PBM salt must be 8–64 bytes");
  }
  if (!owfs[params.owf.algorithm] || !macs[params.mac.algorithm]) {
    throw new PkiError("unsupported_algorithm", `PBM with ${params.owf.algorithm} / ${params.mac.algorithm}`);
  }
  // A hash and an HMAC take no parameters (absent or NULL); anything else there is no PBM we know,
  // and would let a request make the parameters (and what a server keeps of them) as large as itself.
  if (!noParameters(params.owf) || !noParameters(params.mac)) {
    throw new PkiError("bad_parameters", "PBM owf and mac take no parameters");
  }
  return params;
}

function noParameters(alg: AlgorithmIdentifier): boolean {
  const p = alg.parameters;
  return p === undefined || p === null || equalBytes(new Uint8Array(p), nullDer);
}
const nullDer = new Uint8Array([0x05, 0x00]);

/**
 * RFC 4211 §4.4: BASEKEY = OWF(secret ‖ salt), hashed again iterationCount − 1 times (as OpenSSL
 * counts), then HMAC keyed by BASEKEY. Synchronous hashing: tens of thousands of awaited WebCrypto
 * digests would take a hundred times longer. A server passes its platform's hash as `digest`
 * (Node's is faster than any in JavaScript).
 */
export async function pbmKey(
  secret: Uint8Array,
  params: PbmParameter,
  crypto: Crypto = globalThis.crypto,
  digest: SyncDigest = nobleDigest,
): Promise<PbmKey> {
  const owf = owfs[params.owf.algorithm];
  const hash = macs[params.mac.algorithm];
  if (!owf || !hash) throw new PkiError("unsupported_algorithm", "PBM algorithms");
  const salt = new Uint8Array(params.salt.buffer);
  const first = new Uint8Array(secret.length + salt.length);
  first.set(secret);
  first.set(salt, secret.length);
  let key = digest(owf, first);
  for (let i = 1; i < params.iterationCount; i++) key = digest(owf, key);
  const hmacKey = await crypto.subtle.importKey("raw", toBytes(key), { name: "HMAC", hash }, false, [
    "sign",
    "verify",
  ]);
  return { params, hmacKey, algorithm: new Uint8Array(AsnConvert.serialize(pbmAlgorithm(params))) };
}

/** Fresh PBM parameters for our own client (SHA-256, HMAC-SHA256, 16-byte salt). */
export function newPbmParameter(
  iterations = pbmIterationsDefault,
  crypto: Crypto = globalThis.crypto,
): PbmParameter {
  return new PbmParameter({
    salt: new OctetString(crypto.getRandomValues(new Uint8Array(16))),
    owf: new AlgorithmIdentifier({ algorithm: id_sha256 }),
    iterationCount: iterations,
    mac: new AlgorithmIdentifier({ algorithm: id_hmacWithSHA256, parameters: null }),
  });
}

export function pbmAlgorithm(params: PbmParameter): AlgorithmIdentifier {
  return new AlgorithmIdentifier({
    algorithm: id_PasswordBasedMac,
    parameters: AsnConvert.serialize(params),
  });
}

/** Whether a MAC-protected message verifies under this key (constant-time, by WebCrypto). */
export async function verifyMacProtection(
  msg: CmpMessage,
  key: PbmKey,
  crypto: Crypto = globalThis.crypto,
): Promise<boolean> {
  if (!msg.protection) return false;
  return crypto.subtle.verify("HMAC", key.hmacKey, msg.protection, toBytes(msg.protectedPart));
}
