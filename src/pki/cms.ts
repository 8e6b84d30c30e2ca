// CMS SignedData (RFC 5652 §5.1) with one SignerInfo (§5.3) whose signed attributes contentType,
// messageDigest and signingTime (§11.1–11.3) carry the §5.4 message digest; detached or attached.
// Signing and verifying; reading the SignedData with the bytes its signature covers is cms-parse.ts.
import {
  Attribute,
  CertificateChoices,
  CertificateSet,
  CMSVersion,
  ContentInfo,
  DigestAlgorithmIdentifiers,
  EncapsulatedContent,
  EncapsulatedContentInfo,
  IssuerAndSerialNumber,
  id_contentType,
  id_data,
  id_messageDigest,
  id_signedData,
  id_signingTime,
  SignedData,
  SignerIdentifier,
  SignerInfo,
  SignerInfos,
  SigningTime,
} from "@peculiar/asn1-cms";
import { id_ecPublicKey } from "@peculiar/asn1-ecc";
import { id_rsaEncryption } from "@peculiar/asn1-rsa";
import { AsnArray, AsnConvert, AsnType, AsnTypeTypes, OctetString } from "@peculiar/asn1-schema";
import { Certificate } from "@peculiar/asn1-x509";
import * as asn1js from "asn1js";
import { equalBytes, toBytes } from "./bytes.ts";
import {
  type AlgorithmParts,
  type CarriedCertificate,
  parseSignedData,
  readSignedAttributes,
  type SignerIdentifierParts,
} from "./cms-parse.ts";
import { PkiError } from "./errors.ts";
import {
  digestAlgorithmIdentifier,
  hashByOid,
  importVerifyingKey,
  type KeyType,
  keyTypeOf,
  type PublicKeyInfo,
  readPublicKey,
  type SignatureAlgorithm,
  signatureAlgorithmByOidContent,
  signatureAlgorithmFor,
  signatureAlgorithmIdentifier,
  signatureAlgorithmOf,
  signData,
  verifySignature,
  verifyWithKey,
} from "./signature-algorithms.ts";

/**
 * ```asn1
 * SignedAttributes ::= SET SIZE (1..MAX) OF Attribute
 * ```
 * RFC 5652 §5.4: the signature covers this SET's DER, with the EXPLICIT SET OF tag in place of the
 * IMPLICIT [0] that SignerInfo gives it.
 */
@AsnType({ type: AsnTypeTypes.Set, itemType: Attribute })
class SignedAttributes extends AsnArray<Attribute> {
  constructor(items?: Attribute[]) {
    super(items);
    Object.setPrototypeOf(this, SignedAttributes.prototype);
  }
}

export interface CmsSignOptions {
  content: Uint8Array;
  /** The signer's certificate, DER. */
  certificate: Uint8Array;
  /**
   * An RSA key (signing with the hash it was imported for, SHA-256 as importSigningKey gives it) or
   * an ECDSA key on P-256, P-384 or P-521 (signing with its curve's hash).
   */
  privateKey: CryptoKey;
  /** Leave the content out of the SignedData (the default); the verifier must be given it. */
  detached?: boolean;
  /** More certificates to carry, such as the issuing CA's. */
  extraCertificates?: Uint8Array[];
  signingTime?: Date;
  crypto?: Crypto;
}

export interface CmsVerifyResult {
  content: Uint8Array;
  /** The signer's certificate, DER, exactly as the SignedData carries it. */
  signer: Uint8Array;
  signingTime?: Date;
}

export interface CmsVerifyOptions {
  signature: Uint8Array;
  /** The signed content: required when the signature is detached; when attached, it must equal the content inside. */
  content?: Uint8Array;
  crypto?: Crypto;
}

/**
 * Signs `content` with the key's signature algorithm (signature-algorithms.ts), the message digest
 * taken with that algorithm's hash, and returns the DER ContentInfo holding the SignedData.
 */
