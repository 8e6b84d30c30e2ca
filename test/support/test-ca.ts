// A throwaway CA hierarchy for tests (P-384: quick to generate in Node and in the browser).
import { generateCaKeyPair, issueCaCertificate } from "../../src/pki/ca-profile.ts";

export interface TestCa {
  root: Uint8Array<ArrayBuffer>;
  issuing: Uint8Array<ArrayBuffer>;
  issuingKeys: CryptoKeyPair;
}

export async function testCa(now = new Date("2026-11-01T00:00:00Z")): Promise<TestCa> {
  const later = new Date(now.getTime() + 10 * 365 * 86_400_000);
  const rootKeys = await generateCaKeyPair("P-384");
  const root = await issueCaCertificate({
    subject: "C=KR, O=Test, CN=Test Root CA",
    keys: rootKeys,
    algorithm: "P-384",
    notBefore: now,
    notAfter: later,
    pathLength: 1,
  });
  const issuingKeys = await generateCaKeyPair("P-384");
  const issuing = await issueCaCertificate({
    subject: "C=KR, O=Test, CN=Test CA 1",
    keys: issuingKeys,
    algorithm: "P-384",
    notBefore: now,
    notAfter: later,
    issuer: { certificate: root, privateKey: rootKeys.privateKey, algorithm: "P-384" },
    pathLength: 0,
  });
  return { root, issuing, issuingKeys };
}
