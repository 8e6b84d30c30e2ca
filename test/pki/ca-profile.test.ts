import { describe, expect, it } from "vitest";
import { certificateFingerprint } from "../../src/pki/ca-profile.ts";
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectKeyIdentifierExtension,
  X509Certificate,
} from "../../src/pki/x509.ts";
import { testCa } from "../support/test-ca.ts";

describe("CA certificates", () => {
  it("a P-384 root and an issuing CA under it, with CA extensions and linked key identifiers", async () => {
    // The shared test hierarchy is made by issueCaCertificate, the function under test here.
    const { root: rootDer, issuing: der } = await testCa();
    const root = new X509Certificate(rootDer);
    const cert = new X509Certificate(der);
    expect(await root.isSelfSigned()).toBe(true);
    expect(await cert.verify({ publicKey: root.publicKey, signatureOnly: true })).toBe(true);
    expect(await cert.verify({ publicKey: cert.publicKey, signatureOnly: true })).toBe(false);
    expect(cert.issuer).toBe(root.subject);
    const bc = cert.getExtension(BasicConstraintsExtension)!;
    expect([bc.ca, bc.pathLength, bc.critical]).toEqual([true, 0, true]);
    const ku = cert.getExtension(KeyUsagesExtension)!;
    expect([ku.usages, ku.critical]).toEqual([
      KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign | KeyUsageFlags.digitalSignature,
      true,
    ]);
    expect(cert.getExtension(AuthorityKeyIdentifierExtension)!.keyId).toBe(
      root.getExtension(SubjectKeyIdentifierExtension)!.keyId,
    );
    expect(cert.signatureAlgorithm).toMatchObject({ name: "ECDSA", hash: { name: "SHA-384" } });
    expect(await certificateFingerprint(der)).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });
});
