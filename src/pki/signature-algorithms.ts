// One table of the signatures src/pki makes and checks: key type (RSA of a size, EC on a named curve)
// ↔ WebCrypto parameters ↔ AlgorithmIdentifier ↔ hash. RSA is PKCS#1 v1.5 with NULL parameters
// (RFC 4055 §5), ECDSA has none (RFC 5758 §3.2) and hashes by its curve's strength (RFC 5480 §4),
// digest algorithms are written without parameters (RFC 5754 §2), curves are named (RFC 5480 §2.1.1.1).
import { ECDSASigValue, id_ecPublicKey } from "@peculiar/asn1-ecc";
import { id_rsaEncryption, RSAPublicKey } from "@peculiar/asn1-rsa";
import { AsnConvert } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier, SubjectPublicKeyInfo } from "@peculiar/asn1-x509";
import * as asn1js from "asn1js";
import { concatBytes, equalBytes, toBytes, toHex } from "./bytes.ts";
import { ecdsaToDer } from "./der.ts";
import { PkiError } from "./errors.ts";

export type HashName = "SHA-256" | "SHA-384" | "SHA-512";
export type NamedCurve = "P-256" | "P-384" | "P-521";
export type KeyKind = "RSA" | "EC";

/** A key as signatures tell keys apart: RSA of a modulus size, or ECDSA on a named curve. */
export type KeyType = { kind: "RSA"; modulusBits: number } | { kind: "EC"; curve: NamedCurve };

/** The hashes we sign with and accept in signatures (SHA-1 is refused), with their RFC 5754 §2 OIDs. */
export const hashOids: Readonly<Record<HashName, string>> = {
  "SHA-256": "2.16.840.1.101.3.4.2.1",
  "SHA-384": "2.16.840.1.101.3.4.2.2",
  "SHA-512": "2.16.840.1.101.3.4.2.3",
};

interface CurveEntry {
  oid: string;
  /** The hash an ECDSA signature on this curve takes unless told otherwise (RFC 5480 §4). */
  hash: HashName;
  /** Bytes of r and of s in WebCrypto's r||s form. */
  size: number;
}

export const curves: Readonly<Record<NamedCurve, CurveEntry>> = {
  "P-256": { oid: "1.2.840.10045.3.1.7", hash: "SHA-256", size: 32 },
  "P-384": { oid: "1.3.132.0.34", hash: "SHA-384", size: 48 },
  "P-521": { oid: "1.3.132.0.35", hash: "SHA-512", size: 66 },
};

/** One signature algorithm: its AlgorithmIdentifier, the key it needs and the hash it signs with. */
export interface SignatureAlgorithm {
  /** The RFC's name for it, for messages. */
  readonly name: string;
  readonly oid: string;
  readonly key: KeyKind;
  readonly hash: HashName;
  /** DER of the AlgorithmIdentifier as we write it: NULL parameters for RSA, none for ECDSA. */
  readonly identifierDer: Uint8Array;
}

function entry(name: string, oid: string, key: KeyKind, hash: HashName): SignatureAlgorithm {
  const identifier = new AlgorithmIdentifier(
    key === "RSA" ? { algorithm: oid, parameters: null } : { algorithm: oid },
  );
  return { name, oid, key, hash, identifierDer: new Uint8Array(AsnConvert.serialize(identifier)) };
}

export const signatureAlgorithms: readonly SignatureAlgorithm[] = [
  entry("sha256WithRSAEncryption", "1.2.840.113549.1.1.11", "RSA", "SHA-256"),
  entry("sha384WithRSAEncryption", "1.2.840.113549.1.1.12", "RSA", "SHA-384"),
  entry("sha512WithRSAEncryption", "1.2.840.113549.1.1.13", "RSA", "SHA-512"),
  entry("ecdsa-with-SHA256", "1.2.840.10045.4.3.2", "EC", "SHA-256"),
  entry("ecdsa-with-SHA384", "1.2.840.10045.4.3.3", "EC", "SHA-384"),
  entry("ecdsa-with-SHA512", "1.2.840.10045.4.3.4", "EC", "SHA-512"),
];

