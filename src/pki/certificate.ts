// What a person or a program wants to know of a certificate at a glance: names, serial, validity,
// purpose (from the policy OID), key, and whether it carries a VID. Parsing is @peculiar/x509's.

import { toBytes } from "./bytes.ts";
import { PkiError } from "./errors.ts";
import { type CertificatePurpose, certificatePurpose, normalizeOid } from "./policy.ts";
import { publicKeyType } from "./signature-algorithms.ts";
import { readIdentifyData } from "./vid.ts";
import { CertificatePolicyExtension, X509Certificate } from "./x509.ts";

export interface CertificateSummary {
  subject: string;
  /** The subject's common name, which in NPKI carries the holder's name. */
  commonName: string | undefined;
  issuer: string;
  issuerOrganization: string | undefined;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  policyOids: string[];
  purpose: CertificatePurpose | undefined;
  keyType: string;
  hasVid: boolean;
  realName: string | undefined;
}

export function parseCertificate(der: Uint8Array): X509Certificate {
  try {
    return new X509Certificate(toBytes(der));
  } catch (e) {
    throw new PkiError("malformed", "not an X.509 certificate", { cause: e });
  }
}

/** "RSA-2048", "EC P-256" for the keys of the signature table; the algorithm's name for any other. */
function describeKey(cert: X509Certificate): string {
  const type = publicKeyType(new Uint8Array(cert.publicKey.rawData));
  if (!type) return cert.publicKey.algorithm.name;
  return type.kind === "RSA" ? `RSA-${type.modulusBits}` : `EC ${type.curve}`;
}

export function readCertificateSummary(der: Uint8Array): CertificateSummary {
  const cert = parseCertificate(der);
  const policies = cert.getExtension(CertificatePolicyExtension)?.policies ?? [];
  const identify = readIdentifyData(der);
  return {
    subject: cert.subject,
    commonName: cert.subjectName.getField("CN")[0],
    issuer: cert.issuer,
    issuerOrganization: cert.issuerName.getField("O")[0],
    serialNumber: cert.serialNumber.toLowerCase(),
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    policyOids: policies.map(normalizeOid),
    purpose: certificatePurpose(policies),
    keyType: describeKey(cert),
    hasVid: identify !== undefined,
    realName: identify?.realName,
  };
}

/** Whole days from `now` to the end of validity; negative once expired. */
export function daysLeft(notAfter: Date, now: Date = new Date()): number {
  return Math.floor((notAfter.getTime() - now.getTime()) / 86_400_000);
}
