// The logged-in member's own certificates as the certificate centre and the selection window show
// them (DESIGN §5): from the CA's records of the holder "<cooperative>:<member>", each with its status
// as the member reads it (pending confirmation, valid, on hold, revoked, expired), its purpose,
// validity, subject, issuer and renewal window; and the issuing CA's certificate, which the
// browser's CMP client checks the CA's answers with.
import type { MemberRef } from "../bank/member-accounts.ts";
import type { CertificateStatus } from "../ca/certificates.ts";
import { issuingCa } from "../ca/context.ts";
import { toBytes, toHex } from "../pki/bytes.ts";
import { X509Certificate } from "../pki/x509.ts";
import { type CertificatePurposeName, holderOf } from "./authorize.ts";
import type { CertcenterContext } from "./context.ts";
import { renewalWindowMs } from "./rules.ts";

export type MemberCertificateStatus = "valid" | "hold" | "revoked" | "expired" | "pending";

export interface MemberCertificate {
  serial: string;
  purpose: CertificatePurposeName;
  status: MemberCertificateStatus;
  notBefore: Date;
  notAfter: Date;
  subject: string;
  issuer: string;
  /** The renewal window: from 30 days before expiry to the expiry. */
  renewable: { from: Date; until: Date };
}

/** The member's word for a record's status at `now`: a valid or held certificate past its end has expired. */
export function memberStatus(status: CertificateStatus, notAfter: Date, now: Date): MemberCertificateStatus {
  if (status === "revoked" || status === "rejected") return "revoked";
  if (notAfter.getTime() <= now.getTime()) return "expired";
  return status === "signing" ? "pending" : status;
}

/** The member's certificates, newest first (a serial reserved and never signed is not one). */
export async function memberCertificates(
  ctx: CertcenterContext,
  who: MemberRef,
): Promise<{ certificates: MemberCertificate[]; caCertificate: Uint8Array }> {
  const { ca } = ctx;
  const { rows } = await ca.db.query<{
    serial: Uint8Array;
    purpose: CertificatePurposeName;
    status: CertificateStatus;
    der: Uint8Array;
    subject: string;
  }>(
    `SELECT serial, purpose, status, der, subject FROM certificates
      WHERE holder = $1 AND der IS NOT NULL ORDER BY not_before DESC, serial`,
    [holderOf(who.cooperativeId, who.memberId)],
  );
  const now = ca.clock.now();
  const certificates = rows.map((r) => {
    // The certificate's own times (whole seconds), which the record's may exceed by a fraction.
    const x509 = new X509Certificate(toBytes(r.der));
    return {
      serial: toHex(toBytes(r.serial)),
      purpose: r.purpose,
      status: memberStatus(r.status, x509.notAfter, now),
      notBefore: x509.notBefore,
      notAfter: x509.notAfter,
      subject: r.subject,
      issuer: x509.issuer,
      renewable: { from: new Date(x509.notAfter.getTime() - renewalWindowMs), until: x509.notAfter },
    };
  });
  return { certificates, caCertificate: (await issuingCa(ca)).certificate };
}
