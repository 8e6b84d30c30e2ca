// PKCS#12 (RFC 7292) .pfx files: one private key and its certificates, read and written as OpenSSL 3
// writes them by default. The structures are @peculiar/asn1-pfx/-cms/-pkcs8 and bag encryption is pbe.ts;
// hand-written are only the MAC key derivation (RFC 7292 Appendix B) with its WebCrypto HMAC (§5.1),
// and the CMS EncryptedData schema (RFC 5652 §8), which asn1-cms lacks.
import {
  ContentInfo,
  EncryptedContent,
  EncryptedContentInfo,
  id_data,
  id_encryptedData,
  id_envelopedData,
  id_signedData,
  UnprotectedAttributes,
} from "@peculiar/asn1-cms";
import {
  AuthenticatedSafe,
  CertBag,
  id_certBag,
  id_keyBag,
  id_pkcs_12PbeIds,
  id_pkcs8ShroudedKeyBag,
  id_SafeContents,
  id_x509Certificate,
  MacData,
  PFX,
  PKCS8ShroudedKeyBag,
  PKCS12Attribute,
  SafeBag,
  SafeContents,
} from "@peculiar/asn1-pfx";
import { DigestInfo, id_sha1, id_sha256, id_sha384, id_sha512 } from "@peculiar/asn1-rsa";
import { AsnConvert, AsnProp, AsnPropTypes, OctetString } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier, Certificate } from "@peculiar/asn1-x509";
import * as asn1js from "asn1js";
import { concatBytes, equalBytes, toBytes } from "./bytes.ts";
import { isPkiError, PkiError } from "./errors.ts";
import {
  encodePbeAlgorithm,
  newPbes2Scheme,
  type PbeScheme,
  parsePbeAlgorithm,
  pbeDecrypt,
  pbeEncrypt,
  pbkdf1IterationsMax,
} from "./pbe.ts";
import { parsePrivateKeyInfo } from "./private-key.ts";

export interface Pkcs12Contents {
  /** PKCS#8 PrivateKeyInfo DER, exactly as it was in the bag (attributes such as R included). */
  privateKey: Uint8Array;
  /** DER certificates: the key's own first when a localKeyId or friendlyName links it, else in file order. */
  certificates: Uint8Array[];
  friendlyName?: string;
}

export interface Pkcs12WriteOptions {
  /** Written as the friendlyName (BMPString) of the key and of the first certificate. */
  friendlyName?: string;
  /** PBKDF2 iterations of both bag encryptions; default 100,000. The MAC always takes 2048 (see below). */
  iterations?: number;
  /** Bag cipher under PBES2 with PBKDF2-HMAC-SHA256; default AES-256-CBC (OpenSSL 3 reads seedCBC only with its legacy provider). */
  cipher?: "aes-256-cbc" | "seed-cbc";
  /** Hash of the PKCS#12 MAC and its key derivation; default SHA-256. */
  macHash?: "sha256" | "sha1";
}

/** PBKDF2 iterations of the bags we write: the same as our NPKI key files (pbe.ts). */
export const pkcs12WriteIterations = 100_000;
/**
 * MAC iterations of the files we write: OpenSSL's and Python's default, which every reader expects.
 * The MAC is the cheaper test of a password guess, so a .pfx resists guessing at this cost, not at
 * the PBKDF2 count: the password's strength is what protects a file that leaves the device.
 */
export const pkcs12MacIterations = 2048;
/**
 * The MAC key derivation is a loop of digests, one `crypto.subtle.digest` call per iteration (some
 * 30 µs each): the bound pbe.ts sets for its own such loop (PBKDF1) keeps a hostile file to ~30 s.
 */
export const pkcs12MacIterationsMax = pbkdf1IterationsMax;

const id_friendlyName = "1.2.840.113549.1.9.20";
const id_localKeyId = "1.2.840.113549.1.9.21";
/** PBMAC1 (RFC 9579), which OpenSSL 3.4 writes on request (`-pbmac1_pbkdf2`). */
const id_PBMAC1 = "1.2.840.113549.1.5.14";

const saltBytesMax = 1024;
/** Bags inside bags (safeContentsBag): real files never nest; this only stops a runaway. */
const nestingMax = 4;
/** Each encrypted safe costs one PBKDF2 run; real files have one or two. */
const encryptedSafesMax = 16;