const byOid = new Map(signatureAlgorithms.map((a) => [a.oid, a]));
/** The same, keyed by the hex of the OBJECT IDENTIFIER's content octets (for reading DER in place). */
const byOidContentHex = new Map(
  signatureAlgorithms.map((a) => {
    const oid = new Uint8Array(new asn1js.ObjectIdentifier({ value: a.oid }).toBER());
    return [toHex(oid.subarray(2)), a];
  }),
);

/**
 * The keys a personal certificate may carry, which the CA's key policy certifies: RSA of 2048 to
 * 4096 bits (NPKI's norm is 2048) and ECDSA on P-256 or P-384. Each of them signs CMS, CMP
 * protection, CRMF POPs and CSRs through this table (test/pki/signature-algorithms*.test.ts).
 */
export const personalKeyTypes = {
  rsaModulusBitsMin: 2048,
  rsaModulusBitsMax: 4096,
  curves: ["P-256", "P-384"] as readonly NamedCurve[],
} as const;

export function isPersonalKeyType(type: KeyType): boolean {
  return type.kind === "RSA"
    ? type.modulusBits >= personalKeyTypes.rsaModulusBitsMin &&
        type.modulusBits <= personalKeyTypes.rsaModulusBitsMax
    : personalKeyTypes.curves.includes(type.curve);
}

/** "RSA-2048", "P-384": how people name key types. */
export function keyTypeName(type: KeyType): string {
  return type.kind === "RSA" ? `RSA-${type.modulusBits}` : type.curve;
}

/** The algorithm of `key` signing with `hash`; unsupported_algorithm for pairs not in the table. */
export function signatureAlgorithmOf(key: KeyKind, hash: HashName | string): SignatureAlgorithm {
  const found = signatureAlgorithms.find((a) => a.key === key && a.hash === hash);
  if (!found) throw new PkiError("unsupported_algorithm", `${key} signatures with ${hash}`);
  return found;
}

/** The table's entry for the content octets of an OBJECT IDENTIFIER read off DER, or undefined. */
export function signatureAlgorithmByOidContent(content: Uint8Array): SignatureAlgorithm | undefined {
  return byOidContentHex.get(toHex(content));
}

/** The hash named by a digest AlgorithmIdentifier's OID, or undefined (SHA-1 among them). */
export function hashByOid(oid: string): HashName | undefined {
  return (Object.keys(hashOids) as HashName[]).find((h) => hashOids[h] === oid);
}

/** A digest AlgorithmIdentifier; RFC 5754 §2: written with the parameters absent. */
export function digestAlgorithmIdentifier(hash: HashName): AlgorithmIdentifier {
  return new AlgorithmIdentifier({ algorithm: hashOids[hash] });
}

/** A signature AlgorithmIdentifier as we write it (a fresh object, the caller may place it). */
export function signatureAlgorithmIdentifier(algorithm: SignatureAlgorithm): AlgorithmIdentifier {
  return AsnConvert.parse(toBytes(algorithm.identifierDer), AlgorithmIdentifier);
}

const nullDer = Uint8Array.of(0x05, 0x00);

/**
 * The table's entry for a signature AlgorithmIdentifier read from a structure. Parameters absent or
 * NULL are accepted for both families (RFC 4055 §5 asks readers of RSA to take both; OpenSSL reads
 * ECDSA's so too); unsupported_algorithm for any other OID (SHA-1 among them) or parameters.
 */
export function readSignatureAlgorithm(identifier: AlgorithmIdentifier): SignatureAlgorithm {
  const found = byOid.get(identifier.algorithm);
  const p = identifier.parameters;
  if (!found || !(p === undefined || p === null || equalBytes(new Uint8Array(p), nullDer))) {
    throw new PkiError("unsupported_algorithm", `signature algorithm ${identifier.algorithm}`);
  }
  return found;
}

