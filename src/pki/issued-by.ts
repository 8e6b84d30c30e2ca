// Whether one certificate was issued by another (RFC 5280 §6.1.3 (a)(1)-(a)(4) for one step: the
// signature under the issuer's public key and the issuer name chaining to the issuer's subject),
// and the certificate's serial as the CA records it. Validity, revocation and policy are the
// caller's to judge from its own records.
import { AsnConvert } from "@peculiar/asn1-schema";
import type { Certificate } from "@peculiar/asn1-x509";
import { equalBytes } from "./bytes.ts";
import { parseDerCertificate } from "./cms.ts";
import { PkiError } from "./errors.ts";
import { verifySignature } from "./signature-algorithms.ts";

export { parseDerCertificate };

/** The serial number's INTEGER content octets, as the CA stores serials. */
export function certificateSerial(cert: Certificate): Uint8Array {
  return new Uint8Array(cert.tbsCertificate.serialNumber);
}

function der(value: object): Uint8Array {
  return new Uint8Array(AsnConvert.serialize(value));
}

/**
 * True when `issuer`'s subject is `cert`'s issuer name and `issuer`'s key verifies `cert`'s
 * signature (with the algorithm the TBSCertificate names, which must equal the outer one). False
 * for any other certificate, including one whose algorithm we do not know.
 */
export async function issuedBy(
  cert: Certificate,
  issuer: Certificate,
  crypto: Crypto = globalThis.crypto,
): Promise<boolean> {
  if (!equalBytes(der(cert.tbsCertificate.issuer), der(issuer.tbsCertificate.subject))) return false;
  if (!equalBytes(der(cert.tbsCertificate.signature), der(cert.signatureAlgorithm))) return false;
  try {
    return await verifySignature({
      publicKey: der(issuer.tbsCertificate.subjectPublicKeyInfo),
      algorithm: cert.signatureAlgorithm,
      signature: new Uint8Array(cert.signatureValue),
      data: der(cert.tbsCertificate),
      crypto,
    });
  } catch (e) {
    if (e instanceof PkiError && (e.code === "unsupported_algorithm" || e.code === "malformed")) return false;
    throw e;
  }
}