const reexportAdvice =
  "re-export the file with a modern tool, e.g. OpenSSL 3 with its defaults (`openssl pkcs12 -export`) " +
  "or with `-keypbe AES-256-CBC -certpbe AES-256-CBC -macalg sha256`";

/** The hashes the MAC may use: all that WebCrypto has (SHA-224, MD5 and the like are not). */
export type Pkcs12MacHash = "sha1" | "sha256" | "sha384" | "sha512";
const macHashes: Record<Pkcs12MacHash, { oid: string; name: string; u: number; v: number }> = {
  sha1: { oid: id_sha1, name: "SHA-1", u: 20, v: 64 },
  sha256: { oid: id_sha256, name: "SHA-256", u: 32, v: 64 },
  sha384: { oid: id_sha384, name: "SHA-384", u: 48, v: 128 },
  sha512: { oid: id_sha512, name: "SHA-512", u: 64, v: 128 },
};

/**
 * ```asn1
 * EncryptedData ::= SEQUENCE {
 *   version CMSVersion,
 *   encryptedContentInfo EncryptedContentInfo,
 *   unprotectedAttrs [1] IMPLICIT UnprotectedAttributes OPTIONAL }
 * ```
 * RFC 5652 §8: how PKCS#12 carries a password-encrypted SafeContents.
 */
class EncryptedData {
  @AsnProp({ type: AsnPropTypes.Integer })
  version = 0;

  @AsnProp({ type: EncryptedContentInfo })
  encryptedContentInfo = new EncryptedContentInfo();

  @AsnProp({ type: UnprotectedAttributes, context: 1, implicit: true, optional: true })
  unprotectedAttrs?: UnprotectedAttributes;

  constructor(params: Partial<EncryptedData> = {}) {
    Object.assign(this, params);
  }
}

// ---------------------------------------------------------------------------------------------
// The key derivation of RFC 7292 Appendix B.2 (the MAC key, ID 3)

