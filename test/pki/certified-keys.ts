// Keys of every type the CA certifies (signature-algorithms.ts's personalKeyTypes: the smallest,
// a middle and the largest RSA size, and each curve), each with a personal certificate from the
// test CA's P-384 issuing CA (made by the CA's own profile code), and the requests our CMP client
// sends with them.
import type { CmpTransport } from "../../src/pki/cmp-client.ts";
import { issuePersonalCertificate, personalSubjectName } from "../../src/pki/profile.ts";
import {
  generateKeyParams,
  type KeyType,
  keyTypeName,
  personalKeyTypes,
} from "../../src/pki/signature-algorithms.ts";
import type { TestCa } from "../support/test-ca.ts";

const dayMs = 86_400_000;

export const certifiedKeyTypes: KeyType[] = [
  { kind: "RSA", modulusBits: personalKeyTypes.rsaModulusBitsMin },
  { kind: "RSA", modulusBits: 3072 },
  { kind: "RSA", modulusBits: personalKeyTypes.rsaModulusBitsMax },
  ...personalKeyTypes.curves.map((curve): KeyType => ({ kind: "EC", curve })),
];

/** The OID of the signatures each type makes: SHA-256 for RSA (as keys are made), the curve's hash for EC. */
export function expectedSignatureOid(type: KeyType): string {
  if (type.kind === "RSA") return "1.2.840.113549.1.1.11";
  return type.curve === "P-256" ? "1.2.840.10045.4.3.2" : "1.2.840.10045.4.3.3";
}

export interface CertifiedKey {
  name: string;
  type: KeyType;
  keys: CryptoKeyPair;
  /** The private key as PKCS#8 DER, as a key file holds it. */
  pkcs8: Uint8Array;
  certificate: Uint8Array;
}

export const subject = personalSubjectName({
  realName: "홍길동",
  serialHint: "0091041202012345678",
  registrationUnit: "금고협동조합",
  organization: "Geumgo Test",
});

export async function certifiedKey(ca: TestCa, type: KeyType): Promise<CertifiedKey> {
  const keys = (await crypto.subtle.generateKey(generateKeyParams(type), true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  const now = Date.now();
  const certificate = await issuePersonalCertificate({
    issuer: { certificate: ca.issuing },
    signingKey: ca.issuingKeys.privateKey,
    publicKey: keys.publicKey,
    subject,
    notBefore: new Date(now - 3_600_000),
    notAfter: new Date(now + 365 * dayMs),
    purpose: "bank",
    crlUrl: "http://ca.geumgo.test/crl/1.crl",
    ocspUrl: "http://ca.geumgo.test/ocsp",
  });
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", keys.privateKey));
  return { name: keyTypeName(type), type, keys, pkcs8, certificate };
}

/** The one request a CMP client call sends, caught before it reaches any server. */
export async function requestOf(call: (send: CmpTransport) => Promise<unknown>): Promise<Uint8Array> {
  let request: Uint8Array | undefined;
  await call(async (der) => {
    request = der;
    throw new Error("caught");
  }).catch(() => undefined);
  if (!request) throw new Error("the client sent nothing");
  return request;
}
