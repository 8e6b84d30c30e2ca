// PKCS#12 (RFC 7292) .pfx files, read: one private key and its certificates, from what OpenSSL 3 and
// other tools write. The structures are @peculiar/asn1-pfx/-cms/-pkcs8 and asn1/pkcs12.ts, bag
// encryption is pbe.ts, the MAC pkcs12-kdf.ts; writing is pkcs12-write.ts.
import {
  type ContentInfo,
  type EncryptedContent,
  id_data,
  id_encryptedData,
  id_envelopedData,
  id_signedData,
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
  type MacData,
  PFX,
  PKCS8ShroudedKeyBag,
  type SafeBag,
  SafeContents,
} from "@peculiar/asn1-pfx";
import { AsnConvert } from "@peculiar/asn1-schema";
import { type AlgorithmIdentifier, Certificate } from "@peculiar/asn1-x509";
import * as asn1js from "asn1js";
import { EncryptedData, id_friendlyName, id_localKeyId } from "./asn1/pkcs12.ts";
import { concatBytes, equalBytes, toBytes } from "./bytes.ts";
import { isPkiError, PkiError } from "./errors.ts";
import { type PbeScheme, parsePbeAlgorithm, pbeDecrypt, pbkdf1IterationsMax } from "./pbe.ts";
import { bmpPassword, computeMac, type Pkcs12MacHash, pkcs12MacHashes } from "./pkcs12-kdf.ts";
import { parsePrivateKeyInfo } from "./private-key.ts";

export interface Pkcs12Contents {
  /** PKCS#8 PrivateKeyInfo DER, exactly as it was in the bag (attributes such as R included). */
  privateKey: Uint8Array;
  /** DER certificates: the key's own first when a localKeyId or friendlyName links it, else in file order. */
  certificates: Uint8Array[];
  friendlyName?: string;
}

/**
 * The MAC key derivation is a loop of digests, one `crypto.subtle.digest` call per iteration (some
 * 30 µs each): the bound pbe.ts sets for its own such loop (PBKDF1) keeps a hostile file to ~30 s.
 */
export const pkcs12MacIterationsMax = pbkdf1IterationsMax;

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

// ---------------------------------------------------------------------------------------------
// DER helpers

/** A DER structure of the given type; "malformed" naming `what` when it is not one. */
export function parseAs<T>(der: ArrayBuffer | Uint8Array, type: new () => T, what: string): T {
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
  const hash = (Object.keys(pkcs12MacHashes) as Pkcs12MacHash[]).find((h) => pkcs12MacHashes[h].oid === oid);
  if (!hash) throw new PkiError("unsupported_algorithm", `PKCS#12 MAC hash ${oid}: ${reexportAdvice}`);
  if (mac.length !== pkcs12MacHashes[hash].u) {
    throw new PkiError("malformed", `a ${pkcs12MacHashes[hash].name} MAC of ${mac.length} bytes`);
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
 *   PKCS#12 MAC, so a tampered file is "bad_password" too ("bad_signature" is never used here);
 * - "several_keys": with `severalKeys: "refuse"`, the file holds more than one private key (a
 *   member opening a .pfx in the browser must not sign with a key chosen for them).
 */
export async function readPkcs12(
  pfx: Uint8Array,
  password: string,
  crypto: Crypto = globalThis.crypto,
  options: { severalKeys?: "first" | "refuse" } = {},
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
    } else if (key && (bag.bagId === id_pkcs8ShroudedKeyBag || bag.bagId === id_keyBag)) {
      if (options.severalKeys === "refuse") {
        throw new PkiError("several_keys", "the PKCS#12 file holds more than one private key");
      }
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
