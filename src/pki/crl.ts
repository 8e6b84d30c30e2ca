// Certificate revocation lists (RFC 5280 §5): built and signed by the issuing CA, with a CRL number
// and the authority key identifier, one entry a revoked serial with its date and reason code
// (KCAC.TS.CRLPROF follows RFC 5280 here). Reading is @peculiar/x509's; writing is ours (der.ts),
// for speed.
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import {
  Extension as AsnExtension,
  AuthorityKeyIdentifier,
  Certificate,
  CRLNumber,
  CRLReason,
  id_ce_authorityKeyIdentifier,
  id_ce_cRLNumber,
  id_ce_subjectKeyIdentifier,
  KeyIdentifier,
  SubjectKeyIdentifier,
} from "@peculiar/asn1-x509";
import { toBytes } from "./bytes.ts";
import { type CaKeyAlgorithm, caSign, caSignature } from "./ca-profile.ts";
import { sequence, time, tlv, tlvOf, unsignedInteger } from "./der.ts";
import { PkiError } from "./errors.ts";
import { X509Certificate, X509Crl, X509CrlReason } from "./x509.ts";

export const revocationReasons = [
  "unspecified",
  "keyCompromise",
  "cACompromise",
  "affiliationChanged",
  "superseded",
  "cessationOfOperation",
  "certificateHold",
  "privilegeWithdrawn",
] as const;

export type RevocationReason = (typeof revocationReasons)[number];

export interface CrlEntry {
  serialNumber: Uint8Array;
  revokedAt: Date;
  reason: RevocationReason;
}

export interface CrlOptions {
  issuer: { certificate: Uint8Array; privateKey: CryptoKey; algorithm: CaKeyAlgorithm };
  crlNumber: number;
  thisUpdate: Date;
  nextUpdate: Date;
  entries: readonly CrlEntry[];
}

/** RFC 5280 §5.3.1 CRLReason codes (7 is unused). */
export const reasonCodes: Record<RevocationReason, number> = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  privilegeWithdrawn: 9,
};

const id_ce_cRLReasons = "2.5.29.21";

function extension(extnID: string, value: ArrayBuffer): Uint8Array {
  return new Uint8Array(
    AsnConvert.serialize(new AsnExtension({ extnID, critical: false, extnValue: new OctetString(value) })),
  );
}

/** Each reason's crlEntryExtensions, encoded once rather than once per entry. */
const reasonExtensions = new Map(
  revocationReasons.map((r) => [
    r,
    // RFC 5280 §5.3.1: "unspecified" SHOULD be expressed by leaving the reason out.
    r === "unspecified"
      ? undefined
      : sequence(extension(id_ce_cRLReasons, AsnConvert.serialize(new CRLReason(reasonCodes[r])))),
  ]),
);

/**
 * Builds and signs the CRL. The entries are written straight as DER (der.ts): through the
 * generic ASN.1 builder a CRL of 100,000 entries took over a minute, and the CA rebuilds the whole
 * list on every revocation (DESIGN.md §4).
 */
export async function buildCrl(o: CrlOptions, crypto: Crypto = globalThis.crypto): Promise<Uint8Array> {
  if (!Number.isSafeInteger(o.crlNumber) || o.crlNumber < 0) throw new RangeError("CRL number out of range");
  if (o.nextUpdate <= o.thisUpdate) throw new RangeError("nextUpdate must follow thisUpdate");
  const issuer = AsnConvert.parse(toBytes(o.issuer.certificate), Certificate);
  const ski = issuer.tbsCertificate.extensions?.find((e) => e.extnID === id_ce_subjectKeyIdentifier);
  if (!ski) throw new PkiError("malformed", "the issuer certificate has no subject key identifier");
  const keyId = AsnConvert.parse(ski.extnValue, SubjectKeyIdentifier);
  const sigAlg = caSignature(o.issuer.algorithm).identifierDer;

  const entries: Uint8Array[] = new Array(o.entries.length);
  for (let i = 0; i < o.entries.length; i++) {
    const e = o.entries[i]!;
    const ext = reasonExtensions.get(e.reason);
    entries[i] = ext
      ? sequence(unsignedInteger(e.serialNumber), time(e.revokedAt), ext)
      : sequence(unsignedInteger(e.serialNumber), time(e.revokedAt));
  }
  const tbs = sequence(
    tlv(0x02, Uint8Array.of(1)), // version v2
    sigAlg,
    new Uint8Array(AsnConvert.serialize(issuer.tbsCertificate.subject)),
    time(o.thisUpdate),
    time(o.nextUpdate),
    ...(entries.length > 0 ? [tlvOf(0x30, entries)] : []),
    tlv(
      0xa0,
      sequence(
        extension(
          id_ce_authorityKeyIdentifier,
          AsnConvert.serialize(new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(keyId) })),
        ),
        extension(id_ce_cRLNumber, AsnConvert.serialize(new CRLNumber(o.crlNumber))),
      ),
    ),
  );
  const signature = await caSign(o.issuer.algorithm, o.issuer.privateKey, tbs, crypto);
  return sequence(tbs, sigAlg, tlv(0x03, Uint8Array.of(0), signature));
}

export interface ParsedCrl {
  issuer: string;
  thisUpdate: Date;
  nextUpdate: Date | undefined;
  entries: { serialNumber: string; revokedAt: Date; reason: RevocationReason }[];
}

/** Reads a CRL and checks its signature against the issuer's certificate. */
export async function readCrl(
  der: Uint8Array,
  issuerCertificate: Uint8Array,
  crypto: Crypto = globalThis.crypto,
): Promise<ParsedCrl> {
  let crl: X509Crl;
  try {
    crl = new X509Crl(toBytes(der));
  } catch (e) {
    throw new PkiError("malformed", "not a CRL", { cause: e });
  }
  const issuer = new X509Certificate(toBytes(issuerCertificate));
  if (!(await crl.verify({ publicKey: issuer.publicKey }, crypto))) {
    throw new PkiError("bad_signature", "the CRL's signature does not verify against the issuer");
  }
  return {
    issuer: crl.issuer,
    thisUpdate: crl.thisUpdate,
    nextUpdate: crl.nextUpdate,
    entries: crl.entries.map((e) => ({
      serialNumber: e.serialNumber.toLowerCase(),
      revokedAt: e.revocationDate,
      reason: e.reason === undefined ? "unspecified" : (X509CrlReason[e.reason] as RevocationReason),
    })),
  };
}
