// The certificate centre's online issuance authorisation (DESIGN §4, §5): once the logged-in member
// has proven who they are (identity-proofing.ts), the RA holds a universal certificate's fee on the
// account the member picked (fees.ts), makes a web authorisation (one-time, 10 minutes), and binds
// it to the session that asked: only that session sees it again. The browser then enrols at
// /pki/cmp itself with the reference number and authorisation code; the private key never comes here.
import { createHash, randomUUID } from "node:crypto";
import type { Account } from "../bank/accounts.ts";
import { BankError } from "../bank/errors.ts";
import { type MemberRef, ownAccount } from "../bank/member-accounts.ts";
import { liveCertificate } from "../ca/certificates.ts";
import type { Queryable } from "../db/db.ts";
import { equalBytes, toBytes, toHex } from "../pki/bytes.ts";
import { authorizeForUser, type CertificatePurposeName, holderOf } from "./authorize.ts";
import { requireConsents } from "./consents.ts";
import type { CertcenterContext } from "./context.ts";
import { CertcenterError } from "./errors.ts";
import { attachAuthorization, cancelFee, feeOf, type HeldFee, holdFee } from "./fees.ts";
import { type ProofingAnswers, proveIdentity } from "./identity-proofing.ts";
import { authorizationLifetimeMs } from "./rules.ts";

/** The member and the session a web request speaks for. */
export interface WebMember extends MemberRef {
  userId: string;
  /** The session's id (src/auth/sessions.ts); only its hash is stored. */
  sessionId: string;
}

export interface WebAuthorization {
  referenceNumber: string;
  authorizationCode: string;
  expiresAt: Date;
  purpose: CertificatePurposeName;
  /** The fee held for a universal certificate, and where; null for bank use (free). */
  fee: { amount: bigint; account: string } | null;
}

/** What is stored of a session: SHA-256 of its id, so the table names no live session by itself. */
export function sessionHash(sessionId: string): Uint8Array {
  return new Uint8Array(createHash("sha256").update(`geumgo-certcenter-session\0${sessionId}`).digest());
}

/**
 * Binds a web authorisation to the session that asked for it (a web issuance, a reissue): only that
 * session sees it again (webAuthorizationStatus), and only its cookie may enrol under it at /pki/cmp
 * (mayEnrolFrom, the CA's mayEnrol hook).
 */
