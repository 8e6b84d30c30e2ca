// PKCS#10 certification requests (RFC 2986) for the member's key pair, and the key pair itself:
// RSA-2048 with SHA256withRSA by default (the NPKI norm), ECDSA P-256 as an option (DESIGN.md §4).
// Writing is @peculiar/x509's; the algorithms, the check of the signature and the errors are ours.
import { CertificationRequest } from "@peculiar/asn1-csr";
import { AsnConvert } from "@peculiar/asn1-schema";
import type { Name } from "@peculiar/asn1-x509";
import * as asn1js from "asn1js";
import { toBytes } from "./bytes.ts";
import { PkiError } from "./errors.ts";
import type { KeyAlgorithm } from "./private-key.ts";
import {
  generateKeyParams,
  type KeyType,
  signatureAlgorithmFor,
  signParams,
  verifySignature,
} from "./signature-algorithms.ts";
import {
  type Extension,
  Pkcs10CertificateRequest,
  Pkcs10CertificateRequestGenerator,
  Name as X509Name,
} from "./x509.ts";

/** The RSA modulus NPKI uses; WebCrypto generates it with the public exponent 65537. */
export const rsaModulusBits = 2048;

const keyTypes: Record<KeyAlgorithm, KeyType> = {
  RSA: { kind: "RSA", modulusBits: rsaModulusBits },
  EC: { kind: "EC", curve: "P-256" },
};

/**
 * A new signing key pair. The private key is extractable, because it is kept as an encrypted
 * PKCS#8 file (NPKI signPri.key or IndexedDB), never as a bare CryptoKey.
 */
export async function generateKeyPair(
  options: { algorithm?: KeyAlgorithm } = {},
  crypto: Crypto = globalThis.crypto,
): Promise<CryptoKeyPair> {
  const params = generateKeyParams(keyTypes[options.algorithm ?? "RSA"], "SHA-256");
  return crypto.subtle.generateKey(params, true, ["sign", "verify"]);
}

/**
 * A DER PKCS#10 request signed by the key pair with its signature algorithm (signature-algorithms.ts):
 * SHA256withRSA for an RSA key made for SHA-256, ecdsa-with-SHA256 on P-256, ecdsa-with-SHA384 on P-384.
 */
export async function buildCsr(
  options: { keys: CryptoKeyPair; subject: Name; extensions?: Extension[] },
  crypto: Crypto = globalThis.crypto,
): Promise<Uint8Array<ArrayBuffer>> {
  const algorithm = signatureAlgorithmFor(options.keys.privateKey);
  const csr = await Pkcs10CertificateRequestGenerator.create(
    {
      name: new X509Name(AsnConvert.serialize(options.subject)),
      keys: options.keys,
      signingAlgorithm: { ...signParams(algorithm), hash: algorithm.hash } as EcdsaParams,
      extensions: options.extensions,
    },
    crypto,
  );
  return new Uint8Array(csr.rawData);
}

export function parseCsr(der: Uint8Array): Pkcs10CertificateRequest {
  let csr: Pkcs10CertificateRequest;
  try {
    csr = new Pkcs10CertificateRequest(toBytes(der));
  } catch (e) {
    throw new PkiError("malformed", "not a PKCS#10 certification request", { cause: e });
  }
  // Parsing takes a prefix; a request followed by other bytes is not a request.
  if (asn1js.fromBER(toBytes(der)).offset !== der.length) {
    throw new PkiError("malformed", "trailing bytes after the certification request");
  }
  return csr;
}

/**
 * Whether the request is signed by the key it carries (proof of possession), with a signature
 * algorithm of the table. A signature that does not parse, or an algorithm we do not accept (SHA-1
 * among them), counts as a wrong one; a request that does not parse is malformed.
 */
export async function verifyCsr(der: Uint8Array, crypto: Crypto = globalThis.crypto): Promise<boolean> {
  parseCsr(der);
  try {
    // The signed bytes are the certificationRequestInfo as received, not as re-encoded.
    const request = AsnConvert.parse(toBytes(der), CertificationRequest);
    const info = request.certificationRequestInfo;
    return await verifySignature({
      publicKey: new Uint8Array(AsnConvert.serialize(info.subjectPKInfo)),
      algorithm: request.signatureAlgorithm,
      signature: request.signature,
      data: request.certificationRequestInfoRaw ?? AsnConvert.serialize(info),
      crypto,
    });
  } catch {
    return false;
  }
}
