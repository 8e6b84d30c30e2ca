// Which member keys the CA certifies (DESIGN §4): RSA, the NPKI norm, and ECDSA, ours. Judged on
// the SubjectPublicKeyInfo of a certificate request before its proof of possession is checked; the
// key types themselves are the signature-algorithm table's, so every key certified can also sign
// CMS, CMP and a CSR through that table. Beyond the type, the key must be one nobody else can sign
// with: RSA with exponent 65537 and none of the weaknesses of weak-keys.ts, an EC point that is on
// its curve, each in the one DER form (RFC 3279 §2.3.1, RFC 5480 §2.2), so that one key has one
// SubjectPublicKeyInfo and one spki_sha256.
import { id_ecPublicKey } from "@peculiar/asn1-ecc";
import { id_rsaEncryption, RSAPublicKey } from "@peculiar/asn1-rsa";
import { AsnConvert } from "@peculiar/asn1-schema";
import { SubjectPublicKeyInfo } from "@peculiar/asn1-x509";
import { equalBytes, toBytes } from "../pki/bytes.ts";
import {
  isPersonalKeyType,
  keyTypeName,
  personalKeyTypes,
  publicKeyType,
} from "../pki/signature-algorithms.ts";
import {
  type CertifiedCurve,
  ecPointProblem,
  fermatFactor,
  hasRocaFingerprint,
  hasSmallPrimeFactor,
  toBigInt,
} from "./weak-keys.ts";

/** The policy in words, for a refusal. */
export const acceptableKeysText = `keys must be RSA ${personalKeyTypes.rsaModulusBitsMin}-${personalKeyTypes.rsaModulusBitsMax} or ECDSA ${personalKeyTypes.curves.join("/")}`;

/**
 * Why a key is refused: `key_not_accepted` for a type, size or encoding outside the policy,
 * `weak_key` for a key of an accepted type that others could sign with.
 */
export interface KeyProblem {
  code: "key_not_accepted" | "weak_key";
  /** The reason, in English, for the requester. */
  text: string;
}

const nullDer = Uint8Array.of(0x05, 0x00);
const f4 = Uint8Array.of(0x01, 0x00, 0x01);

/** A DER INTEGER's content octets hold a positive number in the fewest bytes. */
function minimalPositive(content: Uint8Array): boolean {
  if (content.length === 0 || content[0]! & 0x80) return false;
  return !(content.length > 1 && content[0] === 0 && !(content[1]! & 0x80));
}

function rsaProblem(info: SubjectPublicKeyInfo): KeyProblem | undefined {
  const params = info.algorithm.parameters;
  const key = AsnConvert.parse(info.subjectPublicKey, RSAPublicKey);
  const modulus = new Uint8Array(key.modulus);
  if (
    // RFC 3279 §2.3.1: NULL parameters (which the parser reads as null).
    !(params === null || (params !== undefined && equalBytes(new Uint8Array(params), nullDer))) ||
    !minimalPositive(modulus) ||
    !minimalPositive(new Uint8Array(key.publicExponent)) ||
    !equalBytes(new Uint8Array(AsnConvert.serialize(key)), new Uint8Array(info.subjectPublicKey))
  ) {
    return { code: "key_not_accepted", text: "the RSA public key is not in DER (RFC 3279 §2.3.1)" };
  }
  if (!equalBytes(new Uint8Array(key.publicExponent), f4)) {
    return { code: "weak_key", text: "the RSA public exponent must be 65537" };
  }
  const n = toBigInt(modulus);
  if (hasSmallPrimeFactor(n)) {
    return { code: "weak_key", text: "the RSA modulus has a prime factor below 752" };
  }
  if (hasRocaFingerprint(n)) {
    return {
      code: "weak_key",
      text: "the RSA key bears the ROCA fingerprint of Infineon's flawed key generation (CVE-2017-15361)",
    };
  }
  if (fermatFactor(n)) {
    return { code: "weak_key", text: "the RSA modulus factors by Fermat's method: its primes are too close" };
  }
  return undefined;
}

/**
 * Why the CA would not certify this SubjectPublicKeyInfo, or undefined when it would: RSA of
 * 2048–4096 bits (the NPKI norm) with exponent 65537, no prime factor below 752, no ROCA
 * fingerprint and no factors close enough for Fermat's method; ECDSA on P-256 or P-384 (ours) with
 * an uncompressed point on the curve.
 */
export function keyProblem(spki: Uint8Array): KeyProblem | undefined {
  const type = publicKeyType(spki);
  if (type === undefined || !isPersonalKeyType(type)) {
    return { code: "key_not_accepted", text: acceptableKeysText };
  }
  let info: SubjectPublicKeyInfo;
  try {
    info = AsnConvert.parse(toBytes(spki), SubjectPublicKeyInfo);
    if (info.algorithm.algorithm === id_rsaEncryption) return rsaProblem(info);
  } catch {
    return { code: "key_not_accepted", text: "the public key cannot be read" };
  }
  if (info.algorithm.algorithm === id_ecPublicKey && type.kind === "EC") {
    const problem = ecPointProblem(type.curve as CertifiedCurve, new Uint8Array(info.subjectPublicKey));
    return problem ? { code: "weak_key", text: problem } : undefined;
  }
  return { code: "key_not_accepted", text: `${keyTypeName(type)}: ${acceptableKeysText}` };
}
