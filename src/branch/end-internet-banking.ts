// Internet banking ended at the counter (인터넷뱅킹 해지), the member's ID checked: their sessions
// end, every certificate of theirs still live is revoked (cessationOfOperation, RFC 5280 §5.3.1:
// the subscriber has left the service it was for) and CRL and OCSP say so, one still being signed
// is never signed, the issuance codes they have not used run out, fees held for a certificate under
// way are released, and the user ID goes, so that the member may be enrolled again later (a new
// temporary password). The accounts, the security medium and the limits stay: they belong to the
// member, not to the service.

import { appendAudit } from "../audit/audit-log.ts";
import { TellerError } from "../auth/teller-errors.ts";
import { carryOverFailures, unknownIdHash } from "../auth/unknown-login-ids.ts";
import type { BankContext } from "../bank/context.ts";
import { endOpenAuthorizations } from "../ca/authorizations.ts";
import { publishRevocationStatus, revokeInTransaction } from "../ca/revocation.ts";
import { holderOf } from "../certcenter/authorize.ts";
import { releaseMemberFees } from "../certcenter/fees.ts";
import type { MessageChannel, MessageSender } from "../certcenter/message-sender.ts";
import type { Queryable } from "../db/db.ts";
import { fromHex, toBytes, toHex } from "../pki/bytes.ts";
import {
  audited,
  branchName,
  type DeskContext,
  type IdCheck,
  memberOfCooperative,
  tellerActor,
} from "./desk.ts";

export interface EndInternetBankingInput {
  idCheck: IdCheck;
}

export interface EndInternetBankingAnswer {
  /** The user ID that no longer logs in. */
  userId: string;
  /** The certificates revoked, serials in hex. */
  certificatesRevoked: string[];
  /** Issuance codes that had not been used, now run out. */
  authorizationsEnded: number;
  /** Fees held for a certificate under way, released to the account. */
  feesReleased: number;
  /** Member sessions ended (a browser logged in elsewhere is logged out). */
  sessionsEnded: number;
  /** False when the new CRL and OCSP responses could not be published at once (the revocations stand). */
  statusPublished: boolean;
  /** Where the member was told (after the commit, best effort). */
  memberTold: MessageChannel[];
}

/** The statuses of a certificate that a relying party could be shown as good, now or soon. */
const liveStatuses = ["valid", "hold", "pending"];

/**
 * The holder's certificates still live or being signed, locked (a row a signing transaction holds
 * is waited for, and is then pending): the end's row locks come before its audit appends, as the
 * CA's own transactions take them (src/ca/issuance.ts).
 */
async function lockCertificates(
  tx: Queryable,
  holder: string,
): Promise<{ serial: Uint8Array; status: string }[]> {
  const { rows } = await tx.query<{ serial: Uint8Array; status: string }>(
    "SELECT serial, status FROM certificates WHERE holder = $1 AND status = ANY($2) ORDER BY serial FOR UPDATE",
    [holder, [...liveStatuses, "signing"]],
  );
  return rows.map((r) => ({ serial: toBytes(r.serial), status: r.status }));
}

/**
 * Each certificate revoked (a renewal ended with the certificate it renews is not revoked twice),
 * and a serial reserved for an issuance still under way rejected, so that it is never signed: the
 * member would otherwise get a certificate after leaving. Returns the serials revoked, in hex.
 */