/** The key type of a CryptoKey; unsupported_algorithm for keys that do not sign in this table. */
export function keyTypeOf(key: CryptoKey): KeyType {
  const alg = key.algorithm as Partial<RsaHashedKeyAlgorithm & EcKeyAlgorithm>;
  if (alg.name === "RSASSA-PKCS1-v1_5" && alg.modulusLength) {
    return { kind: "RSA", modulusBits: alg.modulusLength };
  }
  if (alg.name === "ECDSA" && alg.namedCurve && alg.namedCurve in curves) {
    return { kind: "EC", curve: alg.namedCurve as NamedCurve };
  }
  throw new PkiError(
    "unsupported_algorithm",
    `signing key ${alg.name ?? "unknown"} ${alg.namedCurve ?? alg.hash?.name ?? ""}`.trim(),
  );
}

/**
 * The signature algorithm a private key signs with. An RSA key signs with the hash WebCrypto bound
 * to it on import; an ECDSA key with `hash` when given, else its curve's hash (ecdsa-with-SHA256 on
 * P-256, ecdsa-with-SHA384 on P-384). unsupported_algorithm for any other key (SHA-1 RSA among them).
 */
export function signatureAlgorithmFor(key: CryptoKey, options: { hash?: HashName } = {}): SignatureAlgorithm {
  const type = keyTypeOf(key);
  if (type.kind === "RSA") {
    return signatureAlgorithmOf("RSA", (key.algorithm as RsaHashedKeyAlgorithm).hash.name);
  }
  return signatureAlgorithmOf("EC", options.hash ?? curves[type.curve].hash);
}

/** What `crypto.subtle.sign` and `verify` take for the algorithm (an RSA key carries its hash). */
export function signParams(algorithm: SignatureAlgorithm): Algorithm | EcdsaParams {
  return algorithm.key === "RSA" ? { name: "RSASSA-PKCS1-v1_5" } : { name: "ECDSA", hash: algorithm.hash };
}

/** What `crypto.subtle.importKey` takes to import a key of this type for the algorithm. */
export function importParams(
  type: { kind: "RSA" } | { kind: "EC"; curve: NamedCurve },
  hash: HashName = type.kind === "EC" ? curves[type.curve].hash : "SHA-256",
): RsaHashedImportParams | EcKeyImportParams {
  return type.kind === "RSA"
    ? { name: "RSASSA-PKCS1-v1_5", hash }
    : { name: "ECDSA", namedCurve: type.curve };
}

/** What `crypto.subtle.generateKey` takes for a key of this type (RSA: exponent 65537, signing with `hash`). */
export function generateKeyParams(
  type: KeyType,
  hash: HashName = "SHA-256",
): RsaHashedKeyGenParams | EcKeyGenParams {
  return type.kind === "RSA"
    ? {
        name: "RSASSA-PKCS1-v1_5",
        modulusLength: type.modulusBits,
        publicExponent: Uint8Array.of(1, 0, 1),
        hash,
      }
    : { name: "ECDSA", namedCurve: type.curve };
}

/** A SubjectPublicKeyInfo read for its key type. */
export interface PublicKeyInfo {
  type: KeyType;
  /** The SubjectPublicKeyInfo's DER. */
  spki: Uint8Array;
}

function curveByOid(oid: string | undefined): NamedCurve | undefined {
  return (Object.keys(curves) as NamedCurve[]).find((c) => curves[c].oid === oid);
}

/**
 * The curve of the table that EC key parameters name (ECParameters' namedCurve, RFC 5480 §2.1.1),
 * or undefined for another curve, explicit parameters or none.
 */
export function curveOfParameters(params: ArrayBuffer | null | undefined): NamedCurve | undefined {
  const parsed = params ? asn1js.fromBER(params) : undefined;
  return parsed?.offset === params?.byteLength && parsed?.result instanceof asn1js.ObjectIdentifier
    ? curveByOid(parsed.result.getValue())
    : undefined;
}

function bitLength(n: Uint8Array): number {
  let i = 0;
  while (i < n.length && n[i] === 0) i++;
  if (i === n.length) return 0;
  return (n.length - i) * 8 - Math.clz32(n[i]!) + 24;
}

