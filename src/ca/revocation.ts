// Revocation and suspension (효력정지) of member certificates: the state changes on the certificate
// row, each with its audit entry in the same transaction, and the republication of the CRL and the
// OCSP responses after commit. RFC 5280 §5.3.1 reasons; certificateHold marks a suspension.
// Revoking or suspending a certificate revokes its renewals still awaiting confirmation.

import { appendAudit } from "../audit/audit-log.ts";
import type { Queryable } from "../db/db.ts";
import { fromHex, toBytes, toHex } from "../pki/bytes.ts";
import { type RevocationReason, revocationReasons } from "../pki/crl.ts";
import type { CertificateStatus } from "./certificates.ts";
import type { CaContext } from "./context.ts";
import { publishCrl } from "./crl-publisher.ts";
import { CaLifecycleError } from "./errors.ts";
import { refreshOcspResponses } from "./ocsp-responder.ts";

/** DESIGN.md §4: a certificate on hold this long is revoked. */
export const holdMonthsMax = 6;
/** Certificates the scheduler revokes for an expired hold in one transaction. */
const expiredHoldsBatch = 500;

export interface StatusChange {
  /** The serial, lower-case hex. */
  serial: string;
  previous: CertificateStatus;
  status: "valid" | "hold" | "revoked";
  /** When the certificate stopped being valid (hold and revoked). */
  revokedAt?: Date;
  reason?: RevocationReason;
  /** Renewals of this certificate that awaited confirmation, revoked with it (serials, hex). */
  renewalsEnded?: string[];
}

interface LockedRow {
  status: CertificateStatus;
  revoked_at: Date | null;
}

function assertSerial(serial: Uint8Array): string {
  const hex = toHex(serial);
  if (serial.length !== 16) throw new CaLifecycleError("bad_serial", hex);
  return hex;
}

/**
 * Locks the certificate's row for the rest of the transaction, so of two concurrent changes one
 * runs after the other and sees its result. FOR NO KEY UPDATE, not FOR UPDATE: the key does not
 * change, and this does not wait on the KEY SHARE locks that rows referencing the certificate take.
 */
async function lockCertificate(tx: Queryable, serial: Uint8Array, hex: string): Promise<LockedRow> {
  const { rows } = await tx.query<LockedRow>(
    "SELECT status, revoked_at FROM certificates WHERE serial = $1 FOR NO KEY UPDATE",
    [serial],
  );
  const row = rows[0];
  if (!row) throw new CaLifecycleError("cert_unknown", hex);
  return row;
}

/**
 * Locks the renewals (kur) of the certificate that await their holder's confirmation. A renewal
 * stands on the certificate that signed it: once that is revoked or held it must never become
 * valid, so these are revoked with it. Locked before any audit append, in serial order, after the
 * old certificate's row: the order a certConf takes them in (confirmation.ts). A renewal still
 * being signed is not here; its certConf finds the old certificate gone and revokes it then.
 */
async function lockPendingRenewals(tx: Queryable, serial: Uint8Array): Promise<Uint8Array[]> {
  const { rows } = await tx.query<{ serial: Uint8Array }>(
    `SELECT serial FROM certificates
      WHERE replaces = $1 AND status = 'pending' AND authorization_ref IS NULL AND replace_reason = 'superseded'
      ORDER BY serial FOR NO KEY UPDATE`,
    [serial],
  );
  return rows.map((r) => toBytes(r.serial));
}

/**
 * Revokes the renewals locked by `lockPendingRenewals`, as the CA revokes a certificate never
 * confirmed (cessationOfOperation): signed and handed out, never valid. Returns their serials, hex.
 */
async function endRenewals(
  tx: Queryable,
  renewals: readonly Uint8Array[],
  input: { actor: string; at: Date },
): Promise<string[]> {
  const ended: string[] = [];
  for (const serial of renewals) {
    const change = await revokeInTransaction(tx, { serial, reason: "cessationOfOperation", ...input });
    ended.push(change.serial);
  }
  return ended;
}

/** `months` calendar months after `at` (negative: before), the day clamped to the month's end. */
function addMonths(at: Date, months: number): Date {
  const d = new Date(at);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay));
  return d;
}

