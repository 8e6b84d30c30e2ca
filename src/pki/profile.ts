// The certificate profile of a personal 공동인증서, bank use or universal use, as Korean CAs issue
// them (compare the yessign certificates in ../shared/vectors): key usage digitalSignature +
// nonRepudiation (critical), the purpose's policy (critical), identifyData with the VID in
// subjectAltName, a CRL distribution point, OCSP in AIA, AKI and SKI, and no basicConstraints.
import { AsnConvert } from "@peculiar/asn1-schema";
import {
  AttributeTypeAndValue,
  AttributeValue,
  Certificate,
  CertificatePolicies,
  id_ce_certificatePolicies,
  id_ce_subjectAltName,
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
import { toArrayBuffer, toBytes, toHex } from "./bytes.ts";
import { PkiError } from "./errors.ts";
import { type CertificatePurpose, defaultPolicyOids, type PolicyOids } from "./policy.ts";
import { type IdentifyDataValue, identifyDataGeneralName } from "./vid.ts";
import {
  AuthorityInfoAccessExtension,
  AuthorityKeyIdentifierExtension,
  CRLDistributionPointsExtension,
  Extension,
  KeyUsageFlags,
  KeyUsagesExtension,
  PublicKey,
  SubjectKeyIdentifierExtension,
  X509CertificateGenerator,
  Name as X509Name,
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

/** The issuer's name, SubjectPublicKeyInfo and key identifier (its SKI, or SHA-1 of its key, RFC 5280 §4.2.1.2). */
async function resolveIssuer(
  issuer: CertificateIssuer,
  crypto: Crypto,
): Promise<{ name: Name; spki: Uint8Array; keyIdentifier: Uint8Array }> {
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
    return { name: tbs.subject, spki, keyIdentifier };
  }
  const spki =
    issuer.publicKey instanceof Uint8Array
      ? toBytes(issuer.publicKey)
      : new Uint8Array(await crypto.subtle.exportKey("spki", issuer.publicKey));
  const keyIdentifier =
    issuer.keyIdentifier ?? new Uint8Array(await new PublicKey(toArrayBuffer(spki)).getKeyIdentifier(crypto));
  return { name: issuer.name, spki, keyIdentifier };
}

/**
 * Issues a personal certificate (DER) to the profile above. After signing, the certificate is
 * checked against the issuer's public key, so a CA key that does not belong to the issuer
 * certificate fails here (key_mismatch) rather than in every relying party.
 */
export async function issuePersonalCertificate(
  options: PersonalCertificateOptions,
  crypto: Crypto = globalThis.crypto,
): Promise<Uint8Array<ArrayBuffer>> {
  if (!(options.notBefore.getTime() < options.notAfter.getTime())) {
    throw new TypeError("notBefore must come before notAfter");
  }
  const serial = options.serialNumber ?? newSerialNumber(crypto);
  assertSerialNumber(serial);
  const issuer = await resolveIssuer(options.issuer, crypto);
  const subjectKey =
    options.publicKey instanceof Uint8Array
      ? new PublicKey(toArrayBuffer(options.publicKey))
      : await PublicKey.create(options.publicKey, crypto);
  const policyOid = (options.policyOids ?? defaultPolicyOids)[options.purpose];

  const extensions: Extension[] = [
    new AuthorityKeyIdentifierExtension(toHex(issuer.keyIdentifier)),
    await SubjectKeyIdentifierExtension.create(subjectKey, false, crypto),
    new KeyUsagesExtension(personalKeyUsage, true),
    policiesExtension(policyOid, options.cpsUri),
  ];
  if (options.identifyData) {
    const san = new SubjectAlternativeName([identifyDataGeneralName(options.identifyData)]);
    extensions.push(new Extension(id_ce_subjectAltName, false, AsnConvert.serialize(san)));
  }
  extensions.push(new CRLDistributionPointsExtension([options.crlUrl]));
  extensions.push(
    new AuthorityInfoAccessExtension({
      ocsp: options.ocspUrl,
      ...(options.caIssuersUrl ? { caIssuers: options.caIssuersUrl } : {}),
    }),
  );

  const cert = await X509CertificateGenerator.create(
    {
      serialNumber: toHex(serial),
      subject: new X509Name(options.subject),
      issuer: new X509Name(issuer.name),
      notBefore: options.notBefore,
      notAfter: options.notAfter,
      publicKey: subjectKey,
      signingKey: options.signingKey,
      signingAlgorithm: options.signingAlgorithm,
      extensions,
    },
    crypto,
  );
  if (!(await cert.verify({ publicKey: toArrayBuffer(issuer.spki), signatureOnly: true }, crypto))) {
    throw new PkiError("key_mismatch", "the CA signing key does not belong to the issuer");
  }
  return new Uint8Array(cert.rawData);
}
