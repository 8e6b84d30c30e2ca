// Declared ASN.1 of password-based encryption parameters: PKCS#5 v2.1 (RFC 8018 §A.2–A.4, §B.2)
// and the Korean SEED forms of KISA KCAC.TS.ENC. @peculiar/asn1-* has no PKCS#5 module.
import { AsnProp, AsnPropTypes, AsnType, AsnTypeTypes, OctetString } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier } from "@peculiar/asn1-x509";

export const id_PBES2 = "1.2.840.113549.1.5.13";
export const id_PBKDF2 = "1.2.840.113549.1.5.12";
export const id_hmacWithSHA1 = "1.2.840.113549.2.7";
export const id_hmacWithSHA256 = "1.2.840.113549.2.9";
export const id_hmacWithSHA384 = "1.2.840.113549.2.10";
export const id_hmacWithSHA512 = "1.2.840.113549.2.11";
export const id_aes128_CBC = "2.16.840.1.101.3.4.1.2";
export const id_aes192_CBC = "2.16.840.1.101.3.4.1.22";
export const id_aes256_CBC = "2.16.840.1.101.3.4.1.42";
/** seedCBC (RFC 4196); as a PBES2 scheme its parameter is the IV, at the top level {salt, iterations}. */
export const id_seedCBC = "1.2.410.200004.1.4";
/** pbeWithSHA1AndSEED-CBC (KISA KCAC.TS.ENC): PBKDF1-SHA1, key DK[0..16], IV SHA1(DK[16..20])[0..16]. */
export const id_pbeWithSHA1AndSEED_CBC = "1.2.410.200004.1.15";

/**
 * ```asn1
 * PBEParameter ::= SEQUENCE {
 *   salt           OCTET STRING,
 *   iterationCount INTEGER }
 * ```
 * RFC 8018 §A.3; the Korean PBES1-style SEED schemes use the same shape.
 */
export class PbeParameter {
  @AsnProp({ type: OctetString })
  salt = new OctetString();

  @AsnProp({ type: AsnPropTypes.Integer })
  iterationCount = 0;

  constructor(params: Partial<PbeParameter> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * PBKDF2-params ::= SEQUENCE {
 *   salt CHOICE { specified OCTET STRING, otherSource AlgorithmIdentifier {{PBKDF2-SaltSources}} },
 *   iterationCount INTEGER (1..MAX),
 *   keyLength      INTEGER (1..MAX) OPTIONAL,
 *   prf            AlgorithmIdentifier {{PBKDF2-PRFs}} DEFAULT algid-hmacWithSHA1 }
 * ```
 * RFC 8018 §A.2. Only the `specified` salt is in use anywhere, so only it is declared.
 */
export class Pbkdf2Params {
  @AsnProp({ type: OctetString })
  salt = new OctetString();

  @AsnProp({ type: AsnPropTypes.Integer })
  iterationCount = 0;

  @AsnProp({ type: AsnPropTypes.Integer, optional: true })
  keyLength?: number;

  @AsnProp({ type: AlgorithmIdentifier, optional: true })
  prf?: AlgorithmIdentifier;

  constructor(params: Partial<Pbkdf2Params> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * PBES2-params ::= SEQUENCE {
 *   keyDerivationFunc AlgorithmIdentifier {{PBES2-KDFs}},
 *   encryptionScheme  AlgorithmIdentifier {{PBES2-Encs}} }
 * ```
 * RFC 8018 §A.4.
 */
@AsnType({ type: AsnTypeTypes.Sequence })
export class Pbes2Params {
  @AsnProp({ type: AlgorithmIdentifier })
  keyDerivationFunc = new AlgorithmIdentifier();

  @AsnProp({ type: AlgorithmIdentifier })
  encryptionScheme = new AlgorithmIdentifier();

  constructor(params: Partial<Pbes2Params> = {}) {
    Object.assign(this, params);
  }
}