export async function signCms(options: CmsSignOptions): Promise<Uint8Array> {
  const crypto = options.crypto ?? globalThis.crypto;
  const algorithm = signatureAlgorithmFor(options.privateKey);
  const cert = parseDerCertificate(options.certificate);
  if (!sameKeyType(publicKeyOf(cert).type, keyTypeOf(options.privateKey))) {
    throw new PkiError(
      "key_mismatch",
      `the certificate's key is not an ${algorithm.key} key like the private key`,
    );
  }
  const content = toBytes(options.content);
  const digest = await crypto.subtle.digest(algorithm.hash, content);

  const attributes = sortedByDer([
    new Attribute({ attrType: id_contentType, attrValues: [objectIdentifierDer(id_data)] }),
    new Attribute({
      attrType: id_messageDigest,
      attrValues: [AsnConvert.serialize(new OctetString(digest))],
    }),
    new Attribute({
      attrType: id_signingTime,
      attrValues: [AsnConvert.serialize(signingTimeValue(options.signingTime ?? new Date()))],
    }),
  ]);
  const { signature } = await signData({
    key: options.privateKey,
    algorithm,
    data: AsnConvert.serialize(new SignedAttributes(attributes)),
    crypto,
  });

  const signerInfo = new SignerInfo({
    version: CMSVersion.v1,
    sid: new SignerIdentifier({
      issuerAndSerialNumber: new IssuerAndSerialNumber({
        issuer: cert.tbsCertificate.issuer,
        serialNumber: cert.tbsCertificate.serialNumber,
      }),
    }),
    digestAlgorithm: digestAlgorithmIdentifier(algorithm.hash),
    signedAttrs: attributes,
    signatureAlgorithm: signatureAlgorithmIdentifier(algorithm),
    signature: new OctetString(signature),
  });

  // SET OF in DER is sorted; the signer's certificate is there once even if also given as an extra.
  const certificates = sortedByDer(
    [options.certificate, ...(options.extraCertificates ?? [])].map(parseDerCertificate),
  ).filter((c, i, all) => i === 0 || !equalDer(c, all[i - 1]!));
  const signedData = new SignedData({
    version: CMSVersion.v1,
    digestAlgorithms: new DigestAlgorithmIdentifiers([digestAlgorithmIdentifier(algorithm.hash)]),
    encapContentInfo: new EncapsulatedContentInfo({
      eContentType: id_data,
      eContent:
        options.detached === false
          ? new EncapsulatedContent({ single: new OctetString(content) })
          : undefined,
    }),
    certificates: new CertificateSet(
      certificates.map((certificate) => new CertificateChoices({ certificate })),
    ),
    signerInfos: new SignerInfos([signerInfo]),
  });
  const contentInfo = new ContentInfo({
    contentType: id_signedData,
    content: AsnConvert.serialize(signedData),
  });
  return new Uint8Array(AsnConvert.serialize(contentInfo));
}

/**
 * Checks a SignedData with one signer against the signer's certificate carried inside it, the one
 * its SignerIdentifier names, and returns the content and that certificate. It does not judge the
 * certificate: chain, validity period, revocation and key usage are the caller's to check on
 * `signer`. Throws PkiError "bad_signature" when the signature, the message digest or the content
 * type does not match, "malformed" when the input is not a SignedData this can read.
 */
