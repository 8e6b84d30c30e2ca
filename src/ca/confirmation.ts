// The holder's confirmation of a certificate just signed (RFC 4210 §5.3.18, certConf), as states of
// its row: pending becomes valid, and the certificate it supersedes (a renewal, a reissue after
// damage) is revoked; or, refused by its holder, it is revoked. A renewal is confirmed only while
// the certificate that signed it is still valid. A repeated confirmation of a valid certificate
// changes nothing; any other state is final (the wait ran out, or it was refused). The RA's hooks
// (context.ts: the fee) run inside the transaction that settles the confirmation.
import { appendAudit, auditAppendCtes } from "../audit/audit-log.ts";
import { isUniqueViolation } from "../db/db.ts";
import { fromHex, toHex } from "../pki/bytes.ts";
import { type CertificateRecord, certificateBySerial } from "./certificates.ts";
import type { CaContext, HookedCertificate } from "./context.ts";
import { CaRequestError, type CaRequestErrorCode } from "./errors.ts";
import { renewedAlready } from "./renewal.ts";
import { publishRevocationStatus, revokeInTransaction } from "./revocation.ts";

/** A renewal (kur): it supersedes the certificate whose key signed it, and no authorisation stands behind it. */
function isRenewal(row: CertificateRecord): boolean {
  return row.replaces !== null && row.replaceReason === "superseded" && row.authorizationRef === null;
}

/** Why a renewal's old certificate no longer carries it (revoked, held, expired), or undefined. */
function renewalGround(old: CertificateRecord | undefined, now: Date): CaRequestErrorCode | undefined {
  if (old && renewedAlready(old)) return "old_renewed";
  if (old?.status === "revoked" || old?.status === "hold") return "old_revoked";
  if (old?.status !== "valid") return "old_not_valid";
  if (old.notAfter.getTime() <= now.getTime()) return "old_expired";
  return undefined;
}

function hooked(row: CertificateRecord): HookedCertificate {
  return {
    serial: row.serial,
    holder: row.holder,
    purpose: row.purpose,
    authorizationRef: row.authorizationRef,
    replaces: row.replaces,
  };
}

/**
 * The certConf's effect, in one transaction: the certificate becomes valid and the one it replaces
 * (renewal, or a reissue after damage) is revoked as superseded; or, rejected by its holder, it is
 * revoked. A renewal is confirmed only while the certificate that signed its request is valid and
 * unexpired, checked under that certificate's row lock: otherwise the renewal is revoked and the
 * confirmation refused. Returns the serials whose revocation status must be published, and the
 * refusal to answer once they are.
 */
async function settleConfirmation(
  ca: CaContext,
  serial: Uint8Array,
  holder: string,
  rejected: boolean,
): Promise<{ publish: Uint8Array[]; refusal?: CaRequestErrorCode }> {
  const publish: Uint8Array[] = [];
  let refusal: CaRequestErrorCode | undefined;
  await ca.db.transaction(async (tx) => {
    publish.length = 0; // the transaction may run again after a serialization failure
    refusal = undefined;
    const now = ca.clock.now();
    // The replaced certificate's row is locked before this one: the order in which a revocation
    // or hold of it locks its pending renewals (revocation.ts), so neither waits on the other.
    const replaces = (await certificateBySerial(tx, serial))?.replaces;
    const old = replaces ? await certificateBySerial(tx, replaces, { lock: true }) : undefined;
    const row = (await certificateBySerial(tx, serial, { lock: true }))!;
    const lost = isRenewal(row) && !rejected ? renewalGround(old, now) : undefined;
    if (row.status !== "pending") {
      if (row.status === "valid" && !rejected) return; // a repeated confirmation: answer it again
      throw new CaRequestError(lost ?? "not_pending");
    }
    if (rejected || lost) {
      // Before the revocation takes the audit head: the RA's rows and the account, as when confirming.
      await ca.certificateHooks?.refused(tx, hooked(row), now);
      // The holder refused it, or its ground is gone, but the holder has it: revoke it, so that a
      // relying party that reads only the CRL never takes it for valid (RFC 4210 §5.3.18 leaves
      // the CA to revoke).
      await revokeInTransaction(tx, {
        serial,
        reason: "cessationOfOperation",
        actor: "cmp:certConf",
        at: now,
      });
      publish.push(serial);
      refusal = lost;
      return;
    }
    if (row.replaces && row.replaceReason === "superseded") {
      if (old?.status === "valid" || old?.status === "hold") {
        const change = await revokeInTransaction(tx, {
          serial: row.replaces,
          reason: "superseded",
          actor: "cmp",
          at: now,
          confirming: serial,
        });
        publish.push(row.replaces, ...(change.renewalsEnded ?? []).map(fromHex));
      }
    }
    // The fee is captured in this transaction: a certificate is never valid with its fee uncaptured,
    // and a repeated confirmation (answered above) captures nothing again.
    await ca.certificateHooks?.confirmed(tx, hooked(row), now);
    await tx.query("UPDATE certificates SET status = 'valid' WHERE serial = $1", [serial]);
    await appendAudit(
      tx,
      { actor: "cmp", action: "ca.confirmed", subject: holder, details: { serial: toHex(serial) } },
      now,
    );
  });
  return { publish, ...(refusal ? { refusal } : {}) };
}

/**
 * The common confirmation in one statement: a pending certificate that supersedes nothing becomes
 * valid, audited. False when it is not that case (a repeat, a renewal, a reissue after damage):
 * then `settleConfirmation` decides, in a transaction of its own.
 */
async function confirmPlainly(ca: CaContext, serial: Uint8Array, holder: string): Promise<boolean> {
  const audit = auditAppendCtes(
    { actor: "cmp", action: "ca.confirmed", subject: holder, details: { serial: toHex(serial) } },
    ca.clock.now(),
    2,
    "EXISTS (SELECT 1 FROM confirmed)",
  );
  const { rows } = await ca.db.query(
    `WITH confirmed AS (
       UPDATE certificates SET status = 'valid'
        WHERE serial = $1 AND status = 'pending' AND (replaces IS NULL OR replace_reason IS DISTINCT FROM 'superseded')
       RETURNING serial),
     ${audit.sql}
     SELECT seq FROM audit_entry`,
    [serial, ...audit.params],
  );
  return rows.length === 1;
}

/**
 * Confirms (or, `rejected`, revokes) the holder's pending certificate, then publishes the
 * revocation status of every certificate that stopped being valid. Throws CaRequestError.
 */
export async function confirmCertificate(
  ca: CaContext,
  input: { serial: Uint8Array; holder: string; rejected: boolean },
): Promise<void> {
  const { serial, holder, rejected } = input;
  let settled: { publish: Uint8Array[]; refusal?: CaRequestErrorCode };
  try {
    // With the RA's hooks, every confirmation is settled in a transaction they can join.
    settled =
      !rejected && !ca.certificateHooks && (await confirmPlainly(ca, serial, holder))
        ? { publish: [] }
        : await settleConfirmation(ca, serial, holder, rejected);
  } catch (e) {
    // Two new-issuance authorisations made at once for one member and purpose: the first confirmed
    // wins the one live place; this one is left unconfirmed, and the scheduler revokes it.
    if (isUniqueViolation(e)) throw new CaRequestError("cert_exists", { cause: e });
    throw e;
  }
  if (settled.publish.length) await publishRevocationStatus(ca, settled.publish);
  if (settled.refusal) throw new CaRequestError(settled.refusal);
  // The new certificate's OCSP response is signed on its first query (ocsp-responder.ts) or by
  // the next scheduler run, whichever comes first: not here, where it would double the CA's
  // signatures per issuance.
}
