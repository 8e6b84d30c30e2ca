// Reading the CA's certificate records: a holder's live certificate of a purpose (what a renewal or
// reissue starts from), and one certificate by serial.
import type { Queryable } from "../db/db.ts";
import { toBytes } from "../pki/bytes.ts";

export interface CertificateRecord {
  serial: Uint8Array;
  holder: string;
  purpose: "bank" | "universal";
  status: "signing" | "pending" | "valid" | "hold" | "revoked" | "rejected";
  der: Uint8Array | null;
  subject: string;
  notBefore: Date;
  notAfter: Date;
  revokedAt: Date | null;
  revocationReason: string | null;
}

interface Row {
  serial: Uint8Array;
  holder: string;
  purpose: "bank" | "universal";
  status: CertificateRecord["status"];
  der: Uint8Array | null;
  subject: string;
  not_before: Date;
  not_after: Date;
  revoked_at: Date | null;
  revocation_reason: string | null;
}

const columns =
  "serial, holder, purpose, status, der, subject, not_before, not_after, revoked_at, revocation_reason";

function fromRow(r: Row): CertificateRecord {
  return {
    serial: toBytes(r.serial),
    holder: r.holder,
    purpose: r.purpose,
    status: r.status,
    der: r.der ? toBytes(r.der) : null,
    subject: r.subject,
    notBefore: r.not_before,
    notAfter: r.not_after,
    revokedAt: r.revoked_at,
    revocationReason: r.revocation_reason,
  };
}

/** The holder's valid or suspended certificate of that purpose (at most one, by constraint). */
export async function liveCertificate(
  db: Queryable,
  holder: string,
  purpose: "bank" | "universal",
): Promise<CertificateRecord | undefined> {
  const { rows } = await db.query<Row>(
    `SELECT ${columns} FROM certificates WHERE holder = $1 AND purpose = $2 AND status IN ('valid', 'hold')`,
    [holder, purpose],
  );
  return rows[0] ? fromRow(rows[0]) : undefined;
}

export async function certificateBySerial(
  db: Queryable,
  serial: Uint8Array,
): Promise<CertificateRecord | undefined> {
  const { rows } = await db.query<Row>(`SELECT ${columns} FROM certificates WHERE serial = $1`, [serial]);
  return rows[0] ? fromRow(rows[0]) : undefined;
}
