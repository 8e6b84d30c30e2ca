// PKCS#12 (RFC 7292) .pfx files, written as OpenSSL 3 writes them by default: one private key and its
// certificates, the bags under PBES2 (pbe.ts), the MAC of pkcs12-kdf.ts; reading is pkcs12.ts.
import {
  ContentInfo,
  EncryptedContent,
  EncryptedContentInfo,
  id_data,
  id_encryptedData,
} from "@peculiar/asn1-cms";
import {
  AuthenticatedSafe,
  CertBag,
  id_certBag,
  id_pkcs8ShroudedKeyBag,
  id_x509Certificate,
  MacData,
  PFX,
  PKCS8ShroudedKeyBag,
  PKCS12Attribute,
  SafeBag,
  SafeContents,
} from "@peculiar/asn1-pfx";
import { DigestInfo } from "@peculiar/asn1-rsa";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier, Certificate } from "@peculiar/asn1-x509";
import * as asn1js from "asn1js";
import { EncryptedData, id_friendlyName, id_localKeyId } from "./asn1/pkcs12.ts";
import { toBytes } from "./bytes.ts";
import { encodePbeAlgorithm, newPbes2Scheme, pbeEncrypt } from "./pbe.ts";
import { parseAs } from "./pkcs12.ts";
import { bmpPassword, computeMac, pkcs12MacHashes } from "./pkcs12-kdf.ts";
import { parsePrivateKeyInfo } from "./private-key.ts";

export interface Pkcs12WriteOptions {
  /** Written as the friendlyName (BMPString) of the key and of the first certificate. */
  friendlyName?: string;
  /** PBKDF2 iterations of both bag encryptions; default 100,000. The MAC always takes 2048 (see below). */
  iterations?: number;
  /** Bag cipher under PBES2 with PBKDF2-HMAC-SHA256; default AES-256-CBC (OpenSSL 3 reads seedCBC only with its legacy provider). */
  cipher?: "aes-256-cbc" | "seed-cbc";
  /** Hash of the PKCS#12 MAC and its key derivation; default SHA-256. */
  macHash?: "sha256" | "sha1";
}

/** PBKDF2 iterations of the bags we write: the same as our NPKI key files (pbe.ts). */
export const pkcs12WriteIterations = 100_000;
/**
 * MAC iterations of the files we write: OpenSSL's and Python's default, which every reader expects.
 * The MAC is the cheaper test of a password guess, so a .pfx resists guessing at this cost, not at
 * the PBKDF2 count: the password's strength is what protects a file that leaves the device.
 */
export const pkcs12MacIterations = 2048;

function derOf(value: unknown): Uint8Array {
  return new Uint8Array(AsnConvert.serialize(value));
}

function attribute(attrId: string, value: ArrayBuffer): PKCS12Attribute {
  // asn1-pfx 2.11's PKCS12Attribute constructor drops its argument (Object.assign(params)): set fields.
  const attr = new PKCS12Attribute();
  attr.attrId = attrId;
  attr.attrValues = [value];
  return attr;
}

function bmpString(text: string): ArrayBuffer {
  return new asn1js.BmpString({ value: text }).toBER();
}

/**
 * Writes a .pfx as OpenSSL 3 does by default: the certificates in an EncryptedData and the key in
 * a PKCS8ShroudedKeyBag, both under PBES2 with PBKDF2-HMAC-SHA256 (100,000 iterations) and
 * AES-256-CBC; a localKeyId (SHA-1 of the certificate) on the key and on `certificates[0]`, which
 * is taken to be the key's own; the friendlyName, if given, on both; a SHA-256 MAC over 2048
 * iterations. The key's bytes go in as given, so its attributes (R) come back out unchanged.
 */