/** Holds begun at or before this instant have lasted six months by `now`. */
function holdCutoff(now: Date): Date {
  return addMonths(now, -holdMonthsMax);
}

/**
 * Revokes inside the caller's transaction (the CMP side revokes the replaced certificate in the
 * transaction that confirms its successor): locks the row, changes it, appends the audit entry.
 * valid, hold and pending certificates can be revoked; a pending one was signed and handed out,
 * so it is listed like any other. A serial still `signing` has no certificate yet: cert_not_live.
 * A held certificate keeps its hold time as the revocation time: it has been unusable since then.
 * Call `publishRevocationStatus` after the transaction commits.
 */
export async function revokeInTransaction(
  tx: Queryable,
  input: {
    serial: Uint8Array;
    reason: RevocationReason;
    actor: string;
    at: Date;
    /** The renewal whose confirmation revokes this certificate: it is not ended with it. */
    confirming?: Uint8Array;
  },
): Promise<StatusChange> {
  const hex = assertSerial(input.serial);
  if (!revocationReasons.includes(input.reason) || input.reason === "certificateHold") {
    throw new CaLifecycleError("bad_reason", String(input.reason));
  }
  const row = await lockCertificate(tx, input.serial, hex);
  if (row.status === "revoked") throw new CaLifecycleError("already_revoked", hex);
  if (row.status === "signing" || row.status === "rejected") throw new CaLifecycleError("cert_not_live", hex);
  // A confirmation revoking the certificate its renewal supersedes passes that renewal here.
  const renewals = (row.status !== "pending" ? await lockPendingRenewals(tx, input.serial) : []).filter(
    (r) => !input.confirming || toHex(r) !== toHex(input.confirming),
  );
  const revokedAt = row.status === "hold" && row.revoked_at ? row.revoked_at : input.at;
  await tx.query(
    "UPDATE certificates SET status = 'revoked', revoked_at = $2, revocation_reason = $3 WHERE serial = $1",
    [input.serial, revokedAt, input.reason],
  );
  await appendAudit(
    tx,
    {
      actor: input.actor,
      action: "certificate.revoke",
      subject: hex,
      details: { reason: input.reason, previous: row.status, revokedAt: revokedAt.toISOString() },
    },
    input.at,
  );
  const renewalsEnded = await endRenewals(tx, renewals, { actor: input.actor, at: input.at });
  return {
    serial: hex,
    previous: row.status,
    status: "revoked",
    revokedAt,
    reason: input.reason,
    ...(renewalsEnded.length ? { renewalsEnded } : {}),
  };
}

/**
 * After the commit of one or more changes: a new CRL, and new OCSP responses for the serials.
 * If this fails, the change stands; the scheduler's next run republishes (caMaintenance), and the
 * responder never serves a response that contradicts the certificate row meanwhile.
 */
export async function publishRevocationStatus(ca: CaContext, serials: readonly Uint8Array[]): Promise<void> {
  await publishCrl(ca);
  await refreshOcspResponses(ca, serials);
}

async function changeAndPublish(
  ca: CaContext,
  serial: Uint8Array,
  change: (tx: Queryable, at: Date) => Promise<StatusChange>,
): Promise<StatusChange> {
  const at = ca.clock.now();
  const result = await ca.db.transaction((tx) => change(tx, at));
  try {
    await publishRevocationStatus(ca, [serial, ...(result.renewalsEnded ?? []).map(fromHex)]);
  } catch (e) {
    throw new CaLifecycleError("status_publish_failed", result.serial, { cause: e });
  }
  return result;
}

/** Revokes a certificate (operator, teller, or the holder through CMP rr) and republishes its status. */
export async function revokeCertificate(
  ca: CaContext,
  input: { serial: Uint8Array; reason: RevocationReason; actor: string },
): Promise<StatusChange> {
  return changeAndPublish(ca, input.serial, (tx, at) => revokeInTransaction(tx, { ...input, at }));
}