export async function verifyCms(options: CmsVerifyOptions): Promise<CmsVerifyResult> {
  const crypto = options.crypto ?? globalThis.crypto;
  const parsed = parseSignedData(options.signature);
  if (parsed.signerInfos.length !== 1) {
    throw new PkiError("malformed", `expected one SignerInfo, found ${parsed.signerInfos.length}`);
  }
  const info = parsed.signerInfos[0]!;

  let content: Uint8Array;
  if (parsed.content) {
    content = parsed.content;
    if (options.content && !equalBytes(options.content, content)) {
      throw new PkiError("bad_signature", "the content given is not the content signed");
    }
  } else {
    if (!options.content) {
      throw new PkiError("malformed", "the signature is detached: the content must be given");
    }
    content = options.content;
  }

  const digestHash = hashByOid(info.digestAlgorithm.oid);
  if (!digestHash) {
    throw new PkiError("unsupported_algorithm", `digest algorithm ${info.digestAlgorithm.oid}`);
  }
  const scheme = signerInfoAlgorithm(info.signatureAlgorithm, digestHash);
  if (scheme.hash !== digestHash) {
    throw new PkiError("malformed", "the signature algorithm's hash is not the digest algorithm");
  }

  const signer = findSigner(parsed.certificates, info.sid);
  const publicKey = carriedKey(signer.spki);
  if (publicKey.info.type.kind !== scheme.key) {
    throw new PkiError("bad_signature", "the signature algorithm does not fit the signer's key");
  }

  let signedBytes: Uint8Array;
  let signingTime: Date | undefined;
  if (info.signedAttrsDer) {
    const attrs = readSignedAttributes(info.signedAttrsDer);
    if (attrs.contentType !== parsed.contentType) {
      throw new PkiError("bad_signature", "the contentType attribute is not the content's type");
    }
    const digest = new Uint8Array(await crypto.subtle.digest(digestHash, toBytes(content)));
    if (!equalBytes(digest, attrs.messageDigest)) {
      throw new PkiError("bad_signature", "the messageDigest attribute does not match the content");
    }
    signedBytes = info.signedAttrsDer;
    signingTime = attrs.signingTime;
  } else {
    // §5.3: without signed attributes the signature is over the content itself, which must be data.
    if (parsed.contentType !== id_data) {
      throw new PkiError("malformed", "no signed attributes over non-data content");
    }
    signedBytes = content;
  }

  const key = await verifyingKey(publicKey, scheme, crypto);
  const verified =
    key &&
    (await verifyWithKey({ key, algorithm: scheme, signature: info.signature, data: signedBytes, crypto }));
  if (!verified) {
    throw new PkiError("bad_signature", "the signature does not verify with the signer's certificate");
  }
  return signingTime ? { content, signer: signer.der, signingTime } : { content, signer: signer.der };
}

/**
 * Signers' public keys seen before, read and imported once: a member signs many times with one
 * key, and importing it is most of what is left of a check's CPU once the reading is done.
 * Keyed by the SubjectPublicKeyInfo's bytes themselves, so two keys never share an entry; bounded,
 * the least recently used leaving first. Imports are kept for the global WebCrypto only (a key
 * belongs to the implementation that imported it).
 */
interface CarriedKey {
  info: PublicKeyInfo;
  /** By signature algorithm OID: the key as imported for it, or false when it can make none. */
  imported: Map<string, Promise<CryptoKey | false>>;
}

const carriedKeys = new Map<string, CarriedKey>();
const carriedKeysMax = 2000;
/** Longer than any key we certify (an RSA-4096 SubjectPublicKeyInfo is 550 bytes): not kept. */
const carriedKeyBytesMax = 2048;

function carriedKey(spki: Uint8Array): CarriedKey {
  if (spki.length > carriedKeyBytesMax) return { info: readPublicKey(spki), imported: new Map() };
  const id = String.fromCharCode(...spki);
  let entry = carriedKeys.get(id);
  if (entry) {
    carriedKeys.delete(id);
  } else {
    entry = { info: readPublicKey(spki), imported: new Map() };
    if (carriedKeys.size >= carriedKeysMax) carriedKeys.delete(carriedKeys.keys().next().value!);
  }
  carriedKeys.set(id, entry);
  return entry;
}

function verifyingKey(entry: CarriedKey, algorithm: SignatureAlgorithm, crypto: Crypto) {
  if (crypto !== globalThis.crypto) return importVerifyingKey(entry.info, algorithm, crypto);
  let key = entry.imported.get(algorithm.oid);
  if (!key) {
    key = importVerifyingKey(entry.info, algorithm, crypto);
    entry.imported.set(algorithm.oid, key);
    key.catch(() => entry.imported.delete(algorithm.oid));
  }
  return key;
}

/**
 * Whether `privateKey` is the key of `certificate`: signs a random challenge and verifies it with
 * the certificate's public key. Finds a key file that does not belong to its signCert.der.
 */
export async function certificateMatchesKey(
  certificate: Uint8Array,
  privateKey: CryptoKey,
  crypto: Crypto = globalThis.crypto,
): Promise<boolean> {
  const algorithm = signatureAlgorithmFor(privateKey);
  const publicKey = publicKeyOf(parseDerCertificate(certificate));
  if (!sameKeyType(publicKey.type, keyTypeOf(privateKey))) return false;
  const challenge = crypto.getRandomValues(new Uint8Array(32));
  const { signature } = await signData({ key: privateKey, algorithm, data: challenge, crypto });
  return verifySignature({ publicKey, algorithm, signature, data: challenge, crypto });
}