export async function writePkcs12(
  contents: { privateKey: Uint8Array; certificates: Uint8Array[]; friendlyName?: string },
  password: string,
  options: Pkcs12WriteOptions = {},
  crypto: Crypto = globalThis.crypto,
): Promise<Uint8Array> {
  parsePrivateKeyInfo(contents.privateKey);
  for (const cert of contents.certificates) parseAs(cert, Certificate, "a certificate");
  const friendlyName = options.friendlyName ?? contents.friendlyName;
  const pbe = {
    prf: "sha256",
    cipher: options.cipher ?? "aes-256-cbc",
    iterations: options.iterations ?? pkcs12WriteIterations,
  } as const;
  const macHash = options.macHash ?? "sha256";

  const owner = contents.certificates[0];
  const keyAttributes: PKCS12Attribute[] = [];
  if (friendlyName !== undefined) keyAttributes.push(attribute(id_friendlyName, bmpString(friendlyName)));
  if (owner) {
    const keyId = new Uint8Array(await crypto.subtle.digest("SHA-1", toBytes(owner)));
    keyAttributes.push(attribute(id_localKeyId, AsnConvert.serialize(new OctetString(keyId))));
  }
  const withAttributes = (bag: SafeBag, attributes: PKCS12Attribute[]) => {
    if (attributes.length > 0) bag.bagAttributes = attributes;
    return bag;
  };

  const authSafe = new AuthenticatedSafe();
  if (contents.certificates.length > 0) {
    const certBags = contents.certificates.map((der, index) =>
      withAttributes(
        new SafeBag({
          bagId: id_certBag,
          bagValue: AsnConvert.serialize(
            new CertBag({
              certId: id_x509Certificate,
              certValue: AsnConvert.serialize(new OctetString(der)),
            }),
          ),
        }),
        index === 0 ? keyAttributes : [],
      ),
    );
    const scheme = newPbes2Scheme(pbe, crypto);
    const ciphertext = await pbeEncrypt(scheme, password, derOf(new SafeContents(certBags)), crypto);
    const encrypted = new EncryptedData({
      encryptedContentInfo: new EncryptedContentInfo({
        contentType: id_data,
        contentEncryptionAlgorithm: encodePbeAlgorithm(scheme),
        encryptedContent: new EncryptedContent({ value: new OctetString(ciphertext) }),
      }),
    });
    authSafe.push(
      new ContentInfo({ contentType: id_encryptedData, content: AsnConvert.serialize(encrypted) }),
    );
  }

  const keyScheme = newPbes2Scheme(pbe, crypto);
  const keyBag = new PKCS8ShroudedKeyBag({
    encryptionAlgorithm: encodePbeAlgorithm(keyScheme),
    encryptedData: new OctetString(await pbeEncrypt(keyScheme, password, contents.privateKey, crypto)),
  });
  const keySafe = new SafeContents([
    withAttributes(
      new SafeBag({ bagId: id_pkcs8ShroudedKeyBag, bagValue: AsnConvert.serialize(keyBag) }),
      keyAttributes,
    ),
  ]);
  authSafe.push(
    new ContentInfo({ contentType: id_data, content: AsnConvert.serialize(new OctetString(derOf(keySafe))) }),
  );

  const authSafeBytes = derOf(authSafe);
  const salt = crypto.getRandomValues(new Uint8Array(8));
  const mac = await computeMac(
    crypto,
    macHash,
    bmpPassword(password),
    salt,
    pkcs12MacIterations,
    authSafeBytes,
  );
  const pfx = new PFX({
    version: 3,
    authSafe: new ContentInfo({
      contentType: id_data,
      content: AsnConvert.serialize(new OctetString(authSafeBytes)),
    }),
    macData: new MacData({
      mac: new DigestInfo({
        digestAlgorithm: new AlgorithmIdentifier({
          algorithm: pkcs12MacHashes[macHash].oid,
          parameters: null,
        }),
        digest: new OctetString(mac),
      }),
      macSalt: new OctetString(salt),
      iterations: pkcs12MacIterations,
    }),
  });
  return derOf(pfx);
}
