// One row of the selection window from a stored certificate: 구분 from the policy OID, 사용자 from
// the subject CN, 만료일, 발급자 (issuer O, else CN) and 상태 — for our own certificates (found in
// the server's list by serial and issuer) from the server, for other CAs' from their validity.
import { readCertificateSummary } from "../../../src/pki/certificate.ts";
import type { ServerCertificate } from "./api.ts";
import { type PurposeKind, purposeKind } from "./purpose.ts";
import { type Classified, classifyCertificate, sameSerial } from "./status.ts";
import type { DamagedCertificate, StoredCertificate } from "./storage/types.ts";

export interface CertificateRow {
  stored: StoredCertificate;
  /** Set when the certificate could not be parsed: the row shows it greyed out, never chosen. */
  unreadable: boolean;
  purpose: PurposeKind;
  user: string;
  issuer: string;
  notAfter: Date | null;
  serial: string;
  ours: ServerCertificate | undefined;
  classified: Classified;
}

/** One of our own certificates as the server lists it, classified at `now`. */
export function classifyOurs(c: ServerCertificate, now: Date): Classified {
  return classifyCertificate(
    {
      notBefore: new Date(c.notBefore),
      notAfter: new Date(c.notAfter),
      server: c.status,
      renewable: { from: new Date(c.renewable.from), until: new Date(c.renewable.until) },
    },
    now,
  );
}

const unusable: Classified = { status: "expired", daysLeft: 0, usable: false, renewable: false };

/** One attribute of an RFC 4514 string ("CN=홍길동,OU=..."): the CN to show, or to match an issuer. */
export function rdn(name: string, key: string): string | undefined {
  const m = new RegExp(`(?:^|,)\\s*${key}=([^,]+)`, "i").exec(name);
  return m?.[1]?.trim();
}

export function describeStored(
  stored: StoredCertificate,
  server: readonly ServerCertificate[],
  now: Date,
): CertificateRow {
  let summary: ReturnType<typeof readCertificateSummary>;
  try {
    summary = readCertificateSummary(stored.certificate);
  } catch {
    return {
      stored,
      unreadable: true,
      purpose: "other",
      user: stored.id,
      issuer: "",
      notAfter: null,
      serial: "",
      ours: undefined,
      classified: unusable,
    };
  }
  const issuerCn = rdn(summary.issuer, "CN");
  const ours = server.find(
    (c) =>
      sameSerial(c.serial, summary.serialNumber) &&
      (c.issuer === summary.issuer || (issuerCn !== undefined && rdn(c.issuer, "CN") === issuerCn)),
  );
  const classified = ours
    ? classifyOurs(
        { ...ours, notBefore: summary.notBefore.toISOString(), notAfter: summary.notAfter.toISOString() },
        now,
      )
    : classifyCertificate({ notBefore: summary.notBefore, notAfter: summary.notAfter }, now);
  return {
    stored,
    unreadable: false,
    purpose: purposeKind(summary.purpose),
    user: summary.commonName ?? summary.subject,
    issuer: summary.issuerOrganization ?? issuerCn ?? summary.issuer,
    notAfter: summary.notAfter,
    serial: summary.serialNumber,
    ours,
    classified,
  };
}

/**
 * A record its store could not read back whole (a changed byte, a file missing): shown greyed out
 * as damaged, so the member learns of it rather than the certificate silently vanishing; it holds
 * no bytes and can never be chosen to sign.
 */
export function describeDamaged(damaged: DamagedCertificate): CertificateRow {
  const none = new Uint8Array(0);
  return {
    stored: { id: damaged.id, kind: damaged.kind, certificate: none, keyFile: none },
    unreadable: true,
    purpose: "other",
    user: damaged.id,
    issuer: "",
    notAfter: null,
    serial: "",
    ours: undefined,
    classified: unusable,
  };
}

/** Usable first, then by expiry (latest first); unreadable last. */
export function sortRows(rows: CertificateRow[]): CertificateRow[] {
  return [...rows].sort((a, b) => {
    if (a.classified.usable !== b.classified.usable) return a.classified.usable ? -1 : 1;
    return (b.notAfter?.getTime() ?? 0) - (a.notAfter?.getTime() ?? 0);
  });
}
