// The holder's confirmation of a certificate just signed (RFC 4210 §5.3.18, certConf), as states of
// its row: pending becomes valid, and the certificate it supersedes (a renewal, a reissue after
// damage) is revoked; or, refused by its holder, it is revoked. A repeated confirmation of a valid
// certificate changes nothing; any other state is final (the wait ran out, or it was refused).
import { appendAudit, auditAppendCtes } from "../audit/audit-log.ts";
import { isUniqueViolation } from "../db/db.ts";
import { toHex } from "../pki/bytes.ts";
import { certificateBySerial } from "./certificates.ts";
import type { CaContext } from "./context.ts";
import { CaRequestError } from "./errors.ts";
import { publishRevocationStatus, revokeInTransaction } from "./revocation.ts";

/**
 * The certConf's effect, in one transaction: the certificate becomes valid and the one it replaces
 * (renewal, or a reissue after damage) is revoked as superseded; or, rejected by its holder, it is
 * revoked. Returns the serials whose revocation status must be published.
 */
async function settleConfirmation(
  ca: CaContext,
  serial: Uint8Array,
  holder: string,
  rejected: boolean,
): Promise<Uint8Array[]> {
  const superseded: Uint8Array[] = [];
  await ca.db.transaction(async (tx) => {
    superseded.length = 0; // the transaction may run again after a serialization failure
    const row = (await certificateBySerial(tx, serial, { lock: true }))!;
    if (row.status !== "pending") {
      if (row.status === "valid" && !rejected) return; // a repeated confirmation: answer it again
      throw new CaRequestError("not_pending");
    }
    const now = ca.clock.now();
    if (rejected) {
      // The holder refused it, but holds it: revoke it, so that a relying party that reads only
      // the CRL never takes it for valid (RFC 4210 §5.3.18 leaves the CA to revoke).
      await revokeInTransaction(tx, {
        serial,
        reason: "cessationOfOperation",
        actor: "cmp:certConf",
        at: now,
      });
      return;
    }
    if (row.replaces && row.replaceReason === "superseded") {
      const old = await certificateBySerial(tx, row.replaces, { lock: true });
      if (old?.status === "valid" || old?.status === "hold") {
        await revokeInTransaction(tx, { serial: row.replaces, reason: "superseded", actor: "cmp", at: now });
        superseded.push(row.replaces);
      }
    }
    await tx.query("UPDATE certificates SET status = 'valid' WHERE serial = $1", [serial]);
    await appendAudit(
      tx,
      { actor: "cmp", action: "ca.confirmed", subject: holder, details: { serial: toHex(serial) } },
      now,
    );
  });
  return superseded;
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
  let superseded: Uint8Array[];
  try {
    superseded =
      !rejected && (await confirmPlainly(ca, serial, holder))
        ? []
        : await settleConfirmation(ca, serial, holder, rejected);
  } catch (e) {
    // Two new-issuance authorisations made at once for one member and purpose: the first confirmed
    // wins the one live place; this one is left unconfirmed, and the scheduler revokes it.
    if (isUniqueViolation(e)) throw new CaRequestError("cert_exists", { cause: e });
    throw e;
  }
  if (rejected) superseded.push(serial);
  if (superseded.length) await publishRevocationStatus(ca, superseded);
  // The new certificate's OCSP response is signed on its first query (ocsp-responder.ts) or by
  // the next scheduler run, whichever comes first: not here, where it would double the CA's
  // signatures per issuance.
}