async function endCertificates(
  tx: Queryable,
  certificates: { serial: Uint8Array; status: string }[],
  holder: string,
  actor: string,
  at: Date,
): Promise<{ revoked: string[]; unsigned: string[] }> {
  const revoked = new Set<string>();
  const unsigned: string[] = [];
  for (const { serial, status } of certificates) {
    if (status === "signing") {
      await tx.query("UPDATE certificates SET status = 'rejected' WHERE serial = $1", [serial]);
      await appendAudit(
        tx,
        { actor, action: "ca.abandoned", subject: holder, details: { serial: toHex(serial) } },
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

export async function endInternetBanking(
  ctx: DeskContext,
  memberId: bigint,
  input: EndInternetBankingInput,
  options: { sender?: MessageSender } = {},
): Promise<EndInternetBankingAnswer> {
  if (!input.idCheck.checked) throw new TellerError("identity_not_checked");
  const actor = tellerActor(ctx.teller.tellerId);
  const done = await audited(ctx, "teller.internet_banking_end", async (bank: BankContext, tx) => {
    const member = await memberOfCooperative(bank, ctx.teller, memberId);
    const who = [member.cooperativeId, member.id] as const;
    const { rows: users } = await tx.query<{ user_id: string; failed_logins: number }>(
      "SELECT user_id, failed_logins FROM users WHERE cooperative_id = $1 AND member_id = $2 FOR UPDATE",
      [...who],
    );
    const user = users[0];
    if (!user) throw new TellerError("not_enrolled");
    const at = bank.clock.now();
    const holder = holderOf(member.cooperativeId, member.id);
    // Every row lock first (certificates, fees and their holds, codes, sessions, the user), then the
    // audit appends: the order the CA's and the bank's transactions keep, so none waits on the other
    // while holding the audit log's head.
    const certificates = await lockCertificates(tx, holder);
    const feesReleased = await releaseMemberFees(bank, tx, {
      cooperativeId: member.cooperativeId,
      memberId: member.id,
    });
    const authorizationsEnded = await endOpenAuthorizations(tx, { holder, at });
    const sessions = await tx.query(
      "DELETE FROM sessions WHERE kind = 'member' AND cooperative_id = $1 AND member_id = $2 RETURNING 1",
      [...who],
    );
    await tx.query("DELETE FROM users WHERE cooperative_id = $1 AND member_id = $2", [...who]);
    // The removed ID answers a login as it did: its wrong tries and its lock carry over.
    await carryOverFailures(
      tx,
      unknownIdHash(bank.rrnKeys.index, "member", user.user_id),
      user.failed_logins,
      at,
    );
    const { revoked: certificatesRevoked, unsigned } = await endCertificates(
      tx,
      certificates,
      holder,
      actor,
      at,
    );
    return {
      result: {
        userId: user.user_id,
        certificatesRevoked,
        authorizationsEnded: authorizationsEnded.length,
        feesReleased,
        sessionsEnded: sessions.rows.length,
        phone: member.phone,
        branch: await branchName(tx, ctx.teller),
      },
      subject: holder,
      details: {
        userId: user.user_id,
        certificatesRevoked,
        ...(unsigned.length > 0 ? { issuancesStopped: unsigned } : {}),
        authorizationsEnded,
        feesReleased,
        idDocument: input.idCheck.document,
      },
    };
  });
  // The revocations are committed: a new CRL and OCSP responses now. If that fails, the revocations
  // stand and the answer says so; OCSP is brought up to date by the CA's maintenance run, the CRL
  // at its next issue (src/ca/revocation.ts).
  let statusPublished = true;
  if (done.certificatesRevoked.length > 0) {
    try {
      await publishRevocationStatus(ctx.ca, done.certificatesRevoked.map(fromHex));
    } catch {
      statusPublished = false;
    }
  }
  const memberTold: MessageChannel[] = [];
  if (options.sender && done.phone) {
    const revoked = done.certificatesRevoked.length > 0;
    const body =
      `[금고] ${done.branch} 창구에서 인터넷뱅킹을 해지했어요(아이디 ${done.userId}).${revoked ? " 인증서도 폐지되었어요." : ""} ` +
      "본인이 신청하지 않았다면 가까운 영업점에 바로 알려 주세요.\n\n" +
      `[Geumgo] Internet banking (user ID ${done.userId}) was ended at the ${done.branch} counter` +
      `${revoked ? ", and your certificates were revoked" : ""}. If you did not ask for this, tell a branch at once.`;
    try {
      await options.sender.send({ channel: "sms", to: done.phone, purpose: "internet_banking_ended", body });
      memberTold.push("sms");
    } catch {
      // The end stands: a gateway failure refuses nothing.
    }
  }
  return {
    userId: done.userId,
    certificatesRevoked: done.certificatesRevoked,
    authorizationsEnded: done.authorizationsEnded,
    feesReleased: done.feesReleased,
    sessionsEnded: done.sessionsEnded,
    statusPublished,
    memberTold,
  };
}