/** Suspends a valid certificate (효력정지): status hold, reason certificateHold, from now. */
export async function holdCertificate(
  ca: CaContext,
  input: { serial: Uint8Array; actor: string },
): Promise<StatusChange> {
  const hex = assertSerial(input.serial);
  return changeAndPublish(ca, input.serial, async (tx, at) => {
    const row = await lockCertificate(tx, input.serial, hex);
    if (row.status === "hold") throw new CaLifecycleError("already_on_hold", hex);
    if (row.status === "revoked") throw new CaLifecycleError("already_revoked", hex);
    if (row.status !== "valid") throw new CaLifecycleError("cert_not_live", hex);
    const renewals = await lockPendingRenewals(tx, input.serial);
    await tx.query(
      "UPDATE certificates SET status = 'hold', revoked_at = $2, revocation_reason = 'certificateHold' WHERE serial = $1",
      [input.serial, at],
    );
    await appendAudit(tx, { actor: input.actor, action: "certificate.hold", subject: hex }, at);
    const renewalsEnded = await endRenewals(tx, renewals, { actor: input.actor, at });
    return {
      serial: hex,
      previous: row.status,
      status: "hold",
      revokedAt: at,
      reason: "certificateHold",
      ...(renewalsEnded.length ? { renewalsEnded } : {}),
    };
  });
}

/**
 * Lifts a suspension: back to valid. A full CRL simply leaves the certificate out from the next
 * one (removeFromCRL belongs to delta CRLs, which we do not publish). A hold of six months or more
 * is not released: the scheduler revokes it.
 */
export async function releaseCertificate(
  ca: CaContext,
  input: { serial: Uint8Array; actor: string },
): Promise<StatusChange> {
  const hex = assertSerial(input.serial);
  return changeAndPublish(ca, input.serial, async (tx, at) => {
    const row = await lockCertificate(tx, input.serial, hex);
    if (row.status === "revoked") throw new CaLifecycleError("already_revoked", hex);
    if (row.status !== "hold") throw new CaLifecycleError("not_on_hold", hex);
    if (row.revoked_at && row.revoked_at.getTime() <= holdCutoff(at).getTime()) {
      throw new CaLifecycleError("hold_expired", hex);
    }
    await tx.query(
      "UPDATE certificates SET status = 'valid', revoked_at = NULL, revocation_reason = NULL WHERE serial = $1",
      [input.serial],
    );
    await appendAudit(
      tx,
      {
        actor: input.actor,
        action: "certificate.release",
        subject: hex,
        details: { heldSince: row.revoked_at?.toISOString() ?? null },
      },
      at,
    );
    return { serial: hex, previous: row.status, status: "valid" };
  });
}

/**
 * Revokes every certificate on hold for six months (DESIGN.md §4). The reason is
 * cessationOfOperation: certificateHold is by definition reversible (RFC 5280 §5.3.1), so the final
 * state needs a final reason; the holder never came back, which is the certificate no longer being
 * needed, and nothing says the key was compromised, so keyCompromise would overstate it;
 * "unspecified" would tell relying parties less. The revocation time stays the hold's start.
 * Returns the serials revoked; republishes unless `publish` is false (the scheduler does it once).
 */
export async function revokeExpiredHolds(
  ca: CaContext,
  options: { publish?: boolean; actor?: string } = {},
): Promise<Uint8Array[]> {
  const revoked: Uint8Array[] = [];
  for (;;) {
    const at = ca.clock.now();
    const batch = await ca.db.transaction(async (tx) => {
      // SKIP LOCKED: a certificate being released or revoked right now is left to that change.
      const { rows } = await tx.query<{ serial: Uint8Array }>(
        `SELECT serial FROM certificates WHERE status = 'hold' AND revoked_at <= $1
          ORDER BY revoked_at LIMIT $2 FOR NO KEY UPDATE SKIP LOCKED`,
        [holdCutoff(at), expiredHoldsBatch],
      );
      const done: Uint8Array[] = [];
      for (const r of rows) {
        const serial = new Uint8Array(r.serial);
        await revokeInTransaction(tx, {
          serial,
          reason: "cessationOfOperation",
          actor: options.actor ?? "scheduler",
          at,
        });
        done.push(serial);
      }
      return done;
    });
    revoked.push(...batch);
    if (batch.length < expiredHoldsBatch) break;
  }
  if (revoked.length > 0 && options.publish !== false) await publishRevocationStatus(ca, revoked);
  return revoked;
}
