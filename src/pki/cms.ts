// CMS SignedData (RFC 5652 §5.1) with one SignerInfo (§5.3) whose signed attributes contentType,
// messageDigest and signingTime (§11.1–11.3) carry the §5.4 message digest; detached or attached.
import {
  Attribute,
  CertificateChoices,
  CertificateSet,
  CMSVersion,
  ContentInfo,
  DigestAlgorithmIdentifier,
  DigestAlgorithmIdentifiers,
  EncapsulatedContent,
  EncapsulatedContentInfo,
  IssuerAndSerialNumber,
  id_contentType,
  id_data,
  id_messageDigest,
  id_signedData,
  id_signingTime,
  SignatureAlgorithmIdentifier,
  SignedData,
  SignerIdentifier,
  SignerInfo,
  SignerInfos,
  SigningTime,
} from "@peculiar/asn1-cms";
import {
  ECDSASigValue,
  id_ecdsaWithSHA256,
  id_ecdsaWithSHA384,
  id_ecdsaWithSHA512,
  id_ecPublicKey,
  id_secp256r1,
  id_secp384r1,
  id_secp521r1,
} from "@peculiar/asn1-ecc";
import {
  id_rsaEncryption,
  id_sha256,
  id_sha256WithRSAEncryption,
  id_sha384,
  id_sha384WithRSAEncryption,
  id_sha512,
  id_sha512WithRSAEncryption,
} from "@peculiar/asn1-rsa";
import { AsnArray, AsnConvert, AsnType, AsnTypeTypes, OctetString } from "@peculiar/asn1-schema";
import { Certificate, id_ce_subjectKeyIdentifier, SubjectKeyIdentifier } from "@peculiar/asn1-x509";
import * as asn1js from "asn1js";
import { concatBytes, equalBytes, toBytes } from "./bytes.ts";
import { ecdsaToDer } from "./der.ts";
import { PkiError } from "./errors.ts";
import type { KeyAlgorithm } from "./private-key.ts";

/** A SignedData larger than this is refused before parsing; a transfer's canonical form is far smaller. */
export const signatureBytesMax = 16 * 1024 * 1024;

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

type HashName = "SHA-256" | "SHA-384" | "SHA-512";

const digestHashes: Record<string, HashName> = {
  [id_sha256]: "SHA-256",
  [id_sha384]: "SHA-384",
  [id_sha512]: "SHA-512",
};

/** SignerInfo signatureAlgorithm OIDs we verify; a bare key OID takes its hash from digestAlgorithm. */
const signatureSchemes: Record<string, { key: KeyAlgorithm; hash?: HashName }> = {
  [id_rsaEncryption]: { key: "RSA" },
  [id_sha256WithRSAEncryption]: { key: "RSA", hash: "SHA-256" },
  [id_sha384WithRSAEncryption]: { key: "RSA", hash: "SHA-384" },
  [id_sha512WithRSAEncryption]: { key: "RSA", hash: "SHA-512" },
  [id_ecPublicKey]: { key: "EC" },
  [id_ecdsaWithSHA256]: { key: "EC", hash: "SHA-256" },
  [id_ecdsaWithSHA384]: { key: "EC", hash: "SHA-384" },
  [id_ecdsaWithSHA512]: { key: "EC", hash: "SHA-512" },
};

/** Named curves with the byte length of r and s in WebCrypto's r||s signature form. */
const namedCurves: Record<string, { name: string; size: number }> = {
  [id_secp256r1]: { name: "P-256", size: 32 },
  [id_secp384r1]: { name: "P-384", size: 48 },
  [id_secp521r1]: { name: "P-521", size: 66 },
};

