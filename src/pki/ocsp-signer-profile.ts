// The certificate of a delegated OCSP signer (RFC 6960 §4.2.2.2): issued by the CA whose
// certificates it answers for, with extendedKeyUsage id-kp-OCSPSigning, and id-pkix-ocsp-nocheck
// (§4.2.2.2.1) so that relying parties do not ask OCSP about the responder itself. Such a
// certificate cannot usefully be revoked, which is why it lives only weeks.
import { id_pkix_ocsp_nocheck } from "@peculiar/asn1-ocsp";
import { id_kp_OCSPSigning } from "@peculiar/asn1-x509";
import { toBytes, toHex } from "./bytes.ts";
import { type CaKeyAlgorithm, caSigningAlgorithm } from "./ca-profile.ts";
import { newSerialNumber } from "./profile.ts";
import {
  AuthorityKeyIdentifierExtension,
  ExtendedKeyUsageExtension,
  Extension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectKeyIdentifierExtension,
  X509Certificate,
  X509CertificateGenerator,
} from "./x509.ts";

export interface OcspSignerCertificateOptions {
  /** The issuing CA: its certificate, private key and key algorithm. */
  issuer: { certificate: Uint8Array; privateKey: CryptoKey; algorithm: CaKeyAlgorithm };
  /** The signer's public key. */
  publicKey: CryptoKey;
  /** The signer's subject, e.g. "C=KR, O=…, CN=… OCSP signer". */
  subject: string;
  notBefore: Date;
  notAfter: Date;
  /** 16 fresh random bytes when absent. */
  serialNumber?: Uint8Array;
}

/** The DER of id-pkix-ocsp-nocheck's value: NULL (RFC 6960 §4.2.2.2.1). */
const derNull = Uint8Array.of(0x05, 0x00);

export async function issueOcspSignerCertificate(
  o: OcspSignerCertificateOptions,
  crypto: Crypto = globalThis.crypto,
): Promise<Uint8Array<ArrayBuffer>> {
  if (!(o.notBefore.getTime() < o.notAfter.getTime()))
    throw new TypeError("notBefore must come before notAfter");
  const issuer = new X509Certificate(toBytes(o.issuer.certificate));
  const cert = await X509CertificateGenerator.create(
    {
      serialNumber: toHex(o.serialNumber ?? newSerialNumber(crypto)),
      subject: o.subject,
      issuer: issuer.subject,
      notBefore: o.notBefore,
      notAfter: o.notAfter,
      publicKey: o.publicKey,
      signingKey: o.issuer.privateKey,
      signingAlgorithm: caSigningAlgorithm(o.issuer.algorithm),
      extensions: [
        new KeyUsagesExtension(KeyUsageFlags.digitalSignature, true),
        new ExtendedKeyUsageExtension([id_kp_OCSPSigning], false),
        new Extension(id_pkix_ocsp_nocheck, false, derNull),
        await AuthorityKeyIdentifierExtension.create(issuer, false, crypto),
        await SubjectKeyIdentifierExtension.create(o.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return new Uint8Array(cert.rawData);
}