export async function bindToSession(
  db: Queryable,
  who: WebMember,
  made: { referenceNumber: string; expiresAt: Date; purpose: CertificatePurposeName },
  now: Date,
): Promise<void> {
  await db.query(
    `INSERT INTO certcenter_web_authorizations (reference_number, cooperative_id, member_id, session_hash,
       purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      made.referenceNumber,
      who.cooperativeId,
      who.memberId,
      sessionHash(who.sessionId),
      made.purpose,
      now,
      made.expiresAt,
    ],
  );
}

/**
 * Proves the member's identity, holds the fee (universal), and makes the web authorisation bound to
 * the session. Refusals come before anything is made: the terms in force not agreed to
 * (consent_required, consents.ts), a wrong answer (proveIdentity), a live
 * certificate of the purpose (cert_exists), a fee account not the member's or short of money
 * (account_not_found, insufficient_funds). A fee held for an authorisation that then fails is given back.
 */
export async function authorizeWebIssuance(
  ctx: CertcenterContext,
  who: WebMember,
  request: {
    purpose: CertificatePurposeName;
    proofing: ProofingAnswers;
    /** The account the fee is held on (universal only); default, the account proven with its PIN. */
    feeAccount?: string | undefined;
  },
): Promise<WebAuthorization> {
  const { bank, ca } = ctx;
  // Before proofing: a member who has not agreed to the terms in force spends no proofing tries.
  await requireConsents(bank.db, who);
  const proven = await proveIdentity(bank, who, request.proofing);
  if (await liveCertificate(ca.db, holderOf(who.cooperativeId, who.memberId), request.purpose)) {
    throw new CertcenterError("cert_exists");
  }
  let feeAccount: Account | undefined;
  let fee: HeldFee | undefined;
  if (feeOf(request.purpose) > 0n) {
    feeAccount =
      request.feeAccount === undefined ? proven.account : await ownAccount(bank.db, who, request.feeAccount);
    if (feeAccount.status !== "active") throw new BankError("account_not_active");
    const account = feeAccount;
    fee = await bank.db.transaction((tx) =>
      holdFee(bank, tx, {
        who,
        accountId: account.id,
        kind: "issuance",
        // Until the authorisation is made and its end known: a fee left here is swept after this.
        expiresAt: new Date(bank.clock.now().getTime() + authorizationLifetimeMs.web),
        idempotencyKey: `certcenter:issuance:${randomUUID()}`,
      }),
    );
  }
  try {
    const made = await authorizeForUser(ctx, {
      userId: who.userId,
      purpose: request.purpose,
      channel: "web",
      actor: `member:${who.cooperativeId}:${who.memberId}`,
      // In the authorisation's transaction: no authorisation is left unbound, or without its fee.
      alongside: async (tx, made) => {
        await bindToSession(tx, who, { ...made, purpose: request.purpose }, bank.clock.now());
        if (fee) await attachAuthorization(tx, fee.id, made);
      },
    });
    return {
      ...made,
      purpose: request.purpose,
      fee: fee && feeAccount ? { amount: fee.amount, account: feeAccount.number } : null,
    };
  } catch (e) {
    if (fee) await cancelFee(bank, fee.id);
    throw e;
  }
}

export type WebAuthorizationState = "open" | "used" | "expired" | "ended";

export interface WebAuthorizationStatus {
  referenceNumber: string;
  purpose: CertificatePurposeName;
  expiresAt: Date;
  state: WebAuthorizationState;
  /** The certificate enrolled under it, once there is one. */
  certificate: { serial: string; status: string } | null;
  fee: { amount: bigint; status: "held" | "captured" | "released" } | null;
}

/**
 * One of this session's web authorisations, as the browser checks it after enrolling (was the
 * certificate confirmed, the fee captured?). Another session's, or none, is authorization_unknown.
 */
export async function webAuthorizationStatus(
  ctx: CertcenterContext,
  who: WebMember,
  referenceNumber: string,
): Promise<WebAuthorizationStatus> {
  const { rows } = await ctx.bank.db.query<{
    purpose: CertificatePurposeName;
    expires_at: Date;
    state: "open" | "used" | "locked";
    serial: Uint8Array | null;
    cert_status: string | null;
    fee_amount: bigint | null;
    fee_status: "held" | "captured" | "released" | null;
  }>(
    `SELECT w.purpose, a.expires_at, a.state, c.serial, c.status AS cert_status,
            f.amount AS fee_amount, f.status AS fee_status
       FROM certcenter_web_authorizations w
       JOIN ca_authorizations a ON a.reference_number = w.reference_number
       LEFT JOIN certificates c ON c.authorization_ref = w.reference_number
       LEFT JOIN certcenter_fees f ON f.authorization_ref = w.reference_number
      WHERE w.reference_number = $1 AND w.cooperative_id = $2 AND w.member_id = $3 AND w.session_hash = $4`,
    [referenceNumber, who.cooperativeId, who.memberId, sessionHash(who.sessionId)],
  );
  const r = rows[0];
  if (!r) throw new CertcenterError("authorization_unknown");
  const now = ctx.bank.clock.now();
  const state: WebAuthorizationState =
    r.state === "used"
      ? "used"
      : r.state === "locked"
        ? "ended"
        : r.expires_at.getTime() <= now.getTime()
          ? "expired"
          : "open";
  return {
    referenceNumber,
    purpose: r.purpose,
    expiresAt: r.expires_at,
    state,
    certificate: r.serial && r.cert_status ? { serial: toHex(r.serial), status: r.cert_status } : null,
    fee: r.fee_amount !== null && r.fee_status ? { amount: r.fee_amount, status: r.fee_status } : null,
  };
}

/**
 * Whether a CMP enrolment that came with this login session may use the authorisation (the CA's
 * `mayEnrol` hook, in its transaction): a web authorisation only from the session that made it, and
 * only while that session lives (the edge resolves only a live one); any other (a branch's slip,
 * `openssl cmp`) from anywhere.
 */
export async function mayEnrolFrom(
  tx: Queryable,
  referenceNumber: string,
  requesterSession: string | undefined,
): Promise<boolean> {
  const { rows } = await tx.query<{ session_hash: Uint8Array }>(
    "SELECT session_hash FROM certcenter_web_authorizations WHERE reference_number = $1",
    [referenceNumber],
  );
  const bound = rows[0];
  if (!bound) return true;
  return (
    requesterSession !== undefined && equalBytes(toBytes(bound.session_hash), sessionHash(requesterSession))
  );
}
