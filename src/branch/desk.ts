// The branch desk: what a teller does for a member who stands at the counter with an ID card and a
// passbook. Each use case checks that the member belongs to the teller's cooperative
// (anyone else's is "not found"), runs in one transaction, and appends its audit entry in that
// transaction (actor `teller:<tellerId>`; never a resident registration number, password or code).

import { type AuditDetails, appendAudit } from "../audit/audit-log.ts";
import { enrolmentDeadline } from "../auth/business-days.ts";
import {
  assertNewUserId,
  enrolledUserId,
  enrolMember,
  newTemporaryPassword,
  resetMemberPassword,
  unlockMemberLogin,
} from "../auth/enrolment.ts";
import { loginFailuresMax } from "../auth/login.ts";
import { endMemberSessions } from "../auth/sessions.ts";
import { TellerError } from "../auth/teller-errors.ts";
import { formatAccountNumber } from "../bank/account-number.ts";
import { type Account, listMemberAccounts, openAccount } from "../bank/accounts.ts";
import type { BankContext } from "../bank/context.ts";
import { isBankError } from "../bank/errors.ts";
import { createMember, findMemberByRrn, getMember, type Member } from "../bank/members.ts";
import { issueSecurityCard, mediumFailuresMax, registerOtp, unlockMedium } from "../bank/security-medium.ts";
import { base32Encode } from "../bank/totp.ts";
import type { CaContext } from "../ca/context.ts";
import { authorizeForUser, holderOf, type ReissueReason } from "../certcenter/authorize.ts";
import type { Db, Queryable } from "../db/db.ts";

/** The teller acting, as the session names them. */
export interface TellerActor {
  cooperativeId: number;
  branchId: number;
  tellerId: string;
}

export interface DeskContext {
  bank: BankContext;
  ca: CaContext;
  teller: TellerActor;
}

export function tellerActor(tellerId: string): string {
  return `teller:${tellerId}`;
}

/**
 * The caller's transaction as a Db, for bank functions that take a context rather than a
 * transaction: their statements join this transaction (a nested `transaction` runs in it too).
 */
function transactionDb(tx: Queryable, kind: Db["kind"]): Db {
  return {
    kind,
    query: (sql, params) => tx.query(sql, params),
    exec: (sql) => tx.exec(sql),
    transaction: (fn) => fn(tx),
    close: () => Promise.reject(new Error("a transaction is not closed by its users")),
  };
}

/** What a use case returns: its answer, and the audit entry's subject and details. */
type Audited<T> = { result: T; subject?: string; details?: AuditDetails };

/**
 * Runs `work` in one transaction with the bank context bound to it, and appends the audit entry
 * it returns in the same transaction.
 */
async function audited<T>(
  ctx: DeskContext,
  action: string,
  work: (bank: BankContext, tx: Queryable) => Promise<Audited<T>>,
): Promise<T> {
  return ctx.bank.db.transaction(async (tx) => {
    const bank: BankContext = { ...ctx.bank, db: transactionDb(tx, ctx.bank.db.kind) };
    const { result, subject, details } = await work(bank, tx);
    await appendAudit(
      tx,
      {
        actor: tellerActor(ctx.teller.tellerId),
        action,
        subject,
        details: { branchId: ctx.teller.branchId, ...details },
      },
      ctx.bank.clock.now(),
    );
    return result;
  });
}

/** The member, if they belong to the teller's cooperative; anyone else's is not found. */
async function memberOfCooperative(
  bank: BankContext,
  teller: TellerActor,
  memberId: bigint,
): Promise<Member> {
  try {
    return await getMember(bank, teller.cooperativeId, memberId);
  } catch (e) {
    if (isBankError(e, "member_not_found")) throw new TellerError("member_not_found");
    throw e;
  }
}

// ---- what the console shows of a member ----

export interface AccountView {
  number: string;
  kind: "demand" | "savings";
  name: string;
  status: string;
  balance: string;
  openedAt: string;
}

