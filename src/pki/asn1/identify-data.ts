// Declared ASN.1 of the NPKI identity extension: identifyData in subjectAltName otherName, with the
// VID (virtual ID), per KISA KCAC.TS.SIVID v1.21 (식별번호를 이용한 본인확인 기술규격) §4–5.
import {
  AsnArray,
  AsnProp,
  AsnPropTypes,
  AsnType,
  AsnTypeTypes,
  BitString,
  OctetString,
} from "@peculiar/asn1-schema";
import { AlgorithmIdentifier } from "@peculiar/asn1-x509";

/** id-on-npkiIdentifyData: the otherName type-id. */
export const id_npkiIdentifyData = "1.2.410.200004.10.1.1";
/** id-npki-vid: the VID entry inside identifyData. */
export const id_npkiVid = "1.2.410.200004.10.1.1.1";

/**
 * ```asn1
 * VID ::= SEQUENCE {
 *   hashAlg   AlgorithmIdentifier,
 *   virtualID [0] EXPLICIT OCTET STRING }
 * ```
 */
export class Vid {
  @AsnProp({ type: AlgorithmIdentifier })
  hashAlg = new AlgorithmIdentifier();

  @AsnProp({ type: OctetString, context: 0 })
  virtualID = new OctetString();

  constructor(params: Partial<Vid> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * VIDInfo ::= SEQUENCE {
 *   type  OBJECT IDENTIFIER,   -- id-npki-vid
 *   value VID }
 * ```
 */
export class VidInfo {
  @AsnProp({ type: AsnPropTypes.ObjectIdentifier })
  type = id_npkiVid;

  @AsnProp({ type: Vid })
  value = new Vid();

  constructor(params: Partial<VidInfo> = {}) {
    Object.assign(this, params);
  }
}

@AsnType({ type: AsnTypeTypes.Sequence, itemType: VidInfo })
export class VidInfos extends AsnArray<VidInfo> {
  constructor(items?: VidInfo[]) {
    super(items);
    Object.setPrototypeOf(this, VidInfos.prototype);
  }
}

/**
 * ```asn1
 * IdentifyData ::= SEQUENCE {
 *   realName  UTF8String,
 *   userInfos SEQUENCE OF VIDInfo }
 * ```
 */
export class IdentifyData {
  @AsnProp({ type: AsnPropTypes.Utf8String })
  realName = "";

  @AsnProp({ type: VidInfos })
  userInfos = new VidInfos();

  constructor(params: Partial<IdentifyData> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * HashContent ::= SEQUENCE {
 *   idn       PrintableString,   -- the resident registration number, 13 digits
 *   randomNum BIT STRING }
 * ```
 * VID = H(H(DER(HashContent))).
 */
export class HashContent {
  @AsnProp({ type: AsnPropTypes.PrintableString })
  idn = "";

  @AsnProp({ type: BitString })
  randomNum = new BitString();

  constructor(params: Partial<HashContent> = {}) {
    Object.assign(this, params);
  }
}
