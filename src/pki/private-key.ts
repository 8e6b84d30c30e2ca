// PKCS#8 PrivateKeyInfo (RFC 5958) as NPKI uses it: the key plus the randomNum (R) attribute of
// KISA KCAC.TS.SIVID, which binds the key holder to the VID in the certificate.
import { id_ecPublicKey } from "@peculiar/asn1-ecc";
import { Attributes, PrivateKeyInfo } from "@peculiar/asn1-pkcs8";
import { id_rsaEncryption } from "@peculiar/asn1-rsa";
import { AsnConvert, BitString } from "@peculiar/asn1-schema";
import { Attribute } from "@peculiar/asn1-x509";
import { toBytes } from "./bytes.ts";
import { PkiError } from "./errors.ts";
import { curveOfParameters, importParams, type KeyKind } from "./signature-algorithms.ts";

/** randomNum (KCAC.TS.SIVID): the R that, with the resident registration number, makes the VID. */
export const id_randomNum = "1.2.410.200004.10.1.1.3";

export type KeyAlgorithm = KeyKind;

export function parsePrivateKeyInfo(pkcs8: Uint8Array): PrivateKeyInfo {
  let info: PrivateKeyInfo;
  try {
    info = AsnConvert.parse(toBytes(pkcs8), PrivateKeyInfo);
  } catch (e) {
    throw new PkiError("malformed", "not a PKCS#8 private key", { cause: e });
  }
  // asn1-schema parses a prefix: a valid key followed by garbage is not a valid key.
  if (AsnConvert.serialize(info).byteLength !== pkcs8.length) {
    throw new PkiError("malformed", "trailing bytes after the PKCS#8 private key");
  }
  return info;
}

export function keyAlgorithm(info: PrivateKeyInfo): KeyAlgorithm {
  const oid = info.privateKeyAlgorithm.algorithm;
  if (oid === id_rsaEncryption) return "RSA";
  if (oid === id_ecPublicKey) return "EC";
  throw new PkiError("unsupported_algorithm", `private key algorithm ${oid}`);
}

/** R from the key's attributes, or undefined when the key has none (a key written by OpenSSL, say). */
export function getRandomNum(pkcs8: Uint8Array): Uint8Array | undefined {
  const attr = parsePrivateKeyInfo(pkcs8).attributes?.find((a) => a.type === id_randomNum);
  const value = attr?.values[0];
  if (!value) return undefined;
  try {
    const bits = AsnConvert.parse(value, BitString);
    if (bits.unusedBits !== 0) throw new Error("R is not whole bytes");
    return new Uint8Array(bits.value);
  } catch (e) {
    throw new PkiError("malformed", "the randomNum attribute is not a BIT STRING", { cause: e });
  }
}

/** The same key with R set (replacing any R it had) and every other attribute kept. */
export function setRandomNum(pkcs8: Uint8Array, random: Uint8Array): Uint8Array {
  const info = parsePrivateKeyInfo(pkcs8);
  const others = (info.attributes ?? []).filter((a) => a.type !== id_randomNum);
  const r = new Attribute({
    type: id_randomNum,
    values: [AsnConvert.serialize(new BitString(toBytes(random)))],
  });
  info.attributes = new Attributes([...others, r]);
  return new Uint8Array(AsnConvert.serialize(info));
}

/**
 * The key without attributes. WebCrypto importers differ on PKCS#8 attributes (BoringSSL refuses
 * some), so keys are imported in this form; the file keeps its attributes.
 */
export function withoutAttributes(pkcs8: Uint8Array): Uint8Array {
  const info = parsePrivateKeyInfo(pkcs8);
  if (!info.attributes) return pkcs8;
  info.attributes = undefined;
  return new Uint8Array(AsnConvert.serialize(info));
}

/**
 * How WebCrypto imports the key to sign: an RSA key for SHA256withRSA (the NPKI norm), an EC key
 * for ECDSA on the curve its AlgorithmIdentifier names (P-256, P-384 or P-521).
 */
export function signingAlgorithm(info: PrivateKeyInfo): RsaHashedImportParams | EcKeyImportParams {
  if (keyAlgorithm(info) === "RSA") return importParams({ kind: "RSA" }, "SHA-256");
  const curve = curveOfParameters(info.privateKeyAlgorithm.parameters);
  if (!curve) throw new PkiError("unsupported_algorithm", "an EC private key on a curve we do not sign with");
  return importParams({ kind: "EC", curve });
}

/**
 * The key as a non-extractable CryptoKey for signing (DESIGN §5: a decrypted key is imported
 * non-extractable for the one operation): once imported, no script can read it back out.
 */
export async function importSigningKey(
  pkcs8: Uint8Array,
  crypto: Crypto = globalThis.crypto,
): Promise<CryptoKey> {
  const params = signingAlgorithm(parsePrivateKeyInfo(pkcs8));
  try {
    return await crypto.subtle.importKey("pkcs8", toBytes(withoutAttributes(pkcs8)), params, false, ["sign"]);
  } catch (e) {
    throw new PkiError("malformed", "the private key could not be imported", { cause: e });
  }
}
