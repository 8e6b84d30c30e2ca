// PKCS#10 certification requests (RFC 2986) for the member's key pair, and the key pair itself:
// RSA-2048 with SHA256withRSA by default (the NPKI norm), ECDSA P-256 as an option (DESIGN.md §4).
// Building and checking are @peculiar/x509's; this module fixes the algorithms and the errors.
import { AsnConvert } from "@peculiar/asn1-schema";
import type { Name } from "@peculiar/asn1-x509";
import * as asn1js from "asn1js";
import { toBytes } from "./bytes.ts";
import { PkiError } from "./errors.ts";
import type { KeyAlgorithm } from "./private-key.ts";
import {
  type Extension,
  Pkcs10CertificateRequest,
  Pkcs10CertificateRequestGenerator,
  Name as X509Name,
} from "./x509.ts";

/** The RSA modulus NPKI uses; WebCrypto generates it with the public exponent 65537. */
export const rsaModulusBits = 2048;

const keyGenParams: Record<KeyAlgorithm, RsaHashedKeyGenParams | EcKeyGenParams> = {
  RSA: {
    name: "RSASSA-PKCS1-v1_5",
    modulusLength: rsaModulusBits,
    publicExponent: new Uint8Array([1, 0, 1]),
    hash: "SHA-256",
  },
  EC: { name: "ECDSA", namedCurve: "P-256" },
};

/**
 * A new signing key pair. The private key is extractable, because it is kept as an encrypted
 * PKCS#8 file (NPKI signPri.key or IndexedDB), never as a bare CryptoKey.
 */
export async function generateKeyPair(
  options: { algorithm?: KeyAlgorithm } = {},
  crypto: Crypto = globalThis.crypto,
): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(keyGenParams[options.algorithm ?? "RSA"], true, ["sign", "verify"]);
}

/**
 * A DER PKCS#10 request signed by the key pair: SHA256withRSA for an RSA key (the hash the key was
 * made for), ecdsa-with-SHA256 for a P-256 key.
 */
export async function buildCsr(
  options: { keys: CryptoKeyPair; subject: Name; extensions?: Extension[] },
  crypto: Crypto = globalThis.crypto,
): Promise<Uint8Array<ArrayBuffer>> {
  const csr = await Pkcs10CertificateRequestGenerator.create(
    {
      name: new X509Name(AsnConvert.serialize(options.subject)),
      keys: options.keys,
      // An RSA key's own hash overrides this; ECDSA keys carry none, so this is theirs.
      signingAlgorithm: { name: options.keys.privateKey.algorithm.name, hash: "SHA-256" } as EcdsaParams,
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
 * Whether the request is signed by the key it carries (proof of possession). A signature that
 * does not parse counts as a wrong one; a request that does not parse is malformed.
 */
export async function verifyCsr(der: Uint8Array, crypto: Crypto = globalThis.crypto): Promise<boolean> {
  const csr = parseCsr(der);
  try {
    return await csr.verify(crypto);
  } catch {
    return false;
  }
}