export interface MemberView {
  id: string;
  name: string;
  rrnMasked: string;
  branch: { code: string; name: string };
  phone: string | null;
  email: string | null;
  address: string | null;
  createdAt: string;
  accounts: AccountView[];
  internetBanking: {
    userId: string;
    enrolledAt: string;
    mustChangePassword: boolean;
    deadline: string | null;
    lapsed: boolean;
    locked: boolean;
    failedLogins: number;
  } | null;
  securityMedium: {
    kind: "otp" | "card";
    cardSerial: string | null;
    locked: boolean;
    registeredAt: string;
  } | null;
}

function accountView(a: Account): AccountView {
  return {
    number: formatAccountNumber(a.number),
    kind: a.kind as "demand" | "savings",
    name: a.name,
    status: a.status,
    balance: a.balance.toString(),
    openedAt: a.openedAt.toISOString(),
  };
}

async function memberView(bank: BankContext, m: Member): Promise<MemberView> {
  const db = bank.db;
  const [branch, user, medium, accounts] = [
    (
      await db.query<{ code: string; name: string }>(
        "SELECT code, name FROM branches WHERE cooperative_id = $1 AND id = $2",
        [m.cooperativeId, m.branchId],
      )
    ).rows[0]!,
    (
      await db.query<{
        user_id: string;
        enrolled_at: Date;
        must_change_password: boolean;
        failed_logins: number;
        locked_at: Date | null;
      }>(
        `SELECT user_id, enrolled_at, must_change_password, failed_logins, locked_at
           FROM users WHERE cooperative_id = $1 AND member_id = $2`,
        [m.cooperativeId, m.id],
      )
    ).rows[0],
    (
      await db.query<{
        kind: "otp" | "card";
        card_serial: string | null;
        failures: number;
        registered_at: Date;
      }>(
        "SELECT kind, card_serial, failures, registered_at FROM security_media WHERE cooperative_id = $1 AND member_id = $2",
        [m.cooperativeId, m.id],
      )
    ).rows[0],
    await listMemberAccounts(db, m.cooperativeId, m.id),
  ];
  const now = bank.clock.now();
  const deadline = user?.must_change_password ? enrolmentDeadline(user.enrolled_at) : null;
  return {
    id: m.id.toString(),
    name: m.realName,
    rrnMasked: m.rrnMasked,
    branch,
    phone: m.phone,
    email: m.email,
    address: m.address,
    createdAt: m.createdAt.toISOString(),
    accounts: accounts.filter((a) => a.kind === "demand" || a.kind === "savings").map(accountView),
    internetBanking: user
      ? {
          userId: user.user_id,
          enrolledAt: user.enrolled_at.toISOString(),
          mustChangePassword: user.must_change_password,
          deadline: deadline?.toISOString() ?? null,
          lapsed: deadline !== null && now.getTime() >= deadline.getTime(),
          locked: user.locked_at !== null || user.failed_logins >= loginFailuresMax,
          failedLogins: user.failed_logins,
        }
      : null,
    securityMedium: medium
      ? {
          kind: medium.kind,
          cardSerial: medium.card_serial,
          locked: medium.failures >= mediumFailuresMax,
          registeredAt: medium.registered_at.toISOString(),
        }
      : null,
  };
}

const sameName = (a: string, b: string) => a.replace(/\s+/g, "") === b.replace(/\s+/g, "");

/**
 * Finds the member whose ID card the teller holds: the resident registration number finds them,
 * and the name must match it too. The lookup is audited whether or not it finds someone.
 */
export async function lookupMember(
  ctx: DeskContext,
  input: { name: string; rrn: string },
): Promise<MemberView> {
  type Found = { view: MemberView } | { refused: "member_not_found" | "name_mismatch" };
  const outcome = await audited(ctx, "teller.member_lookup", async (bank): Promise<Audited<Found>> => {
    const m = await findMemberByRrn(bank, ctx.teller.cooperativeId, input.rrn);
    if (!m) return { result: { refused: "member_not_found" }, details: { found: false } };
    if (!sameName(m.realName, input.name)) {
      return {
        result: { refused: "name_mismatch" },
        subject: holderOf(m.cooperativeId, m.id),
        details: { found: true, nameMatches: false },
      };
    }
    return {
      result: { view: await memberView(bank, m) },
      subject: holderOf(m.cooperativeId, m.id),
      details: { found: true, nameMatches: true },
    };
  });
  if ("refused" in outcome) throw new TellerError(outcome.refused);
  return outcome.view;
}

