// The delegated OCSP signer's certificate (RFC 6960 §4.2.2.2): issued by the CA, for OCSP signing
// only, with id-pkix-ocsp-nocheck, and its signature checks against the issuing CA's key.
import { id_pkix_ocsp_nocheck } from "@peculiar/asn1-ocsp";
import { id_kp_OCSPSigning } from "@peculiar/asn1-x509";
import { describe, expect, it } from "vitest";
import { generateCaKeyPair } from "../../src/pki/ca-profile.ts";
import { issueOcspSignerCertificate } from "../../src/pki/ocsp-signer-profile.ts";
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectKeyIdentifierExtension,
  X509Certificate,
} from "../../src/pki/x509.ts";
import { testCa } from "../support/test-ca.ts";

describe("OCSP signer certificate", () => {
  it("carries OCSPSigning, ocsp-nocheck and digitalSignature only, and the CA's signature", async () => {
    const ca = await testCa();
    const keys = await generateCaKeyPair("P-384");
    const notBefore = new Date("2026-11-01T00:00:00Z");
    const notAfter = new Date("2026-12-01T00:00:00Z");
    const der = await issueOcspSignerCertificate({
      issuer: { certificate: ca.issuing, privateKey: ca.issuingKeys.privateKey, algorithm: "P-384" },
      publicKey: keys.publicKey,
      subject: "C=KR, O=Test, CN=Test CA 1 OCSP signer",
      notBefore,
      notAfter,
    });
    const cert = new X509Certificate(der);
    const issuer = new X509Certificate(ca.issuing);
    expect(cert.issuer).toBe(issuer.subject);
    expect(cert.subject).toBe("C=KR, O=Test, CN=Test CA 1 OCSP signer");
    expect([cert.notBefore.getTime(), cert.notAfter.getTime()]).toEqual([
      notBefore.getTime(),
      notAfter.getTime(),
    ]);
    expect(await cert.verify({ publicKey: issuer.publicKey, signatureOnly: true })).toBe(true);

    const ku = cert.getExtension(KeyUsagesExtension)!;
    expect([ku.usages, ku.critical]).toEqual([KeyUsageFlags.digitalSignature, true]);
    expect(cert.getExtension(ExtendedKeyUsageExtension)!.usages).toEqual([id_kp_OCSPSigning]);
    const nocheck = cert.extensions.find((e) => e.type === id_pkix_ocsp_nocheck)!;
    expect(new Uint8Array(nocheck.value)).toEqual(Uint8Array.of(0x05, 0x00));
    expect(nocheck.critical).toBe(false);
    expect(cert.getExtension(BasicConstraintsExtension)).toBeNull();
    expect(cert.getExtension(AuthorityKeyIdentifierExtension)!.keyId).toBe(
      issuer.getExtension(SubjectKeyIdentifierExtension)!.keyId,
    );
  });

  it("refuses a validity that ends before it starts", async () => {
    const ca = await testCa();
    const keys = await generateCaKeyPair("P-384");
    const at = new Date("2026-11-01T00:00:00Z");
    await expect(
      issueOcspSignerCertificate({
        issuer: { certificate: ca.issuing, privateKey: ca.issuingKeys.privateKey, algorithm: "P-384" },
        publicKey: keys.publicKey,
        subject: "CN=x",
        notBefore: at,
        notAfter: at,
      }),
    ).rejects.toThrow(TypeError);
  });
});
