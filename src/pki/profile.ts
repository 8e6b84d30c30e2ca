// The certificate profile of a personal 공동인증서, bank use or universal use, as Korean CAs issue
// them (compare the yessign certificates in ../shared/vectors): key usage digitalSignature +
// nonRepudiation (critical), the purpose's policy (critical), identifyData with the VID in
// subjectAltName, a CRL distribution point, OCSP in AIA, AKI and SKI, and no basicConstraints.
// The TBSCertificate (RFC 5280 §4.1) is written as DER by hand around extensions that
// @peculiar/x509 encodes once per CA: the generic writer cost milliseconds per certificate.
import { AsnConvert } from "@peculiar/asn1-schema";
import {
  AttributeTypeAndValue,
  AttributeValue,
  Certificate,
  CertificatePolicies,
  id_ce_certificatePolicies,
  id_ce_subjectKeyIdentifier,
  id_qt_csp,
  Name,
  PolicyInformation,
  PolicyQualifierInfo,
  Qualifier,
  RelativeDistinguishedName,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
} from "@peculiar/asn1-x509";
import { concatBytes, toArrayBuffer, toBytes, toHex } from "./bytes.ts";
import { readTlv, sequence, time, tlv, tlvOf, unsignedInteger } from "./der.ts";
import { PkiError } from "./errors.ts";
import { type CertificatePurpose, defaultPolicyOids, type PolicyOids } from "./policy.ts";
import {
  keyTypeOf,
  type SignatureAlgorithm,
  signatureAlgorithmFor,
  signatureAlgorithmOf,
  signData,
  verifySignature,
} from "./signature-algorithms.ts";
import { type IdentifyDataValue, identifyDataGeneralName } from "./vid.ts";
import {
  AuthorityInfoAccessExtension,
  AuthorityKeyIdentifierExtension,
  CRLDistributionPointsExtension,
  Extension,
  KeyUsageFlags,
  KeyUsagesExtension,
  PublicKey,
  X509Certificate,
} from "./x509.ts";

/** Who signs: the CA certificate, or its name and public key when the certificate is not at hand. */
export type CertificateIssuer =
  | { certificate: Uint8Array }
  | { name: Name; publicKey: Uint8Array | CryptoKey; keyIdentifier?: Uint8Array };

export interface PersonalCertificateOptions {
  issuer: CertificateIssuer;
  /** The CA's private key; checked against the issuer's public key after signing. */
  signingKey: CryptoKey;
  /** Only the hash matters, for an ECDSA CA key (an RSA key signs with the hash it was imported for). */
  signingAlgorithm?: Algorithm | EcdsaParams;
  /** The member's public key: a CryptoKey or SubjectPublicKeyInfo DER. */
  publicKey: CryptoKey | Uint8Array;
  /** See `personalSubjectName`. */
  subject: Name;
  /** Positive, at most 20 bytes, minimally encoded; 16 fresh random bytes when absent (`newSerialNumber`). */
  serialNumber?: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  purpose: CertificatePurpose;
  /** The policy OID of each purpose; `defaultPolicyOids` when absent. */
  policyOids?: PolicyOids;
  /** A CPS URI qualifier on the policy, as yessign writes one. */
  cpsUri?: string;
  /** The holder's real name and VID, for subjectAltName; absent for a certificate without a VID. */
  identifyData?: IdentifyDataValue;
  crlUrl: string;
  ocspUrl: string;
  caIssuersUrl?: string;
}

/** Key usage of a personal certificate: it signs (logins, transfers) and stands behind what it signs. */
export const personalKeyUsage = KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation;

/** RFC 5280 §4.1.2.2: a serial number is at most 20 octets. */
const serialNumberBytesMax = 20;
const serialNumberBytes = 16;

/**
 * 16 random bytes with the top bit cleared (so the INTEGER is positive) and the next bit set (so it
 * is always exactly 16 bytes, never shortened by a leading zero): 126 bits of randomness.
 */
export function newSerialNumber(crypto: Crypto = globalThis.crypto): Uint8Array<ArrayBuffer> {
  const serial = crypto.getRandomValues(new Uint8Array(serialNumberBytes));
  serial[0] = (serial[0]! & 0x7f) | 0x40;
  return serial;
}

function assertSerialNumber(serial: Uint8Array): void {
  const ok =
    serial.length >= 1 &&
    serial.length <= serialNumberBytesMax &&
    serial[0]! < 0x80 &&
    !(serial.length > 1 && serial[0] === 0) &&
    serial.some((b) => b !== 0);
  if (!ok) throw new TypeError("a serial number is 1–20 bytes, positive, non-zero and minimally encoded");
}