/** A public key's type, or undefined when it is not an rsaEncryption or named-curve EC key we know. */
function keyTypeOfSpki(info: SubjectPublicKeyInfo): KeyType | undefined {
  const oid = info.algorithm.algorithm;
  if (oid === id_rsaEncryption) {
    const key = AsnConvert.parse(info.subjectPublicKey, RSAPublicKey);
    return { kind: "RSA", modulusBits: bitLength(new Uint8Array(key.modulus)) };
  }
  if (oid === id_ecPublicKey) {
    const curve = curveOfParameters(info.algorithm.parameters);
    return curve ? { kind: "EC", curve } : undefined;
  }
  return undefined;
}

/** A SubjectPublicKeyInfo parsed: its key kind, when RSA or EC, and its type when the table knows it. */
function readSpki(spki: Uint8Array): {
  kind: KeyKind | undefined;
  type: KeyType | undefined;
  spki: Uint8Array;
} {
  try {
    const info = AsnConvert.parse(toBytes(spki), SubjectPublicKeyInfo);
    const oid = info.algorithm.algorithm;
    const kind = oid === id_rsaEncryption ? "RSA" : oid === id_ecPublicKey ? "EC" : undefined;
    return { kind, type: keyTypeOfSpki(info), spki };
  } catch (e) {
    throw new PkiError("malformed", "the public key is not a SubjectPublicKeyInfo", { cause: e });
  }
}

/**
 * Reads a SubjectPublicKeyInfo for its key type: malformed when it does not parse,
 * unsupported_algorithm when it is not RSA (rsaEncryption) or EC on a curve of the table.
 */
export function readPublicKey(spki: Uint8Array): PublicKeyInfo {
  const { type } = readSpki(spki);
  if (!type) throw new PkiError("unsupported_algorithm", "the public key's algorithm or curve");
  return { type, spki };
}

/** The key type of a SubjectPublicKeyInfo, or undefined when it cannot be read or is not in the table. */
export function publicKeyType(spki: Uint8Array): KeyType | undefined {
  try {
    return readPublicKey(spki).type;
  } catch {
    return undefined;
  }
}

/**
 * Signs `data` with `key` as X.509, CMS and CMP carry signatures: the algorithm with its
 * AlgorithmIdentifier, and for ECDSA the DER ECDSA-Sig-Value (RFC 3279 §2.2.3) rather than r||s.
 */
export async function signData(options: {
  key: CryptoKey;
  data: Uint8Array | ArrayBuffer;
  /** The algorithm when the caller has worked it out already (it must fit the key); the key's own otherwise. */
  algorithm?: SignatureAlgorithm;
  crypto?: Crypto;
}): Promise<{ algorithm: SignatureAlgorithm; signature: Uint8Array<ArrayBuffer> }> {
  const crypto = options.crypto ?? globalThis.crypto;
  const algorithm = options.algorithm ?? signatureAlgorithmFor(options.key);
  const data = options.data instanceof ArrayBuffer ? options.data : toBytes(options.data);
  const raw = new Uint8Array(await crypto.subtle.sign(signParams(algorithm), options.key, data));
  const signature = algorithm.key === "EC" ? new Uint8Array(ecdsaToDer(raw)) : raw;
  return { algorithm, signature };
}

/**
 * Whether `signature` (as X.509, CMS and CMP carry it) over `data` verifies under the public key
 * with the algorithm given. False when the key is not of the algorithm's kind, an RSA key's
 * exponent is even or 1 (RFC 8017 §3.1), or the signature does not verify (an ECDSA signature
 * that is not a DER ECDSA-Sig-Value among them); unsupported_algorithm for an AlgorithmIdentifier
 * not in the table or a key on a curve we do not know; malformed for a key that cannot be read or
 * imported.
 */
export async function verifySignature(options: {
  /** SubjectPublicKeyInfo DER, or as `readPublicKey` gives it. */
  publicKey: Uint8Array | PublicKeyInfo;
  algorithm: SignatureAlgorithm | AlgorithmIdentifier;
  signature: Uint8Array | ArrayBuffer;
  data: Uint8Array | ArrayBuffer;
  crypto?: Crypto;
}): Promise<boolean> {
  const crypto = options.crypto ?? globalThis.crypto;
  const algorithm =
    "oid" in options.algorithm ? options.algorithm : readSignatureAlgorithm(options.algorithm);
  const info =
    options.publicKey instanceof Uint8Array
      ? readSpki(options.publicKey)
      : { ...options.publicKey, kind: options.publicKey.type.kind };
  // A signature algorithm of another key type cannot have been made by this key.
  if (info.kind !== algorithm.key) return false;
  const { type } = info;
  if (!type) throw new PkiError("unsupported_algorithm", "the public key's curve");
  const key = await importVerifyingKey({ type, spki: info.spki }, algorithm, crypto);
  return key
    ? verifyWithKey({ key, algorithm, signature: options.signature, data: options.data, crypto })
    : false;
}