function sameKeyType(a: KeyType, b: KeyType): boolean {
  return a.kind === "RSA" ? b.kind === "RSA" : b.kind === "EC" && a.curve === b.curve;
}

/**
 * The SignerInfo's signatureAlgorithm from the table; a bare key OID (rsaEncryption, which RFC 3370
 * §3.2 allows and OpenSSL writes, or id-ecPublicKey) takes its hash from digestAlgorithm. Parameters
 * absent or NULL are accepted (readSignatureAlgorithm's rule); unsupported_algorithm otherwise.
 */
function signerInfoAlgorithm(
  identifier: AlgorithmParts,
  digestHash: SignatureAlgorithm["hash"],
): SignatureAlgorithm {
  if (identifier.oid === id_rsaEncryption) return signatureAlgorithmOf("RSA", digestHash);
  if (identifier.oid === id_ecPublicKey) return signatureAlgorithmOf("EC", digestHash);
  const found = signatureAlgorithmByOidContent(identifier.oidContent);
  const p = identifier.parameters;
  if (!found || !(p === undefined || equalBytes(p, nullDer))) {
    throw new PkiError("unsupported_algorithm", `signature algorithm ${identifier.oid}`);
  }
  return found;
}

const nullDer = Uint8Array.of(0x05, 0x00);

/** The certificate's public key: RSA, or EC on a curve of the table; unsupported_algorithm otherwise. */
function publicKeyOf(cert: Certificate): PublicKeyInfo {
  return readPublicKey(new Uint8Array(AsnConvert.serialize(cert.tbsCertificate.subjectPublicKeyInfo)));
}

/**
 * A certificate that re-encodes to its own bytes, so that the copy carried in the SignedData and
 * the issuer and serial copied into the SignerIdentifier are exactly the certificate's.
 */
export function parseDerCertificate(der: Uint8Array): Certificate {
  let cert: Certificate;
  try {
    cert = AsnConvert.parse(toBytes(der), Certificate);
  } catch (e) {
    throw new PkiError("malformed", "not an X.509 certificate", { cause: e });
  }
  if (!equalBytes(new Uint8Array(AsnConvert.serialize(cert)), der)) {
    throw new PkiError("malformed", "the certificate is not in DER (or has trailing bytes)");
  }
  return cert;
}

function findSigner(certificates: CarriedCertificate[], sid: SignerIdentifierParts): CarriedCertificate {
  if (certificates.length === 0) {
    throw new PkiError("malformed", "the SignedData carries no certificates; the signer's is needed");
  }
  const found = certificates.find((cert) => {
    if ("issuer" in sid) return equalBytes(cert.serial, sid.serial) && equalBytes(cert.issuer, sid.issuer);
    return cert.subjectKeyIdentifier !== undefined && equalBytes(cert.subjectKeyIdentifier, sid.keyId);
  });
  if (!found) {
    throw new PkiError("bad_signature", "no certificate in the SignedData is the one its SignerInfo names");
  }
  return found;
}

/** §11.3: UTCTime for 1950 to 2049, GeneralizedTime otherwise, to the second. */
function signingTimeValue(date: Date): SigningTime {
  const time = new Date(date.getTime());
  time.setUTCMilliseconds(0);
  const year = time.getUTCFullYear();
  return year >= 1950 && year <= 2049
    ? new SigningTime({ utcTime: time })
    : new SigningTime({ generalTime: time });
}

function objectIdentifierDer(oid: string): ArrayBuffer {
  return new asn1js.ObjectIdentifier({ value: oid }).toBER();
}

/** X.690 §11.6: a DER SET OF is ordered by its elements' encodings. */
function sortedByDer<T extends object>(items: T[]): T[] {
  const encoded = items.map((item) => ({ item, der: new Uint8Array(AsnConvert.serialize(item)) }));
  encoded.sort((a, b) => compareBytes(a.der, b.der));
  return encoded.map((e) => e.item);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}

function equalDer(a: object, b: object): boolean {
  return equalBytes(new Uint8Array(AsnConvert.serialize(a)), new Uint8Array(AsnConvert.serialize(b)));
}