export interface PersonalSubjectOptions {
  /** The holder's name, first in the common name. */
  realName: string;
  /** What goes between the parentheses after the name: a romanised name, or nothing (the default). */
  alias?: string;
  /** The digits after the parentheses that make the common name unique (issuer code, date, sequence). */
  serialHint: string;
  /** The registration authority's unit: the cooperative where the member proved their identity. */
  registrationUnit: string;
  /** The subscriber class unit; NPKI writes personal4IB for personal certificates. */
  subscriberUnit?: string;
  /** The CA's organisation. */
  organization: string;
  /** The country, PrintableString; NPKI writes "kr". */
  country?: string;
}

function rdn(type: string, value: AttributeValue): RelativeDistinguishedName {
  return new RelativeDistinguishedName([new AttributeTypeAndValue({ type, value })]);
}

/**
 * An NPKI personal subject, written CN=홍길동()0091041202012345678,OU=<cooperative>,OU=personal4IB,
 * O=<CA org>,C=kr: encoded from C down, with C a PrintableString and the rest UTF8Strings, as
 * yessign encodes its subjects.
 */
export function personalSubjectName(options: PersonalSubjectOptions): Name {
  const utf8 = (s: string) => new AttributeValue({ utf8String: s });
  return new Name([
    rdn("2.5.4.6", new AttributeValue({ printableString: options.country ?? "kr" })),
    rdn("2.5.4.10", utf8(options.organization)),
    rdn("2.5.4.11", utf8(options.subscriberUnit ?? "personal4IB")),
    rdn("2.5.4.11", utf8(options.registrationUnit)),
    rdn("2.5.4.3", utf8(`${options.realName}(${options.alias ?? ""})${options.serialHint}`)),
  ]);
}

function policiesExtension(policyOid: string, cpsUri: string | undefined): Extension {
  const info = new PolicyInformation({ policyIdentifier: policyOid });
  if (cpsUri) {
    info.policyQualifiers = [
      new PolicyQualifierInfo({
        policyQualifierId: id_qt_csp,
        qualifier: AsnConvert.serialize(new Qualifier({ cPSuri: cpsUri })),
      }),
    ];
  }
  return new Extension(
    id_ce_certificatePolicies,
    true,
    AsnConvert.serialize(new CertificatePolicies([info])),
  );
}

/** The issuer's name (DER), SubjectPublicKeyInfo and key identifier (its SKI, or SHA-1 of its key, RFC 5280 §4.2.1.2). */
async function resolveIssuer(
  issuer: CertificateIssuer,
  crypto: Crypto,
): Promise<{ name: Uint8Array; spki: Uint8Array; keyIdentifier: Uint8Array }> {
  if ("certificate" in issuer) {
    let cert: Certificate;
    try {
      cert = AsnConvert.parse(toBytes(issuer.certificate), Certificate);
    } catch (e) {
      throw new PkiError("malformed", "the issuer certificate is not an X.509 certificate", { cause: e });
    }
    const tbs = cert.tbsCertificate;
    const spki = new Uint8Array(AsnConvert.serialize(tbs.subjectPublicKeyInfo));
    const ski = tbs.extensions?.find((e) => e.extnID === id_ce_subjectKeyIdentifier);
    const keyIdentifier = ski
      ? new Uint8Array(AsnConvert.parse(ski.extnValue, SubjectKeyIdentifier).buffer)
      : new Uint8Array(await new PublicKey(toArrayBuffer(spki)).getKeyIdentifier(crypto));
    return { name: new Uint8Array(AsnConvert.serialize(tbs.subject)), spki, keyIdentifier };
  }
  const spki =
    issuer.publicKey instanceof Uint8Array
      ? toBytes(issuer.publicKey)
      : new Uint8Array(await crypto.subtle.exportKey("spki", issuer.publicKey));
  const keyIdentifier =
    issuer.keyIdentifier ?? new Uint8Array(await new PublicKey(toArrayBuffer(spki)).getKeyIdentifier(crypto));
  return { name: new Uint8Array(AsnConvert.serialize(issuer.name)), spki, keyIdentifier };
}