/**
 * The public key imported to verify `algorithm`'s signatures, for a caller that verifies many
 * with one key (verifySignature imports it each time); false when no signature of the algorithm
 * can verify under it (another key type, an RSA exponent RFC 8017 §3.1 does not allow), malformed
 * when it cannot be imported.
 */
export async function importVerifyingKey(
  publicKey: PublicKeyInfo,
  algorithm: SignatureAlgorithm,
  crypto: Crypto = globalThis.crypto,
): Promise<CryptoKey | false> {
  const { type } = publicKey;
  if (type.kind !== algorithm.key) return false;
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey(
      "spki",
      toBytes(publicKey.spki),
      importParams(type, algorithm.hash),
      false,
      ["verify"],
    );
  } catch (e) {
    throw new PkiError("malformed", "the public key cannot be imported", { cause: e });
  }
  // WebCrypto (OpenSSL under Node) imports and verifies with e = 1, under which the "signature" is
  // the padded hash itself: anyone can make one. RFC 8017 §3.1 wants e odd and at least 3.
  if (type.kind === "RSA" && !usableRsaExponent((key.algorithm as RsaHashedKeyAlgorithm).publicExponent)) {
    return false;
  }
  return key;
}

/** verifySignature with a key importVerifyingKey gave for the same algorithm. */
export async function verifyWithKey(options: {
  key: CryptoKey;
  algorithm: SignatureAlgorithm;
  signature: Uint8Array | ArrayBuffer;
  data: Uint8Array | ArrayBuffer;
  crypto?: Crypto;
}): Promise<boolean> {
  const crypto = options.crypto ?? globalThis.crypto;
  const { algorithm } = options;
  let signature =
    options.signature instanceof ArrayBuffer ? new Uint8Array(options.signature) : options.signature;
  if (algorithm.key === "EC") {
    const curve = (options.key.algorithm as EcKeyAlgorithm).namedCurve as NamedCurve;
    const raw = ecdsaFromDer(signature, curves[curve].size);
    if (!raw) return false;
    signature = raw;
  }
  const data = options.data instanceof ArrayBuffer ? options.data : toBytes(options.data);
  return crypto.subtle.verify(signParams(algorithm), options.key, toBytes(signature), data);
}

/** An RSA public exponent RFC 8017 §3.1 allows: odd and at least 3 (big-endian bytes). */
function usableRsaExponent(e: Uint8Array): boolean {
  let i = 0;
  while (i < e.length && e[i] === 0) i++;
  return i < e.length && (e[e.length - 1]! & 1) === 1 && !(i === e.length - 1 && e[i] === 1);
}

/** A DER ECDSA-Sig-Value as r||s of `size` bytes each; undefined when it is not one. */
function ecdsaFromDer(der: Uint8Array, size: number): Uint8Array | undefined {
  let value: ECDSASigValue;
  try {
    value = AsnConvert.parse(toBytes(der), ECDSASigValue);
  } catch {
    return undefined;
  }
  if (AsnConvert.serialize(value).byteLength !== der.length) return undefined;
  const r = fixedWidth(new Uint8Array(value.r), size);
  const s = fixedWidth(new Uint8Array(value.s), size);
  return r && s ? concatBytes(r, s) : undefined;
}

function fixedWidth(n: Uint8Array, size: number): Uint8Array | undefined {
  if (n.length === 0 || n[0]! & 0x80) return undefined; // empty or negative
  let start = 0;
  while (start < n.length && n[start] === 0) start++;
  const body = n.subarray(start);
  if (body.length > size) return undefined;
  const out = new Uint8Array(size);
  out.set(body, size - body.length);
  return out;
}