export async function viewMember(ctx: DeskContext, memberId: bigint): Promise<MemberView> {
  return audited(ctx, "teller.member_view", async (bank) => {
    const m = await memberOfCooperative(bank, ctx.teller, memberId);
    return { result: await memberView(bank, m), subject: holderOf(m.cooperativeId, m.id) };
  });
}

/** A new member of the teller's cooperative, at the teller's branch. */
export async function registerMember(
  ctx: DeskContext,
  input: {
    name: string;
    rrn: string;
    phone?: string | undefined;
    email?: string | undefined;
    address?: string | undefined;
  },
): Promise<MemberView> {
  return audited(ctx, "teller.member_create", async (bank, tx) => {
    const m = await createMember(
      bank,
      {
        cooperativeId: ctx.teller.cooperativeId,
        branchId: ctx.teller.branchId,
        realName: input.name.trim(),
        rrn: input.rrn,
        ...(input.phone ? { phone: input.phone } : {}),
        ...(input.email ? { email: input.email } : {}),
        ...(input.address ? { address: input.address } : {}),
      },
      tx,
    );
    return { result: await memberView(bank, m), subject: holderOf(m.cooperativeId, m.id) };
  });
}

export async function openMemberAccount(
  ctx: DeskContext,
  memberId: bigint,
  input: { kind: "demand" | "savings"; pin: string },
): Promise<AccountView> {
  return audited(ctx, "teller.account_open", async (bank, tx) => {
    const m = await memberOfCooperative(bank, ctx.teller, memberId);
    const a = await openAccount(
      bank,
      { cooperativeId: m.cooperativeId, memberId: m.id, kind: input.kind, pin: input.pin },
      tx,
    );
    return {
      result: accountView(a),
      subject: holderOf(m.cooperativeId, m.id),
      details: { account: a.number, kind: a.kind },
    };
  });
}

export interface TemporaryPasswordSlip {
  userId: string;
  temporaryPassword: string;
  enrolledAt: string;
  deadline: string;
}

function slip(e: { userId: string; temporaryPassword: string; enrolledAt: Date }): TemporaryPasswordSlip {
  return {
    userId: e.userId,
    temporaryPassword: e.temporaryPassword,
    enrolledAt: e.enrolledAt.toISOString(),
    deadline: enrolmentDeadline(e.enrolledAt).toISOString(),
  };
}

/** Enrols the member for internet banking with the user ID they chose; the slip's password is shown once. */
export async function enrolForInternetBanking(
  ctx: DeskContext,
  memberId: bigint,
  input: { userId: string },
): Promise<TemporaryPasswordSlip> {
  assertNewUserId(input.userId);
  const temporary = await newTemporaryPassword(input.userId);
  return audited(ctx, "teller.enrol", async (bank, tx) => {
    const m = await memberOfCooperative(bank, ctx.teller, memberId);
    const e = await enrolMember(tx, {
      cooperativeId: m.cooperativeId,
      memberId: m.id,
      userId: input.userId,
      temporary,
      at: bank.clock.now(),
    });
    return { result: slip(e), subject: holderOf(m.cooperativeId, m.id), details: { userId: e.userId } };
  });
}

/** A new temporary password; the member must change it online again, and the business-day clock restarts. */
export async function resetPassword(ctx: DeskContext, memberId: bigint): Promise<TemporaryPasswordSlip> {
  const m = await memberOfCooperative(ctx.bank, ctx.teller, memberId);
  const userId = await enrolledUserId(ctx.bank.db, m.cooperativeId, m.id);
  if (!userId) throw new TellerError("not_enrolled");
  const temporary = await newTemporaryPassword(userId);
  return audited(ctx, "teller.password_reset", async (bank, tx) => {
    const e = await resetMemberPassword(tx, {
      cooperativeId: m.cooperativeId,
      memberId: m.id,
      temporary,
      at: bank.clock.now(),
    });
    // Whoever knew the old password is signed out with it.
    await endMemberSessions(tx, { cooperativeId: m.cooperativeId, memberId: m.id });
    return { result: slip(e), subject: holderOf(m.cooperativeId, m.id), details: { userId: e.userId } };
  });
}