/** What a CA's personal certificates share: everything but the holder's fields. */
export type PersonalProfileOptions = Pick<
  PersonalCertificateOptions,
  | "issuer"
  | "signingKey"
  | "signingAlgorithm"
  | "policyOids"
  | "cpsUri"
  | "crlUrl"
  | "ocspUrl"
  | "caIssuersUrl"
>;

/**
 * The profile prepared for one CA key: the DER that is the same in every certificate it signs
 * (issuer, signature algorithm, the fixed extensions of each purpose), written once. Building a
 * certificate is then a few concatenations and one signature, where the generic X.509 writer took
 * several milliseconds of ASN.1 work per certificate.
 */
export interface PersonalProfile {
  readonly issuerName: Uint8Array;
  readonly issuerSpki: Uint8Array;
  /** DER of the AlgorithmIdentifier, as it appears twice in every certificate. */
  readonly signatureAlgorithm: Uint8Array;
  readonly signingKey: CryptoKey;
  readonly algorithm: SignatureAlgorithm;
  /** Per purpose: authorityKeyIdentifier first; keyUsage and the policy after the SKI. */
  readonly aki: Uint8Array;
  readonly usageAndPolicy: Record<CertificatePurpose, Uint8Array>;
  /** cRLDistributionPoints and authorityInfoAccess, last. */
  readonly tail: Uint8Array;
}

/**
 * The CA key's signature algorithm from the table: an RSA key signs with the hash it was imported
 * for; an ECDSA key with the hash asked for, else its curve's.
 */
function caSignatureOf(key: CryptoKey, requested: Algorithm | EcdsaParams | undefined): SignatureAlgorithm {
  const asked = (requested as EcdsaParams | undefined)?.hash;
  const hash = typeof asked === "string" ? asked : asked?.name;
  try {
    return keyTypeOf(key).kind === "EC" && hash
      ? signatureAlgorithmOf("EC", hash)
      : signatureAlgorithmFor(key);
  } catch (e) {
    throw new PkiError("unsupported_algorithm", `a CA key of ${key.algorithm.name} type`, { cause: e });
  }
}

export async function preparePersonalProfile(
  options: PersonalProfileOptions,
  crypto: Crypto = globalThis.crypto,
): Promise<PersonalProfile> {
  const issuer = await resolveIssuer(options.issuer, crypto);
  const algorithm = caSignatureOf(options.signingKey, options.signingAlgorithm);
  const raw = (e: Extension) => new Uint8Array(e.rawData);
  const oids = options.policyOids ?? defaultPolicyOids;
  const usage = raw(new KeyUsagesExtension(personalKeyUsage, true));
  return {
    issuerName: issuer.name,
    issuerSpki: issuer.spki,
    signatureAlgorithm: algorithm.identifierDer,
    signingKey: options.signingKey,
    algorithm,
    aki: raw(new AuthorityKeyIdentifierExtension(toHex(issuer.keyIdentifier))),
    usageAndPolicy: {
      bank: concatBytes(usage, raw(policiesExtension(oids.bank, options.cpsUri))),
      universal: concatBytes(usage, raw(policiesExtension(oids.universal, options.cpsUri))),
    },
    tail: concatBytes(
      raw(new CRLDistributionPointsExtension([options.crlUrl])),
      raw(
        new AuthorityInfoAccessExtension({
          ocsp: options.ocspUrl,
          ...(options.caIssuersUrl ? { caIssuers: options.caIssuersUrl } : {}),
        }),
      ),
    ),
  };
}

/**
 * Whether the profile's signing key belongs to its issuer: a probe signed and checked against the
 * issuer's public key. A CA that prepares its profile once checks once, not after every signature.
 */
export async function checkProfileKey(profile: PersonalProfile, crypto: Crypto = globalThis.crypto) {
  const probe = crypto.getRandomValues(new Uint8Array(32));
  const signature = await signWith(profile, probe, crypto);
  const ok = await verifySignature({
    publicKey: profile.issuerSpki,
    algorithm: profile.algorithm,
    signature,
    data: probe,
    crypto,
  }).catch(() => false);
  if (!ok) throw new PkiError("key_mismatch", "the CA signing key does not belong to the issuer");
}

async function signWith(profile: PersonalProfile, data: Uint8Array, crypto: Crypto): Promise<Uint8Array> {
  const signed = await signData({ key: profile.signingKey, algorithm: profile.algorithm, data, crypto });
  return signed.signature;
}