/** The password as RFC 7292 B.1 wants it: a BMPString, UTF-16 big-endian, with two zero bytes at the end. */
function bmpPassword(password: string): Uint8Array {
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
  const { name, u, v } = macHashes[hash];
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

async function computeMac(
  crypto: Crypto,
  hash: Pkcs12MacHash,
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  data: Uint8Array,
): Promise<Uint8Array> {
  const { name, u } = macHashes[hash];
  const key = await pkcs12Kdf(hash, password, salt, 3, iterations, u, crypto);
  const hmacKey = await crypto.subtle.importKey("raw", toBytes(key), { name: "HMAC", hash: name }, false, [
    "sign",
  ]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", hmacKey, toBytes(data)));
}

// ---------------------------------------------------------------------------------------------
// DER helpers

function parseAs<T>(der: ArrayBuffer | Uint8Array, type: new () => T, what: string): T {
  try {
    return AsnConvert.parse(toBytes(der), type);
  } catch (e) {
    throw new PkiError("malformed", `${what} is not valid DER`, { cause: e });
  }
}

function parseBer(der: ArrayBuffer | Uint8Array, what: string): asn1js.AsnType {
  const bytes = toBytes(der);
  let parsed: ReturnType<typeof asn1js.fromBER>;
  try {
    parsed = asn1js.fromBER(bytes);
  } catch (e) {
    throw new PkiError("malformed", `${what} is not valid DER`, { cause: e });
  }
  const { offset, result } = parsed;
  if (offset === -1 || result.error) throw new PkiError("malformed", `${what} is not valid DER`);
  if (offset !== bytes.length) throw new PkiError("malformed", `trailing bytes after ${what}`);
  return result;
}

/** An OCTET STRING's contents, primitive or constructed (BER writers chunk the authSafe). */
function octetStringValue(der: ArrayBuffer | Uint8Array, what: string): Uint8Array {
  const value = parseBer(der, what);
  if (!(value instanceof asn1js.OctetString))
    throw new PkiError("malformed", `${what} is not an OCTET STRING`);
  return new Uint8Array(value.getValue());
}

function encryptedContentBytes(content: EncryptedContent | undefined): Uint8Array {
  if (content?.value) return toBytes(content.value);
  if (content?.constructedValue) return concatBytes(...content.constructedValue.map((part) => toBytes(part)));
  throw new PkiError("malformed", "an EncryptedData without content");
}

function derOf(value: unknown): Uint8Array {
  return new Uint8Array(AsnConvert.serialize(value));
}

function attribute(attrId: string, value: ArrayBuffer): PKCS12Attribute {
  // asn1-pfx 2.11's PKCS12Attribute constructor drops its argument (Object.assign(params)): set fields.
  const attr = new PKCS12Attribute();
  attr.attrId = attrId;
  attr.attrValues = [value];
  return attr;
}

function bmpString(text: string): ArrayBuffer {
  return new asn1js.BmpString({ value: text }).toBER();
}

// ---------------------------------------------------------------------------------------------
// Reading

interface BagAttributes {
  localKeyId?: Uint8Array;
  friendlyName?: string;
}

/** The attributes we use; one that does not parse is skipped, as it only orders and names. */
function readAttributes(bag: SafeBag): BagAttributes {
  const out: BagAttributes = {};
  for (const attr of bag.bagAttributes ?? []) {
    const value = attr.attrValues[0];
    if (!value) continue;
    try {
      if (attr.attrId === id_localKeyId && !out.localKeyId) {
        out.localKeyId = octetStringValue(value, "a localKeyId attribute");
      } else if (attr.attrId === id_friendlyName && out.friendlyName === undefined) {
        // A BMPString by PKCS#9; a few writers put a UTF8String.
        const name = parseBer(value, "a friendlyName attribute");
        if (name instanceof asn1js.BmpString || name instanceof asn1js.Utf8String) {
          out.friendlyName = name.valueBlock.value;
        }
      }
    } catch (e) {
      if (!isPkiError(e, "malformed")) throw e;
    }
  }
  return out;
}

/** A bag encryption scheme, with the legacy PKCS#12 ciphers refused in words a user can act on. */
function bagScheme(alg: AlgorithmIdentifier, what: string): PbeScheme {
  if (alg.algorithm.startsWith(`${id_pkcs_12PbeIds}.`)) {
    const names: Record<string, string> = {
      "1": "pbeWithSHAAnd128BitRC4",
      "2": "pbeWithSHAAnd40BitRC4",
      "3": "pbeWithSHAAnd3-KeyTripleDES-CBC",
      "4": "pbeWithSHAAnd2-KeyTripleDES-CBC",
      "5": "pbeWithSHAAnd128BitRC2-CBC",
      "6": "pbeWithSHAAnd40BitRC2-CBC",
    };
    const name = names[alg.algorithm.slice(id_pkcs_12PbeIds.length + 1)] ?? alg.algorithm;
    throw new PkiError(
      "unsupported_algorithm",
      `the ${what} is encrypted with ${name}, a legacy PKCS#12 cipher (OpenSSL -legacy, older Windows and Java exports) ` +
        `that we do not implement: ${reexportAdvice}`,
    );
  }
  try {
    return parsePbeAlgorithm(alg);
  } catch (e) {
    if (isPkiError(e, "unsupported_algorithm")) {
      throw new PkiError("unsupported_algorithm", `the ${what}: ${e.message}; ${reexportAdvice}`, {
        cause: e,
      });
    }
    throw e;
  }
}

/** One ContentInfo of the AuthenticatedSafe: bags in the clear, or a SafeContents still encrypted. */
type Safe = { bags: SafeBag[] } | { scheme: PbeScheme; ciphertext: Uint8Array };

function readSafe(info: ContentInfo): Safe {
  switch (info.contentType) {
    case id_data: {
      const contents = parseAs(octetStringValue(info.content, "a Data safe"), SafeContents, "a SafeContents");
      return { bags: [...contents] };
    }
    case id_encryptedData: {
      const eci = parseAs(info.content, EncryptedData, "an EncryptedData").encryptedContentInfo;
      if (eci.contentType !== id_data)
        throw new PkiError("malformed", `an EncryptedData of ${eci.contentType}`);
      const scheme = bagScheme(eci.contentEncryptionAlgorithm, "certificate safe");
      return { scheme, ciphertext: encryptedContentBytes(eci.encryptedContent) };
    }
    case id_envelopedData:
      throw new PkiError(
        "unsupported_algorithm",
        `a public-key encrypted (EnvelopedData) safe: ${reexportAdvice}`,
      );
    default:
      throw new PkiError("malformed", `a safe of content type ${info.contentType}`);
  }
}

/** Every bag, safeContentsBags opened up, in file order. */
function flattenBags(bags: SafeBag[], depth = 0): SafeBag[] {
  if (depth > nestingMax) throw new PkiError("malformed", "safeContentsBags nested too deeply");
  return bags.flatMap((bag) =>
    bag.bagId === id_SafeContents
      ? flattenBags([...parseAs(bag.bagValue, SafeContents, "a safeContentsBag")], depth + 1)
      : [bag],
  );
}

function parseMacData(macData: MacData | undefined): {
  hash: Pkcs12MacHash;
  salt: Uint8Array;
  iterations: number;
  mac: Uint8Array;
} {
  // asn1-schema leaves an absent OPTIONAL field at its default, an empty MacData: both mean "no MAC".
  const mac = macData ? toBytes(macData.mac.digest) : new Uint8Array(0);
  if (!macData || mac.length === 0) {
    throw new PkiError(
      "unsupported_algorithm",
      "the PKCS#12 file has no password MAC, so neither its integrity nor the password can be checked: " +
        reexportAdvice,
    );
  }
  const oid = macData.mac.digestAlgorithm.algorithm;
  if (oid === id_PBMAC1) {
    throw new PkiError(
      "unsupported_algorithm",
      `the PKCS#12 MAC is PBMAC1 (RFC 9579), which we do not read: ${reexportAdvice}`,
    );
  }
  const hash = (Object.keys(macHashes) as Pkcs12MacHash[]).find((h) => macHashes[h].oid === oid);
  if (!hash) throw new PkiError("unsupported_algorithm", `PKCS#12 MAC hash ${oid}: ${reexportAdvice}`);
  if (mac.length !== macHashes[hash].u) {
    throw new PkiError("malformed", `a ${macHashes[hash].name} MAC of ${mac.length} bytes`);
  }
  const salt = toBytes(macData.macSalt);
  const iterations = macData.iterations;
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > pkcs12MacIterationsMax) {
    throw new PkiError(
      "bad_parameters",
      `MAC iteration count ${iterations} is outside 1..${pkcs12MacIterationsMax}`,
    );
  }
  if (salt.length === 0 || salt.length > saltBytesMax) {
    throw new PkiError("bad_parameters", `MAC salt of ${salt.length} bytes`);
  }
  return { hash, salt, iterations, mac };
}

/**
 * Reads a .pfx/.p12 holding one private key and its certificates. Only the first key is taken, as
 * OpenSSL's PKCS12_parse does. Errors, in the order they are found:
 * - "malformed": not a PKCS#12 file, truncated, or a structure that is not what RFC 7292 says;
 * - "unsupported_algorithm": no MAC, a MAC hash or bag cipher we lack (the legacy 3DES/RC2 PBEs of
 *   `openssl pkcs12 -legacy` among them), found before the password is tried; the message says how
 *   to re-export the file;
 * - "bad_parameters": iteration counts or salts out of bounds;
 * - "bad_password": the MAC does not verify. A wrong password and a changed file look the same to a
 *   PKCS#12 MAC, so a tampered file is "bad_password" too ("bad_signature" is never used here).
 */
export async function readPkcs12(
  pfx: Uint8Array,
  password: string,
  crypto: Crypto = globalThis.crypto,
): Promise<Pkcs12Contents> {
  parseBer(pfx, "the PKCS#12 file");
  const parsed = parseAs(pfx, PFX, "the PKCS#12 file");
  if (parsed.version !== 3) throw new PkiError("malformed", `PKCS#12 version ${parsed.version}`);
  if (parsed.authSafe.contentType === id_signedData) {
    throw new PkiError(
      "unsupported_algorithm",
      `a PKCS#12 file in public-key integrity mode: ${reexportAdvice}`,
    );
  }
  if (parsed.authSafe.contentType !== id_data) {
    throw new PkiError("malformed", `a PKCS#12 authSafe of content type ${parsed.authSafe.contentType}`);
  }
  const authSafeBytes = octetStringValue(parsed.authSafe.content, "the PKCS#12 authSafe");
  const safes = [...parseAs(authSafeBytes, AuthenticatedSafe, "the PKCS#12 AuthenticatedSafe")].map(readSafe);
  if (safes.filter((s) => "scheme" in s).length > encryptedSafesMax) {
    throw new PkiError("bad_parameters", `more than ${encryptedSafesMax} encrypted safes`);
  }
  // Refuse what we cannot decrypt before asking anything of the password.
  const clearBags = flattenBags(safes.flatMap((s) => ("bags" in s ? s.bags : [])));
  for (const bag of clearBags) {
    if (bag.bagId === id_pkcs8ShroudedKeyBag) {
      bagScheme(parseAs(bag.bagValue, PKCS8ShroudedKeyBag, "a key bag").encryptionAlgorithm, "private key");
    }
  }

  // The MAC first: it is what tells a wrong password (and a changed file) from anything else.
  const mac = parseMacData(parsed.macData);
  // OpenSSL tries an empty password both as a BMPString (two zero bytes) and as no bytes at all.
  const candidates = password === "" ? [bmpPassword(""), new Uint8Array(0)] : [bmpPassword(password)];
  let verified = false;
  for (const candidate of candidates) {
    const ours = await computeMac(crypto, mac.hash, candidate, mac.salt, mac.iterations, authSafeBytes);
    if (equalBytes(ours, mac.mac)) {
      verified = true;
      break;
    }
  }
  if (!verified)
    throw new PkiError("bad_password", "the PKCS#12 MAC does not verify: wrong password, or a changed file");

  const bags: SafeBag[] = [];
  for (const safe of safes) {
    if ("bags" in safe) {
      bags.push(...safe.bags);
    } else {
      const plain = await pbeDecrypt(safe.scheme, password, safe.ciphertext, crypto);
      bags.push(
        ...parseDecrypted("a safe does not decrypt", () => parseAs(plain, SafeContents, "a SafeContents")),
      );
    }
  }

  let key: { pkcs8: Uint8Array; attributes: BagAttributes } | undefined;
  const certs: { der: Uint8Array; attributes: BagAttributes }[] = [];
  for (const bag of flattenBags(bags)) {
    if (bag.bagId === id_certBag) {
      const certBag = parseAs(bag.bagValue, CertBag, "a certificate bag");
      if (certBag.certId !== id_x509Certificate) continue; // SDSI certificates: none seen in use.
      const der = octetStringValue(certBag.certValue, "a certificate bag's value");
      parseAs(der, Certificate, "a certificate");
      certs.push({ der, attributes: readAttributes(bag) });
    } else if (!key && (bag.bagId === id_pkcs8ShroudedKeyBag || bag.bagId === id_keyBag)) {
      let pkcs8: Uint8Array;
      if (bag.bagId === id_keyBag) {
        pkcs8 = toBytes(bag.bagValue);
        parsePrivateKeyInfo(pkcs8);
      } else {
        pkcs8 = await decryptKeyBag(
          parseAs(bag.bagValue, PKCS8ShroudedKeyBag, "a key bag"),
          password,
          crypto,
        );
      }
      key = { pkcs8, attributes: readAttributes(bag) };
    }
    // CRL, secret and unknown bags are not ours to return.
  }
  if (!key) throw new PkiError("malformed", "the PKCS#12 file holds no private key");

  const { localKeyId, friendlyName } = key.attributes;
  const own =
    (localKeyId &&
      certs.find((c) => c.attributes.localKeyId && equalBytes(c.attributes.localKeyId, localKeyId))) ||
    (friendlyName !== undefined && certs.find((c) => c.attributes.friendlyName === friendlyName)) ||
    undefined;
  const ordered = own ? [own, ...certs.filter((c) => c !== own)] : certs;
  const name = friendlyName ?? own?.attributes.friendlyName;
  return {
    privateKey: key.pkcs8,
    certificates: ordered.map((c) => c.der),
    ...(name === undefined ? {} : { friendlyName: name }),
  };
}

async function decryptKeyBag(
  bag: PKCS8ShroudedKeyBag,
  password: string,
  crypto: Crypto,
): Promise<Uint8Array> {
  const scheme = bagScheme(bag.encryptionAlgorithm, "private key");
  const pkcs8 = await pbeDecrypt(scheme, password, toBytes(bag.encryptedData), crypto);
  parseDecrypted("the private key does not decrypt", () => parsePrivateKeyInfo(pkcs8));
  return pkcs8;
}

/**
 * Parses what a bag decrypted to. The MAC took this password, so content that does not decrypt was
 * encrypted under another one (OpenSSL's -twopass): padding that checks out by chance then gives
 * noise, which is told as "bad_password" like the padding failures pbeDecrypt reports.
 */
function parseDecrypted<T>(message: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (isPkiError(e, "malformed")) throw new PkiError("bad_password", message, { cause: e });
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Writing

/**
 * Writes a .pfx as OpenSSL 3 does by default: the certificates in an EncryptedData and the key in
 * a PKCS8ShroudedKeyBag, both under PBES2 with PBKDF2-HMAC-SHA256 (100,000 iterations) and
 * AES-256-CBC; a localKeyId (SHA-1 of the certificate) on the key and on `certificates[0]`, which
 * is taken to be the key's own; the friendlyName, if given, on both; a SHA-256 MAC over 2048
 * iterations. The key's bytes go in as given, so its attributes (R) come back out unchanged.
 */
export async function writePkcs12(
  contents: { privateKey: Uint8Array; certificates: Uint8Array[]; friendlyName?: string },
  password: string,
  options: Pkcs12WriteOptions = {},
  crypto: Crypto = globalThis.crypto,
): Promise<Uint8Array> {
  parsePrivateKeyInfo(contents.privateKey);
  for (const cert of contents.certificates) parseAs(cert, Certificate, "a certificate");
  const friendlyName = options.friendlyName ?? contents.friendlyName;
  const pbe = {
    prf: "sha256",
    cipher: options.cipher ?? "aes-256-cbc",
    iterations: options.iterations ?? pkcs12WriteIterations,
  } as const;
  const macHash = options.macHash ?? "sha256";

  const owner = contents.certificates[0];
  const keyAttributes: PKCS12Attribute[] = [];
  if (friendlyName !== undefined) keyAttributes.push(attribute(id_friendlyName, bmpString(friendlyName)));
  if (owner) {
    const keyId = new Uint8Array(await crypto.subtle.digest("SHA-1", toBytes(owner)));
    keyAttributes.push(attribute(id_localKeyId, AsnConvert.serialize(new OctetString(keyId))));
  }
  const withAttributes = (bag: SafeBag, attributes: PKCS12Attribute[]) => {
    if (attributes.length > 0) bag.bagAttributes = attributes;
    return bag;
  };

  const authSafe = new AuthenticatedSafe();
  if (contents.certificates.length > 0) {
    const certBags = contents.certificates.map((der, index) =>
      withAttributes(
        new SafeBag({
          bagId: id_certBag,
          bagValue: AsnConvert.serialize(
            new CertBag({
              certId: id_x509Certificate,
              certValue: AsnConvert.serialize(new OctetString(der)),
            }),
          ),
        }),
        index === 0 ? keyAttributes : [],
      ),
    );
    const scheme = newPbes2Scheme(pbe, crypto);
    const ciphertext = await pbeEncrypt(scheme, password, derOf(new SafeContents(certBags)), crypto);
    const encrypted = new EncryptedData({
      encryptedContentInfo: new EncryptedContentInfo({
        contentType: id_data,
        contentEncryptionAlgorithm: encodePbeAlgorithm(scheme),
        encryptedContent: new EncryptedContent({ value: new OctetString(ciphertext) }),
      }),
    });
    authSafe.push(
      new ContentInfo({ contentType: id_encryptedData, content: AsnConvert.serialize(encrypted) }),
    );
  }

  const keyScheme = newPbes2Scheme(pbe, crypto);
  const keyBag = new PKCS8ShroudedKeyBag({
    encryptionAlgorithm: encodePbeAlgorithm(keyScheme),
    encryptedData: new OctetString(await pbeEncrypt(keyScheme, password, contents.privateKey, crypto)),
  });
  const keySafe = new SafeContents([
    withAttributes(
      new SafeBag({ bagId: id_pkcs8ShroudedKeyBag, bagValue: AsnConvert.serialize(keyBag) }),
      keyAttributes,
    ),
  ]);
  authSafe.push(
    new ContentInfo({ contentType: id_data, content: AsnConvert.serialize(new OctetString(derOf(keySafe))) }),
  );

  const authSafeBytes = derOf(authSafe);
  const salt = crypto.getRandomValues(new Uint8Array(8));
  const mac = await computeMac(
    crypto,
    macHash,
    bmpPassword(password),
    salt,
    pkcs12MacIterations,
    authSafeBytes,
  );
  const pfx = new PFX({
    version: 3,
    authSafe: new ContentInfo({
      contentType: id_data,
      content: AsnConvert.serialize(new OctetString(authSafeBytes)),
    }),
    macData: new MacData({
      mac: new DigestInfo({
        digestAlgorithm: new AlgorithmIdentifier({ algorithm: macHashes[macHash].oid, parameters: null }),
        digest: new OctetString(mac),
      }),
      macSalt: new OctetString(salt),
      iterations: pkcs12MacIterations,
    }),
  });
  return derOf(pfx);
}
