// The CA's certificate records, read in one shape: a holder's live certificate of a purpose (what a
// renewal or reissue starts from), one certificate by serial (locked, for a state change), and the
// certificate a CMP transaction asked for (what its certConf confirms).
import type { Queryable } from "../db/db.ts";
import { toBytes } from "../pki/bytes.ts";

/**
 * signing: reserved, not yet signed; pending: signed, awaiting its holder's certConf; valid; hold
 * (suspended, 효력정지); revoked; rejected: refused by its holder.
 */
export type CertificateStatus = "signing" | "pending" | "valid" | "hold" | "revoked" | "rejected";

export interface CertificateRecord {
  serial: Uint8Array;
  holder: string;
  purpose: "bank" | "universal";
  status: CertificateStatus;
  /** Null while the serial is reserved and not yet signed. */
  der: Uint8Array | null;
  subject: string;
  notBefore: Date;
  notAfter: Date;
  /** SHA-256 of the SubjectPublicKeyInfo: a renewal must bring a new key. */
  spkiSha256: Uint8Array;
  /** The authorisation it was issued under (ir/cr), or null (a renewal, kur). */
  authorizationRef: string | null;
  /** The certificate it replaces (renewal, reissue) and why. */
  replaces: Uint8Array | null;
  replaceReason: "keyCompromise" | "superseded" | null;
  revokedAt: Date | null;
  revocationReason: string | null;
}

interface Row {
  serial: Uint8Array;
  holder: string;
  purpose: "bank" | "universal";
  status: CertificateStatus;
  der: Uint8Array | null;
  subject: string;
  not_before: Date;
  not_after: Date;
  spki_sha256: Uint8Array;
  authorization_ref: string | null;
  replaces: Uint8Array | null;
  replace_reason: "keyCompromise" | "superseded" | null;
  revoked_at: Date | null;
  revocation_reason: string | null;
}

const columns = `serial, holder, purpose, status, der, subject, not_before, not_after, spki_sha256,
  authorization_ref, replaces, replace_reason, revoked_at, revocation_reason`;

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
    spkiSha256: toBytes(r.spki_sha256),
    authorizationRef: r.authorization_ref,
    replaces: r.replaces ? toBytes(r.replaces) : null,
    replaceReason: r.replace_reason,
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

/**
 * One certificate by serial. With `lock`, in the caller's transaction, its row is locked for the
 * rest of it: FOR NO KEY UPDATE, which does not wait on the KEY SHARE locks of rows naming it.
 */
export async function certificateBySerial(
  db: Queryable,
  serial: Uint8Array,
  options: { lock?: boolean } = {},
): Promise<CertificateRecord | undefined> {
  const { rows } = await db.query<Row>(
    `SELECT ${columns} FROM certificates WHERE serial = $1${options.lock ? " FOR NO KEY UPDATE" : ""}`,
    [serial],
  );
  return rows[0] ? fromRow(rows[0]) : undefined;
}

/** The certificate issued in this CMP transaction (the one its certConf confirms; one by index). */
export async function certificateByCmpTransaction(
  db: Queryable,
  transactionId: Uint8Array,
): Promise<CertificateRecord | undefined> {
  const { rows } = await db.query<Row>(`SELECT ${columns} FROM certificates WHERE cmp_transaction = $1`, [
    transactionId,
  ]);
  return rows[0] ? fromRow(rows[0]) : undefined;
}

/**
 * One certificate by issuer and serial (RFC 5280's unique name of a certificate): the serial
 * issued under that CA key, or undefined. For relying parties inside the server (certificate login).
 */
export async function certificateByIssuerAndSerial(
  db: Queryable,
  issuerKeyId: number,
  serial: Uint8Array,
): Promise<CertificateRecord | undefined> {
  const { rows } = await db.query<Row>(
    `SELECT ${columns} FROM certificates WHERE serial = $1 AND issuer_key_id = $2`,
    [serial, issuerKeyId],
  );
  return rows[0] ? fromRow(rows[0]) : undefined;
}