/** Registers an OTP device; the secret is shown once, to set the device up (or as a QR code). */
export async function registerOtpDevice(
  ctx: DeskContext,
  memberId: bigint,
): Promise<{ secret: string; uri: string }> {
  return audited(ctx, "teller.otp_register", async (bank, tx) => {
    const m = await memberOfCooperative(bank, ctx.teller, memberId);
    const userId = await enrolledUserId(tx, m.cooperativeId, m.id);
    const { rows } = await tx.query<{ name: string }>("SELECT name FROM cooperatives WHERE id = $1", [
      m.cooperativeId,
    ]);
    const { secret, uri } = await registerOtp(bank, {
      cooperativeId: m.cooperativeId,
      memberId: m.id,
      account: (userId ?? m.realName).replaceAll(":", " "),
      issuer: rows[0]!.name.replaceAll(":", " "),
    });
    return { result: { secret: base32Encode(secret), uri }, subject: holderOf(m.cooperativeId, m.id) };
  });
}

/** Hands out a new security card (the old one stops working); its codes are returned once, to print. */
export async function handOutSecurityCard(
  ctx: DeskContext,
  memberId: bigint,
): Promise<{ serial: string; codes: string[] }> {
  return audited(ctx, "teller.card_issue", async (bank) => {
    const m = await memberOfCooperative(bank, ctx.teller, memberId);
    const card = await issueSecurityCard(bank, { cooperativeId: m.cooperativeId, memberId: m.id });
    return {
      result: { serial: card.serial, codes: [...card.codes] },
      subject: holderOf(m.cooperativeId, m.id),
      details: { cardSerial: card.serial },
    };
  });
}

export interface UnlockResult {
  login: "unlocked" | "not_locked" | "not_enrolled";
  medium: "unlocked" | "not_locked" | "not_registered";
}

/** After re-verifying the member in person: opens a locked login and a locked security medium. */
export async function unlockMember(ctx: DeskContext, memberId: bigint): Promise<UnlockResult> {
  return audited(ctx, "teller.unlock", async (bank, tx) => {
    const m = await memberOfCooperative(bank, ctx.teller, memberId);
    const who = { cooperativeId: m.cooperativeId, memberId: m.id };
    const login = await unlockMemberLogin(tx, { ...who, failuresMax: loginFailuresMax });
    const { rows } = await tx.query<{ failures: number }>(
      "SELECT failures FROM security_media WHERE cooperative_id = $1 AND member_id = $2 FOR UPDATE",
      [m.cooperativeId, m.id],
    );
    if (rows[0]) await unlockMedium(bank, who);
    const result: UnlockResult = {
      login: !login ? "not_enrolled" : login.wasLocked ? "unlocked" : "not_locked",
      medium: !rows[0] ? "not_registered" : rows[0].failures >= mediumFailuresMax ? "unlocked" : "not_locked",
    };
    return { result, subject: holderOf(m.cooperativeId, m.id), details: { ...result } };
  });
}

/**
 * A certificate issuance authorisation handed out at the branch (14 days): the reference number
 * and the authorisation code, printed for the member. The RA writes the audit entry (ra.authorize,
 * actor teller:<id>) in its own transaction, with the reference number and never the code.
 */
export async function authorizeCertificate(
  ctx: DeskContext,
  memberId: bigint,
  input: { purpose: "bank" | "universal"; reissue?: ReissueReason | undefined },
): Promise<{ referenceNumber: string; authorizationCode: string; expiresAt: string }> {
  const m = await memberOfCooperative(ctx.bank, ctx.teller, memberId);
  const userId = await enrolledUserId(ctx.bank.db, m.cooperativeId, m.id);
  if (!userId) throw new TellerError("not_enrolled");
  const a = await authorizeForUser(
    { bank: ctx.bank, ca: ctx.ca },
    {
      userId,
      purpose: input.purpose,
      channel: "branch",
      actor: tellerActor(ctx.teller.tellerId),
      reissue: input.reissue,
    },
  );
  return {
    referenceNumber: a.referenceNumber,
    authorizationCode: a.authorizationCode,
    expiresAt: a.expiresAt.toISOString(),
  };
}
