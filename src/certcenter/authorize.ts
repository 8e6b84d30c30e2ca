// The RA side of issuance authorisation (DESIGN §4): once a member's identity is proven (at the
// branch, or online in the certificate centre), it hands the CA an authorisation carrying the
// subject name, the VID inputs, the purpose and, for a reissue, the certificate replaced. The CA
// never reads the bank's tables; `holder` ("<cooperative>:<member>") is all it knows of the member.
import { AsnConvert } from "@peculiar/asn1-schema";
import { findUser } from "../auth/users.ts";
import type { BankContext } from "../bank/context.ts";
import { revealRrnForVid } from "../bank/members.ts";
import {
  type AlongsideAuthorization,
  createAuthorization,
  type IssuedAuthorization,
} from "../ca/authorizations.ts";
import { liveCertificate } from "../ca/certificates.ts";
import type { CaContext } from "../ca/context.ts";
import { personalSubjectName } from "../pki/profile.ts";
import { CertcenterError } from "./errors.ts";
import { authorizationLifetimeMs, type ReissueReason, reissueReplacement } from "./rules.ts";

export type CertificatePurposeName = "bank" | "universal";
export type { IssuedAuthorization as IssuanceAuthorization, ReissueReason };

export function holderOf(cooperativeId: number, memberId: bigint): string {
  return `${cooperativeId}:${memberId}`;
}

/**
 * Authorises an issuance for the member with this internet banking user ID, for as long as the
 * channel's `authorizationLifetimeMs` (branch: days, web: minutes). Without `reissue`, refused when the member holds a live certificate of the purpose
 * (renew or reissue that one); with it, the new certificate replaces the live one and keeps its expiry.
 * `alongside` runs in the authorisation's transaction (binding it to a web session): if it fails,
 * nothing is made and nothing revoked.
 */
export async function authorizeForUser(
  ctx: { bank: BankContext; ca: CaContext },
  input: {
    userId: string;
    purpose: CertificatePurposeName;
    channel: "branch" | "web";
    actor: string;
    reissue?: ReissueReason | undefined;
    alongside?: AlongsideAuthorization | undefined;
  },
): Promise<IssuedAuthorization> {
  const { bank, ca } = ctx;
  const user = await findUser(bank.db, input.userId);
  if (!user) throw new CertcenterError("user_unknown");
  const { rows } = await bank.db.query<{ real_name: string; code: string; name: string }>(
    `SELECT m.real_name, c.code, c.name FROM members m JOIN cooperatives c ON c.id = m.cooperative_id
      WHERE m.cooperative_id = $1 AND m.id = $2`,
    [user.cooperativeId, user.memberId],
  );
  const member = rows[0];
  if (!member) throw new CertcenterError("user_unknown");
  const holder = holderOf(user.cooperativeId, user.memberId);
  const live = await liveCertificate(ca.db, holder, input.purpose);
  if (live && !input.reissue) throw new CertcenterError("cert_exists");
  if (!live && input.reissue) throw new CertcenterError("no_certificate");

  const subject = personalSubjectName({
    realName: member.real_name,
    // NPKI writes issuer code + digits that make the name unique; ours: cooperative code + member number.
    serialHint: `009${member.code}${String(user.memberId).padStart(12, "0")}`,
    registrationUnit: member.name,
    organization: ca.organization,
  });
  return createAuthorization(
    ca,
    {
      holder,
      purpose: input.purpose,
      channel: input.channel,
      lifetimeMs: authorizationLifetimeMs[input.channel],
      subjectName: new Uint8Array(AsnConvert.serialize(subject)),
      realName: member.real_name,
      rrn: await revealRrnForVid(bank, user.cooperativeId, user.memberId),
      replaces: live && input.reissue ? reissueReplacement(input.reissue, live) : undefined,
      actor: input.actor,
    },
    input.alongside,
  );
}
