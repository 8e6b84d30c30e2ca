// Internet banking ended at the counter (인터넷뱅킹 해지), the member's ID checked: their sessions
// end, every certificate of theirs still live is revoked (cessationOfOperation, RFC 5280 §5.3.1:
// the subscriber has left the service it was for) and CRL and OCSP say so, one still being signed
// is never signed, the issuance codes they have not used run out, fees held for a certificate under
// way are released, and the user ID goes, so that the member may be enrolled again later (a new
// temporary password). The accounts, the security medium and the limits stay: they belong to the
// member, not to the service. The certificate part is the certificate centre's (member-exit.ts).
import { TellerError } from "../auth/teller-errors.ts";
import { carryOverFailures, unknownIdHash } from "../auth/unknown-login-ids.ts";
import type { BankContext } from "../bank/context.ts";
import {
  endMemberCertificates,
  lockMemberExit,
  publishMemberRevocations,
} from "../certcenter/member-exit.ts";
import type { MessageChannel, MessageSender } from "../certcenter/message-sender.ts";
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
    // Every row lock first (certificates, fees and their holds, codes, sessions, the user), then the
    // audit appends (member-exit.ts says why).
    const exit = await lockMemberExit(
      bank,
      tx,
      { cooperativeId: member.cooperativeId, memberId: member.id },
      at,
    );
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
    const { revoked: certificatesRevoked, unsigned } = await endMemberCertificates(tx, exit, actor, at);
    return {
      result: {
        userId: user.user_id,
        certificatesRevoked,
        authorizationsEnded: exit.authorizationsEnded.length,
        feesReleased: exit.feesReleased,
        sessionsEnded: sessions.rows.length,
        phone: member.phone,
        branch: await branchName(tx, ctx.teller),
      },
      subject: exit.holder,
      details: {
        userId: user.user_id,
        certificatesRevoked,
        ...(unsigned.length > 0 ? { issuancesStopped: unsigned } : {}),
        authorizationsEnded: exit.authorizationsEnded,
        feesReleased: exit.feesReleased,
        idDocument: input.idCheck.document,
      },
    };
  });
  // The revocations are committed: a new CRL and OCSP responses now (the answer says if not).
  const statusPublished = await publishMemberRevocations(ctx.ca, done.certificatesRevoked);
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
