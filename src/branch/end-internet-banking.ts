// Internet banking ended at the counter (인터넷뱅킹 해지), the member's ID checked: their sessions
// end, every certificate of theirs still live is revoked (cessationOfOperation, RFC 5280 §5.3.1:
// the subscriber has left the service it was for) and CRL and OCSP say so, the issuance codes they
// have not used run out, fees held for a certificate under way are released, and the user ID goes,
// so that the member may be enrolled again later (a new user ID and temporary password). The
// accounts, the security medium and the limits stay: they belong to the member, not to the service.
import { TellerError } from "../auth/teller-errors.ts";
import type { BankContext } from "../bank/context.ts";
import { endOpenAuthorizations } from "../ca/authorizations.ts";
import { publishRevocationStatus, revokeInTransaction } from "../ca/revocation.ts";
import { holderOf } from "../certcenter/authorize.ts";
import { releaseMemberFees } from "../certcenter/fees.ts";
import type { MessageChannel, MessageSender } from "../certcenter/message-sender.ts";
import type { Queryable } from "../db/db.ts";
import { fromHex, toBytes } from "../pki/bytes.ts";
import type { IdDocument } from "./cash-receipt.ts";
import { audited, type DeskContext, memberOfCooperative, tellerActor } from "./desk.ts";

export interface EndInternetBankingInput {
  idCheck: { document: IdDocument; checked: boolean };
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
  /** Where the member was told (after the commit, best effort). */
  memberTold: MessageChannel[];
}

/** The statuses of a certificate that a relying party could still be shown as good, or soon. */
const liveStatuses = ["valid", "hold", "pending"];

async function liveCertificates(tx: Queryable, holder: string): Promise<Uint8Array[]> {
  const { rows } = await tx.query<{ serial: Uint8Array }>(
    "SELECT serial FROM certificates WHERE holder = $1 AND status = ANY($2) ORDER BY serial FOR UPDATE",
    [holder, liveStatuses],
  );
  return rows.map((r) => toBytes(r.serial));
}

/** The certificates of the holder still live, each revoked; a renewal ended with its old one is not revoked twice. */
async function revokeAll(tx: Queryable, holder: string, actor: string, at: Date): Promise<string[]> {
  const revoked: string[] = [];
  for (const serial of await liveCertificates(tx, holder)) {
    const { rows } = await tx.query<{ status: string }>("SELECT status FROM certificates WHERE serial = $1", [
      serial,
    ]);
    if (!liveStatuses.includes(rows[0]!.status)) continue;
    const change = await revokeInTransaction(tx, { serial, reason: "cessationOfOperation", actor, at });
    revoked.push(change.serial, ...(change.renewalsEnded ?? []));
  }
  return [...new Set(revoked)].sort();
}

async function branchName(tx: Queryable, ctx: DeskContext): Promise<string> {
  const { rows } = await tx.query<{ name: string }>(
    "SELECT name FROM branches WHERE cooperative_id = $1 AND id = $2",
    [ctx.teller.cooperativeId, ctx.teller.branchId],
  );
  return rows[0]!.name;
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
    const { rows: users } = await tx.query<{ user_id: string }>(
      "SELECT user_id FROM users WHERE cooperative_id = $1 AND member_id = $2 FOR UPDATE",
      [...who],
    );
    const user = users[0];
    if (!user) throw new TellerError("not_enrolled");
    const at = bank.clock.now();
    const holder = holderOf(member.cooperativeId, member.id);
    // Certificates first: a renewal under way ends with the certificate it renews.
    const certificatesRevoked = await revokeAll(tx, holder, actor, at);
    const authorizationsEnded = (await endOpenAuthorizations(tx, { holder, actor, at })).length;
    const feesReleased = await releaseMemberFees(bank, tx, {
      cooperativeId: member.cooperativeId,
      memberId: member.id,
    });
    const sessions = await tx.query(
      "DELETE FROM sessions WHERE kind = 'member' AND cooperative_id = $1 AND member_id = $2 RETURNING 1",
      [...who],
    );
    await tx.query("DELETE FROM users WHERE cooperative_id = $1 AND member_id = $2", [...who]);
    return {
      result: {
        userId: user.user_id,
        certificatesRevoked,
        authorizationsEnded,
        feesReleased,
        sessionsEnded: sessions.rows.length,
        phone: member.phone,
        branch: await branchName(tx, ctx),
      },
      subject: holder,
      details: {
        userId: user.user_id,
        certificatesRevoked,
        authorizationsEnded,
        feesReleased,
        idDocument: input.idCheck.document,
      },
    };
  });
  // The revocations are committed: the CRL and OCSP say so now. A failure here leaves them standing;
  // the CA's maintenance run republishes (src/ca/revocation.ts).
  if (done.certificatesRevoked.length > 0) {
    try {
      await publishRevocationStatus(ctx.ca, done.certificatesRevoked.map(fromHex));
    } catch {
      // Published by the next maintenance run; the member's certificates are revoked either way.
    }
  }
  const memberTold: MessageChannel[] = [];
  if (options.sender && done.phone) {
    const body =
      `[금고] ${done.branch} 창구에서 인터넷뱅킹을 해지했어요(아이디 ${done.userId}). 인증서는 모두 폐지되었어요. ` +
      "본인이 신청하지 않았다면 가까운 영업점에 바로 알려 주세요.\n\n" +
      `[Geumgo] Internet banking (user ID ${done.userId}) was ended at the ${done.branch} counter, and your ` +
      "certificates were revoked. If you did not ask for this, tell a branch at once.";
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
    memberTold,
  };
}
