// The certificate centre's part when a member leaves internet banking (src/branch/end-internet-banking.ts):
// as the RA, it stops everything certificate-related the member has under way and has the CA revoke
// what they hold. Every certificate still live is revoked with cessationOfOperation (RFC 5280
// §5.3.1: the subscriber has left the service it was for), a renewal under way with it; a serial
// still being signed is rejected, so it is never signed; unused issuance codes run out; fees held
// for a certificate under way are released. In the caller's transaction, in two steps: the row
// locks first (`lockMemberExit`), the audit appends after (`endMemberCertificates`), the order the
// CA's own transactions keep (src/ca/issuance.ts), so none waits on another holding the audit head.
import { appendAudit } from "../audit/audit-log.ts";
import type { BankContext } from "../bank/context.ts";
import type { MemberRef } from "../bank/member-accounts.ts";
import { endOpenAuthorizations } from "../ca/authorizations.ts";
import type { CaContext } from "../ca/context.ts";
import { publishRevocationStatus, revokeInTransaction } from "../ca/revocation.ts";
import type { Queryable } from "../db/db.ts";
import { fromHex, toBytes, toHex } from "../pki/bytes.ts";
import { holderOf } from "./authorize.ts";
import { releaseMemberFees } from "./fees.ts";

/** The statuses of a certificate that a relying party could be shown as good, now or soon. */
const liveStatuses = ["valid", "hold", "pending"];

/** What the first step locked and ended: the certificates to end, and what needed no audit of its own. */
export interface MemberExit {
  holder: string;
  certificates: { serial: Uint8Array; status: string }[];
  /** Reference numbers of the issuance codes that ran out. */
  authorizationsEnded: string[];
  feesReleased: number;
}

/**
 * Locks the member's certificates still live or being signed (a row a signing transaction holds
 * is waited for, and is then pending), releases their held fees and ends their unused codes.
 */
export async function lockMemberExit(
  bank: BankContext,
  tx: Queryable,
  who: MemberRef,
  at: Date,
): Promise<MemberExit> {
  const holder = holderOf(who.cooperativeId, who.memberId);
  const { rows } = await tx.query<{ serial: Uint8Array; status: string }>(
    "SELECT serial, status FROM certificates WHERE holder = $1 AND status = ANY($2) ORDER BY serial FOR UPDATE",
    [holder, [...liveStatuses, "signing"]],
  );
  const feesReleased = await releaseMemberFees(bank, tx, who);
  const authorizationsEnded = await endOpenAuthorizations(tx, { holder, at });
  return {
    holder,
    certificates: rows.map((r) => ({ serial: toBytes(r.serial), status: r.status })),
    authorizationsEnded,
    feesReleased,
  };
}

/**
 * Revokes each certificate the first step locked (a renewal ended with the certificate it renews is
 * not revoked twice) and rejects a serial still being signed. Returns the serials, in hex.
 */
export async function endMemberCertificates(
  tx: Queryable,
  exit: MemberExit,
  actor: string,
  at: Date,
): Promise<{ revoked: string[]; unsigned: string[] }> {
  const revoked = new Set<string>();
  const unsigned: string[] = [];
  for (const { serial, status } of exit.certificates) {
    if (status === "signing") {
      await tx.query("UPDATE certificates SET status = 'rejected' WHERE serial = $1", [serial]);
      await appendAudit(
        tx,
        { actor, action: "ca.abandoned", subject: exit.holder, details: { serial: toHex(serial) } },
        at,
      );
      unsigned.push(toHex(serial));
      continue;
    }
    if (revoked.has(toHex(serial))) continue;
    const change = await revokeInTransaction(tx, { serial, reason: "cessationOfOperation", actor, at });
    for (const s of [change.serial, ...(change.renewalsEnded ?? [])]) revoked.add(s);
  }
  return { revoked: [...revoked].sort(), unsigned };
}

/**
 * After the commit: a new CRL and OCSP responses for the serials revoked. False when that failed:
 * the revocations stand, OCSP follows at the CA's maintenance run and the CRL at its next issue.
 */
export async function publishMemberRevocations(ca: CaContext, revoked: readonly string[]): Promise<boolean> {
  if (revoked.length === 0) return true;
  try {
    await publishRevocationStatus(ca, revoked.map(fromHex));
    return true;
  } catch {
    return false;
  }
}