export interface CmsSignOptions {
  content: Uint8Array;
  /** The signer's certificate, DER. */
  certificate: Uint8Array;
  /** RSASSA-PKCS1-v1_5 with SHA-256 or ECDSA P-256, as importSigningKey gives it. */
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

/** Signs `content` with SHA-256 and returns the DER ContentInfo holding the SignedData. */
export async function signCms(options: CmsSignOptions): Promise<Uint8Array> {
  const crypto = options.crypto ?? globalThis.crypto;
  const scheme = signingScheme(options.privateKey);
  const cert = parseDerCertificate(options.certificate);
  if (publicKeyOf(cert).key !== scheme.key) {
    throw new PkiError(
      "key_mismatch",
      `the certificate's key is not an ${scheme.key} key like the private key`,
    );
  }
  const content = toBytes(options.content);
  const digest = await crypto.subtle.digest("SHA-256", content);

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
  const signed = await crypto.subtle.sign(
    scheme.signParams,
    options.privateKey,
    AsnConvert.serialize(new SignedAttributes(attributes)),
  );
  const signature = scheme.key === "EC" ? ecdsaToDer(new Uint8Array(signed)) : signed;

  const signerInfo = new SignerInfo({
    version: CMSVersion.v1,
    sid: new SignerIdentifier({
      issuerAndSerialNumber: new IssuerAndSerialNumber({
        issuer: cert.tbsCertificate.issuer,
        serialNumber: cert.tbsCertificate.serialNumber,
      }),
    }),
    digestAlgorithm: new DigestAlgorithmIdentifier({ algorithm: id_sha256 }),
    signedAttrs: attributes,
    signatureAlgorithm: scheme.signatureAlgorithm,
    signature: new OctetString(signature),
  });

  // SET OF in DER is sorted; the signer's certificate is there once even if also given as an extra.
  const certificates = sortedByDer(
    [options.certificate, ...(options.extraCertificates ?? [])].map(parseDerCertificate),
  ).filter((c, i, all) => i === 0 || !equalDer(c, all[i - 1]!));
  const signedData = new SignedData({
    version: CMSVersion.v1,
    digestAlgorithms: new DigestAlgorithmIdentifiers([
      new DigestAlgorithmIdentifier({ algorithm: id_sha256 }),
    ]),
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
  const { signedData } = parsed;
  if (parsed.signerInfos.length !== 1) {
    throw new PkiError("malformed", `expected one SignerInfo, found ${parsed.signerInfos.length}`);
  }
  const { info, signedAttrsDer } = parsed.signerInfos[0]!;

  const encap = signedData.encapContentInfo;
  let content: Uint8Array;
  if (encap.eContent) {
    content = encapsulatedContent(encap.eContent);
    if (options.content && !equalBytes(options.content, content)) {
      throw new PkiError("bad_signature", "the content given is not the content signed");
    }
  } else {
    if (!options.content) {
      throw new PkiError("malformed", "the signature is detached: the content must be given");
    }
    content = options.content;
  }

  const digestHash = digestHashes[info.digestAlgorithm.algorithm];
  if (!digestHash) {
    throw new PkiError("unsupported_algorithm", `digest algorithm ${info.digestAlgorithm.algorithm}`);
  }
  const scheme = signatureSchemes[info.signatureAlgorithm.algorithm];
  if (!scheme) {
    throw new PkiError("unsupported_algorithm", `signature algorithm ${info.signatureAlgorithm.algorithm}`);
  }
  if (scheme.hash && scheme.hash !== digestHash) {
    throw new PkiError("malformed", "the signature algorithm's hash is not the digest algorithm");
  }

  const signer = findSigner(parsed.certificates, info.sid);
  const publicKey = publicKeyOf(signer.cert);
  if (publicKey.key !== scheme.key) {
    throw new PkiError("bad_signature", "the signature algorithm does not fit the signer's key");
  }

  let signedBytes: Uint8Array;
  let signingTime: Date | undefined;
  if (info.signedAttrs) {
    const attrs = readSignedAttributes(info.signedAttrs);
    if (attrs.contentType !== encap.eContentType) {
      throw new PkiError("bad_signature", "the contentType attribute is not the content's type");
    }
    const digest = new Uint8Array(await crypto.subtle.digest(digestHash, toBytes(content)));
    if (!equalBytes(digest, attrs.messageDigest)) {
      throw new PkiError("bad_signature", "the messageDigest attribute does not match the content");
    }
    signedBytes = signedAttrsDer!;
    signingTime = attrs.signingTime;
  } else {
    // §5.3: without signed attributes the signature is over the content itself, which must be data.
    if (encap.eContentType !== id_data) {
      throw new PkiError("malformed", "no signed attributes over non-data content");
    }
    signedBytes = content;
  }

  let signature: Uint8Array = new Uint8Array(info.signature.buffer);
  if (publicKey.key === "EC") {
    const raw = ecdsaFromDer(signature, publicKey.curve.size);
    if (!raw) throw new PkiError("bad_signature", "the ECDSA signature is not a valid ECDSA-Sig-Value");
    signature = raw;
  }
  if (!(await verifyWith(publicKey, digestHash, signature, signedBytes, crypto))) {
    throw new PkiError("bad_signature", "the signature does not verify with the signer's certificate");
  }
  return signingTime ? { content, signer: signer.der, signingTime } : { content, signer: signer.der };
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
  const scheme = signingScheme(privateKey);
  const publicKey = publicKeyOf(parseDerCertificate(certificate));
  if (publicKey.key !== scheme.key) return false;
  if (
    publicKey.key === "EC" &&
    publicKey.curve.name !== (privateKey.algorithm as EcKeyAlgorithm).namedCurve
  ) {
    return false;
  }
  const challenge = crypto.getRandomValues(new Uint8Array(32));
  const signature = new Uint8Array(await crypto.subtle.sign(scheme.signParams, privateKey, challenge));
  return verifyWith(publicKey, "SHA-256", signature, challenge, crypto);
}

interface SigningScheme {
  key: KeyAlgorithm;
  signParams: AlgorithmIdentifier | EcdsaParams;
  signatureAlgorithm: SignatureAlgorithmIdentifier;
}

/** The keys this module signs with: SHA256withRSA, the NPKI norm, and ECDSA P-256 with SHA-256. */
function signingScheme(key: CryptoKey): SigningScheme {
  const alg = key.algorithm;
  if (alg.name === "RSASSA-PKCS1-v1_5" && (alg as RsaHashedKeyAlgorithm).hash.name === "SHA-256") {
    return {
      key: "RSA",
      signParams: { name: "RSASSA-PKCS1-v1_5" },
      // RFC 4055 §5: the parameters of sha256WithRSAEncryption are NULL.
      signatureAlgorithm: new SignatureAlgorithmIdentifier({
        algorithm: id_sha256WithRSAEncryption,
        parameters: null,
      }),
    };
  }
  if (alg.name === "ECDSA" && (alg as EcKeyAlgorithm).namedCurve === "P-256") {
    return {
      key: "EC",
      signParams: { name: "ECDSA", hash: "SHA-256" },
      // RFC 5758 §3.2: ecdsa-with-SHA256 has no parameters.
      signatureAlgorithm: new SignatureAlgorithmIdentifier({ algorithm: id_ecdsaWithSHA256 }),
    };
  }
  const hash = (alg as Partial<RsaHashedKeyAlgorithm>).hash?.name;
  const curve = (alg as Partial<EcKeyAlgorithm>).namedCurve;
  throw new PkiError("unsupported_algorithm", `signing key ${alg.name} ${hash ?? curve ?? ""}`.trim());
}

type PublicKey =
  | { key: "RSA"; spki: Uint8Array }
  | { key: "EC"; spki: Uint8Array; curve: { name: string; size: number } };

function publicKeyOf(cert: Certificate): PublicKey {
  const info = cert.tbsCertificate.subjectPublicKeyInfo;
  const spki = new Uint8Array(AsnConvert.serialize(info));
  const oid = info.algorithm.algorithm;
  if (oid === id_rsaEncryption) return { key: "RSA", spki };
  if (oid === id_ecPublicKey) {
    const params = info.algorithm.parameters;
    const curveOid = params ? readObjectIdentifier(new Uint8Array(params)) : undefined;
    const curve = curveOid ? namedCurves[curveOid] : undefined;
    if (!curve) throw new PkiError("unsupported_algorithm", `EC public key on curve ${curveOid ?? "(none)"}`);
    return { key: "EC", spki, curve };
  }
  throw new PkiError("unsupported_algorithm", `public key algorithm ${oid}`);
}

/** `signature` in WebCrypto's form (for ECDSA, r||s). */
async function verifyWith(
  publicKey: PublicKey,
  hash: HashName,
  signature: Uint8Array,
  data: Uint8Array,
  crypto: Crypto,
): Promise<boolean> {
  const importParams: RsaHashedImportParams | EcKeyImportParams =
    publicKey.key === "RSA"
      ? { name: "RSASSA-PKCS1-v1_5", hash }
      : { name: "ECDSA", namedCurve: publicKey.curve.name };
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey("spki", toBytes(publicKey.spki), importParams, false, ["verify"]);
  } catch (e) {
    throw new PkiError("malformed", "the certificate's public key could not be imported", { cause: e });
  }
  const params: AlgorithmIdentifier | EcdsaParams =
    publicKey.key === "RSA" ? { name: "RSASSA-PKCS1-v1_5" } : { name: "ECDSA", hash };
  return crypto.subtle.verify(params, key, toBytes(signature), toBytes(data));
}

/**
 * A certificate that re-encodes to its own bytes, so that the copy carried in the SignedData and
 * the issuer and serial copied into the SignerIdentifier are exactly the certificate's.
 */
function parseDerCertificate(der: Uint8Array): Certificate {
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

interface ParsedSignedData {
  signedData: SignedData;
  /** The `certificate` choices of the certificates field, each with its bytes as carried. */
  certificates: { cert: Certificate; der: Uint8Array }[];
  /** Each SignerInfo with the bytes its signature covers when it has signed attributes. */
  signerInfos: { info: SignerInfo; signedAttrsDer: Uint8Array | undefined }[];
}

function parseSignedData(signature: Uint8Array): ParsedSignedData {
  if (signature.length > signatureBytesMax) {
    throw new PkiError("malformed", `the signature is larger than ${signatureBytesMax} bytes`);
  }
  const bytes = toBytes(signature);
  // asn1-schema keeps no bytes of SET OF fields, so the exact encodings (signed attributes, the
  // certificates) are taken from an asn1js tree of the same input.
  const tree = asn1js.fromBER(bytes, { parseEmbedded: false });
  if (tree.offset === -1 || tree.result.error) throw new PkiError("malformed", "not DER (or BER)");
  if (tree.offset !== bytes.length) throw new PkiError("malformed", "trailing bytes after the ContentInfo");
  if (!lengthsAgree(tree.result)) {
    throw new PkiError("malformed", "an element overruns the one that holds it");
  }

  let signedData: SignedData;
  try {
    const contentInfo = AsnConvert.parse(bytes, ContentInfo);
    if (contentInfo.contentType !== id_signedData) {
      throw new PkiError("malformed", `the ContentInfo holds ${contentInfo.contentType}, not SignedData`);
    }
    signedData = AsnConvert.parse(contentInfo.content, SignedData);
  } catch (e) {
    if (e instanceof PkiError) throw e;
    throw new PkiError("malformed", "not a CMS SignedData", { cause: e });
  }

  const fields = children(children(children(tree.result)[1])[0]);
  // SignedData: version, digestAlgorithms, encapContentInfo, then certificates [0] if present.
  const certificatesField = fields[3];
  const certificateBlocks =
    certificatesField && isContext(certificatesField, 0) ? children(certificatesField) : [];
  const signerInfoBlocks = children(fields.at(-1));
  const choices = signedData.certificates ?? [];
  if (
    certificateBlocks.length !== choices.length ||
    signerInfoBlocks.length !== signedData.signerInfos.length
  ) {
    throw new PkiError("malformed", "the SignedData does not parse the same twice");
  }

  const certificates: ParsedSignedData["certificates"] = [];
  choices.forEach((choice, i) => {
    if (choice.certificate) {
      certificates.push({ cert: choice.certificate, der: encodingOf(certificateBlocks[i]!) });
    }
  });
  const signerInfos = signedData.signerInfos.map((info, i) => {
    // SignerInfo: version, sid, digestAlgorithm, then signedAttrs [0] if present. (A sid that is a
    // subjectKeyIdentifier is a [0] too, so position tells them apart.)
    const attrsBlock = children(signerInfoBlocks[i])[3];
    let signedAttrsDer: Uint8Array | undefined;
    if (attrsBlock && isContext(attrsBlock, 0)) {
      signedAttrsDer = encodingOf(attrsBlock);
      signedAttrsDer[0] = 0x31; // [0] IMPLICIT (0xA0) becomes SET OF, as §5.4 asks.
    }
    if (!info.signedAttrs !== !signedAttrsDer) {
      throw new PkiError("malformed", "the SignerInfo does not parse the same twice");
    }
    return { info, signedAttrsDer };
  });
  return { signedData, certificates, signerInfos };
}

type Block = asn1js.AsnType;

function children(block: Block | undefined): Block[] {
  const valueBlock = block?.valueBlock as { value?: unknown } | undefined;
  if (!valueBlock || !Array.isArray(valueBlock.value)) {
    throw new PkiError("malformed", "not a CMS SignedData");
  }
  return valueBlock.value as Block[];
}

/**
 * asn1js reads a constructed element's children to their own ends even when these overrun the
 * length the element declares; OpenSSL refuses such input, and so do we, since the signatures are
 * kept as evidence that OpenSSL must accept.
 */
function lengthsAgree(block: Block): boolean {
  const valueBlock = block.valueBlock as { value?: unknown };
  if (!block.idBlock.isConstructed || !Array.isArray(valueBlock.value)) return true;
  const inner = valueBlock.value as Block[];
  if (!block.lenBlock.isIndefiniteForm) {
    let sum = 0;
    for (const child of inner) sum += child.blockLength;
    if (sum !== block.lenBlock.length) return false;
  }
  return inner.every(lengthsAgree);
}

/** A constructed [n] (IMPLICIT SET OF in the fields this reads). */
function isContext(block: Block, tagNumber: number): boolean {
  return block.idBlock.tagClass === 3 && block.idBlock.tagNumber === tagNumber && block.idBlock.isConstructed;
}

/** The block's own bytes, header included, as a fresh copy. */
function encodingOf(block: Block): Uint8Array {
  return new Uint8Array(block.valueBeforeDecodeView);
}

function findSigner(
  certificates: ParsedSignedData["certificates"],
  sid: SignerIdentifier,
): ParsedSignedData["certificates"][number] {
  if (certificates.length === 0) {
    throw new PkiError("malformed", "the SignedData carries no certificates; the signer's is needed");
  }
  const byIssuer = sid.issuerAndSerialNumber;
  const byKeyId = sid.subjectKeyIdentifier;
  const found = certificates.find(({ cert }) => {
    const tbs = cert.tbsCertificate;
    if (byIssuer) {
      return (
        equalBytes(new Uint8Array(tbs.serialNumber), new Uint8Array(byIssuer.serialNumber)) &&
        equalDer(tbs.issuer, byIssuer.issuer)
      );
    }
    if (byKeyId) {
      const ext = tbs.extensions?.find((e) => e.extnID === id_ce_subjectKeyIdentifier);
      if (!ext) return false;
      try {
        const keyId = AsnConvert.parse(ext.extnValue.buffer, SubjectKeyIdentifier);
        return equalBytes(new Uint8Array(keyId.buffer), new Uint8Array(byKeyId.buffer));
      } catch {
        return false;
      }
    }
    return false;
  });
  if (!found) {
    throw new PkiError("bad_signature", "no certificate in the SignedData is the one its SignerInfo names");
  }
  return found;
}

/** The eContent OCTET STRING's octets, also when BER splits them into pieces (OpenSSL's -stream). */
function encapsulatedContent(eContent: EncapsulatedContent): Uint8Array {
  if (eContent.single) return new Uint8Array(eContent.single.buffer);
  const any = eContent.any;
  const parsed = any ? asn1js.fromBER(any, { parseEmbedded: false }) : undefined;
  if (!any || parsed?.offset !== any.byteLength || !(parsed.result instanceof asn1js.OctetString)) {
    throw new PkiError("malformed", "eContent is not an OCTET STRING");
  }
  return new Uint8Array(parsed.result.getValue());
}

interface SignedAttributeValues {
  contentType: string;
  messageDigest: Uint8Array;
  signingTime?: Date;
}

/** §11.1–11.3: contentType and messageDigest must be there; none of the three may appear twice or hold two values. */
function readSignedAttributes(attributes: Attribute[]): SignedAttributeValues {
  const single = (type: string): ArrayBuffer | undefined => {
    const found = attributes.filter((a) => a.attrType === type);
    if (found.length === 0) return undefined;
    if (found.length > 1 || found[0]!.attrValues.length !== 1) {
      throw new PkiError("malformed", `the signed attribute ${type} must appear once with one value`);
    }
    return found[0]!.attrValues[0];
  };
  const contentType = single(id_contentType);
  const messageDigest = single(id_messageDigest);
  const signingTime = single(id_signingTime);
  if (!contentType || !messageDigest) {
    throw new PkiError("malformed", "the signed attributes lack contentType or messageDigest");
  }
  const type = readObjectIdentifier(new Uint8Array(contentType));
  if (!type) throw new PkiError("malformed", "the contentType attribute is not an OBJECT IDENTIFIER");
  try {
    const values: SignedAttributeValues = {
      contentType: type,
      messageDigest: new Uint8Array(AsnConvert.parse(messageDigest, OctetString).buffer),
    };
    if (signingTime) values.signingTime = AsnConvert.parse(signingTime, SigningTime).getTime();
    return values;
  } catch (e) {
    throw new PkiError("malformed", "a signed attribute does not parse", { cause: e });
  }
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

function readObjectIdentifier(der: Uint8Array): string | undefined {
  const parsed = asn1js.fromBER(toBytes(der));
  if (parsed.offset !== der.length || !(parsed.result instanceof asn1js.ObjectIdentifier)) return undefined;
  return parsed.result.getValue();
}

/** A DER ECDSA-Sig-Value as r||s of `size` bytes each; undefined when it is not one. */
function ecdsaFromDer(der: Uint8Array, size: number): Uint8Array | undefined {
  let value: ECDSASigValue;
  try {
    value = AsnConvert.parse(toBytes(der), ECDSASigValue);
  } catch {
    return undefined;
  }
  if (AsnConvert.serialize(value).byteLength !== der.length) return undefined;
  const r = fixedWidth(new Uint8Array(value.r), size);
  const s = fixedWidth(new Uint8Array(value.s), size);
  return r && s ? concatBytes(r, s) : undefined;
}

function fixedWidth(n: Uint8Array, size: number): Uint8Array | undefined {
  if (n.length === 0 || n[0]! & 0x80) return undefined; // empty or negative
  let start = 0;
  while (start < n.length && n[start] === 0) start++;
  const body = n.subarray(start);
  if (body.length > size) return undefined;
  const out = new Uint8Array(size);
  out.set(body, size - body.length);
  return out;
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
