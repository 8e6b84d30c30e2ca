// Certificates of the CA itself (RFC 5280 §4.2.1.9–4.2.1.3): a self-signed root, and an issuing
// CA under it that signs members' certificates and CRLs. Both are CA:TRUE with keyCertSign and
// cRLSign, and digitalSignature because the issuing CA also signs its CMP responses (RFC 4210
// §5.1.3.3; OpenSSL's CMP client checks that key usage); the issuing CA may not certify further
// CAs (pathLen 0).
import type { AlgorithmIdentifier } from "@peculiar/asn1-x509";
import { toBytes, toHex } from "./bytes.ts";
import { newSerialNumber } from "./profile.ts";
import {
  curves,
  generateKeyParams,
  type KeyType,
  type SignatureAlgorithm,
  signatureAlgorithmIdentifier,
  signatureAlgorithmOf,
  signData,
  signParams,
} from "./signature-algorithms.ts";
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  type Extension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectKeyIdentifierExtension,
  X509Certificate,
  X509CertificateGenerator,
} from "./x509.ts";

export type CaKeyAlgorithm = "RSA-3072" | "P-384";

/** The key type of each CA key algorithm; an RSA CA key is made and imported for SHA-256. */
export const caKeyTypes: Readonly<Record<CaKeyAlgorithm, KeyType>> = {
  "RSA-3072": { kind: "RSA", modulusBits: 3072 },
  "P-384": { kind: "EC", curve: "P-384" },
};

export function caKeyParams(alg: CaKeyAlgorithm): RsaHashedKeyGenParams | EcKeyGenParams {
  return generateKeyParams(caKeyTypes[alg], "SHA-256");
}

/** What a CA key signs with: sha256WithRSAEncryption for RSA-3072, ecdsa-with-SHA384 for P-384. */
export function caSignature(alg: CaKeyAlgorithm): SignatureAlgorithm {
  const type = caKeyTypes[alg];
  return signatureAlgorithmOf(type.kind, type.kind === "RSA" ? "SHA-256" : curves[type.curve].hash);
}

/** The WebCrypto parameters of a CA key's signatures (an RSA key carries its hash). */
export function caSigningAlgorithm(alg: CaKeyAlgorithm): Algorithm | EcdsaParams {
  return signParams(caSignature(alg));
}

/** The AlgorithmIdentifier a CA signature carries (RFC 4055 §5 NULL for RSA, none for ECDSA, RFC 5758 §3.2). */
export function caSignatureAlgorithm(alg: CaKeyAlgorithm): AlgorithmIdentifier {
  return signatureAlgorithmIdentifier(caSignature(alg));
}

/** Signs as the CA does in CRLs and OCSP responses: the signature in its DER form (ECDSA-Sig-Value for EC). */
export async function caSign(
  alg: CaKeyAlgorithm,
  key: CryptoKey,
  data: Uint8Array | ArrayBuffer,
  crypto: Crypto = globalThis.crypto,
): Promise<Uint8Array> {
  return (await signData({ key, algorithm: caSignature(alg), data, crypto })).signature;
}

export async function generateCaKeyPair(
  alg: CaKeyAlgorithm,
  crypto: Crypto = globalThis.crypto,
): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(caKeyParams(alg), true, ["sign", "verify"]) as Promise<CryptoKeyPair>;
}

const caKeyUsage = KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign | KeyUsageFlags.digitalSignature;

export interface CaCertificateOptions {
  subject: string;
  keys: CryptoKeyPair;
  algorithm: CaKeyAlgorithm;
  notBefore: Date;
  notAfter: Date;
  /** Absent for the root (self-signed); the root's certificate and key for an issuing CA. */
  issuer?: { certificate: Uint8Array; privateKey: CryptoKey; algorithm: CaKeyAlgorithm };
  /** How many CAs may follow below this one; the issuing CA has 0. */
  pathLength?: number;
}

export async function issueCaCertificate(
  o: CaCertificateOptions,
  crypto: Crypto = globalThis.crypto,
): Promise<Uint8Array<ArrayBuffer>> {
  const extensions: Extension[] = [
    new BasicConstraintsExtension(true, o.pathLength, true),
    new KeyUsagesExtension(caKeyUsage, true),
    await SubjectKeyIdentifierExtension.create(o.keys.publicKey, false, crypto),
  ];
  const common = {
    serialNumber: toHex(newSerialNumber(crypto)),
    notBefore: o.notBefore,
    notAfter: o.notAfter,
  };
  let cert: X509Certificate;
  if (!o.issuer) {
    cert = await X509CertificateGenerator.createSelfSigned(
      {
        ...common,
        name: o.subject,
        keys: o.keys,
        extensions,
        signingAlgorithm: caSigningAlgorithm(o.algorithm),
      },
      crypto,
    );
  } else {
    const issuerCert = new X509Certificate(toBytes(o.issuer.certificate));
    extensions.push(await AuthorityKeyIdentifierExtension.create(issuerCert, false, crypto));
    cert = await X509CertificateGenerator.create(
      {
        ...common,
        subject: o.subject,
        issuer: issuerCert.subject,
        publicKey: o.keys.publicKey,
        signingKey: o.issuer.privateKey,
        extensions,
        signingAlgorithm: caSigningAlgorithm(o.issuer.algorithm),
      },
      crypto,
    );
  }
  return new Uint8Array(cert.rawData);
}

/** SHA-256 over the DER, as operators compare fingerprints: colon-separated upper-case hex. */
export async function certificateFingerprint(
  der: Uint8Array,
  crypto: Crypto = globalThis.crypto,
): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", toBytes(der)));
  return toHex(digest).toUpperCase().match(/../g)!.join(":");
}
