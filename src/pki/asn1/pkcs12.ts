// Declared ASN.1 that PKCS#12 (RFC 7292) needs and @peculiar/asn1-* lacks: the CMS EncryptedData
// (RFC 5652 §8) of a password-encrypted safe, and the PKCS#9 bag attributes (RFC 2985 §5.5.1–5.5.2).
import { EncryptedContentInfo, UnprotectedAttributes } from "@peculiar/asn1-cms";
import { AsnProp, AsnPropTypes } from "@peculiar/asn1-schema";

export const id_friendlyName = "1.2.840.113549.1.9.20";
export const id_localKeyId = "1.2.840.113549.1.9.21";

/**
 * ```asn1
 * EncryptedData ::= SEQUENCE {
 *   version CMSVersion,
 *   encryptedContentInfo EncryptedContentInfo,
 *   unprotectedAttrs [1] IMPLICIT UnprotectedAttributes OPTIONAL }
 * ```
 * RFC 5652 §8: how PKCS#12 carries a password-encrypted SafeContents.
 */
export class EncryptedData {
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