/** The holder's part of a personal certificate. */
export interface PersonalCertificateFields {
  /** SubjectPublicKeyInfo, DER. */
  publicKey: Uint8Array;
  /** Name, DER (see `personalSubjectName`). */
  subject: Uint8Array;
  serialNumber: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  purpose: CertificatePurpose;
  identifyData?: IdentifyDataValue | undefined;
}

// DER of the fixed pieces: version v3 ([0] INTEGER 2) and the SKI extension's OID.
const v3 = Uint8Array.of(0xa0, 0x03, 0x02, 0x01, 0x02);
const skiOid = Uint8Array.of(0x06, 0x03, 0x55, 0x1d, 0x0e);
const sanOid = Uint8Array.of(0x06, 0x03, 0x55, 0x1d, 0x11);

/** The subjectPublicKey BIT STRING's bits, which the key identifier hashes (RFC 5280 §4.2.1.2 (1)). */
function publicKeyBits(spki: Uint8Array): Uint8Array {
  const outer = readTlv(spki, 0);
  const alg = outer?.tag === 0x30 ? readTlv(spki, outer.contentStart) : undefined;
  const bits = alg?.tag === 0x30 ? readTlv(spki, alg.end) : undefined;
  if (!outer || outer.end !== spki.length || bits?.tag !== 0x03 || bits.end !== outer.end) {
    throw new PkiError("malformed", "the public key is not a SubjectPublicKeyInfo");
  }
  return spki.subarray(bits.contentStart + 1, bits.end);
}

/** Writes and signs one certificate of the profile (RFC 5280 §4.1), DER from end to end. */
export async function signPersonalCertificate(
  profile: PersonalProfile,
  fields: PersonalCertificateFields,
  crypto: Crypto = globalThis.crypto,
): Promise<Uint8Array<ArrayBuffer>> {
  if (!(fields.notBefore.getTime() < fields.notAfter.getTime())) {
    throw new TypeError("notBefore must come before notAfter");
  }
  assertSerialNumber(fields.serialNumber);
  const keyId = new Uint8Array(await crypto.subtle.digest("SHA-1", toBytes(publicKeyBits(fields.publicKey))));
  const extensions = [
    profile.aki,
    sequence(skiOid, tlv(0x04, tlv(0x04, keyId))),
    profile.usageAndPolicy[fields.purpose],
  ];
  if (fields.identifyData) {
    const san = new SubjectAlternativeName([identifyDataGeneralName(fields.identifyData)]);
    extensions.push(sequence(sanOid, tlv(0x04, new Uint8Array(AsnConvert.serialize(san)))));
  }
  extensions.push(profile.tail);
  const tbs = sequence(
    v3,
    unsignedInteger(fields.serialNumber),
    profile.signatureAlgorithm,
    profile.issuerName,
    sequence(time(fields.notBefore), time(fields.notAfter)),
    fields.subject,
    fields.publicKey,
    tlv(0xa3, tlvOf(0x30, extensions)),
  );
  const signature = await signWith(profile, tbs, crypto);
  return toBytes(sequence(tbs, profile.signatureAlgorithm, tlv(0x03, Uint8Array.of(0), signature)));
}

/**
 * Issues one personal certificate (DER) to the profile above. After signing, the certificate is
 * checked against the issuer's public key, so a CA key that does not belong to the issuer
 * certificate fails here (key_mismatch) rather than in every relying party. A CA issuing many
 * prepares the profile once instead (`preparePersonalProfile`, `checkProfileKey`).
 */
export async function issuePersonalCertificate(
  options: PersonalCertificateOptions,
  crypto: Crypto = globalThis.crypto,
): Promise<Uint8Array<ArrayBuffer>> {
  const profile = await preparePersonalProfile(options, crypto);
  const der = await signPersonalCertificate(
    profile,
    {
      publicKey:
        options.publicKey instanceof Uint8Array
          ? toBytes(options.publicKey)
          : new Uint8Array(await crypto.subtle.exportKey("spki", options.publicKey)),
      subject: new Uint8Array(AsnConvert.serialize(options.subject)),
      serialNumber: options.serialNumber ?? newSerialNumber(crypto),
      notBefore: options.notBefore,
      notAfter: options.notAfter,
      purpose: options.purpose,
      identifyData: options.identifyData,
    },
    crypto,
  );
  const cert = new X509Certificate(der);
  if (!(await cert.verify({ publicKey: toArrayBuffer(profile.issuerSpki), signatureOnly: true }, crypto))) {
    throw new PkiError("key_mismatch", "the CA signing key does not belong to the issuer");
  }
  return der;
}
