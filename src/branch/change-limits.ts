// A member's transfer limits set at the counter (raised or lowered, DESIGN.md §3): for the registered
// security medium, with the member's ID document checked and a reason recorded, never above the
// cooperative's maximums; the member is notified. A manager's approval plugs in as `approve`.
import { TellerError } from "../auth/teller-errors.ts";
import type { BankContext } from "../bank/context.ts";
import { defaultLimits, type Limits, type SecurityMedium } from "../bank/limits.ts";
import { changeLimits, memberLimits } from "../bank/member-limits.ts";
import { registeredMedium } from "../bank/security-medium.ts";
import { holderOf } from "../certcenter/authorize.ts";
import type { Queryable } from "../db/db.ts";
import type { IdDocument } from "./cash-receipt.ts";
import { audited, type DeskContext, type IdCheck, memberOfCooperative, type TellerActor } from "./desk.ts";

export interface ChangeLimitsInput {
  memberId: bigint;
  /** Whole won as digits, as the teller typed them. */
  perTransfer: string;
  perDay: string;
  /** Why the limits change (the console's choice, with the teller's words). */
  reason: string;
  /** The member's ID document the teller looked at, and that they did. */
  idCheck: IdCheck;
}

export interface LimitChangeRequest {
  teller: TellerActor;
  memberId: bigint;
  medium: SecurityMedium;
  perTransfer: bigint;
  perDay: bigint;
  current: Limits;
  reason: string;
  idDocument: IdDocument;
}

/** Throws to refuse or hold the change (a manager's approval); by default every change passes. */
export type LimitApproval = (request: LimitChangeRequest) => Promise<void>;

const noApprovalNeeded: LimitApproval = async () => {};

/** The member's limits as the counter shows them, amounts as digit strings. */
export interface BranchLimits {
  medium: SecurityMedium | null;
  perTransfer: string;
  perDay: string;
  usedToday: string;
  /** The cooperative's maximums for the medium; null without a medium. */
  maximum: { perTransfer: string; perDay: string } | null;
}

export interface LimitsAnswer {
  limits: BranchLimits;
  /** The limits before the change. */
  before: { perTransfer: string; perDay: string };
  /** False when the limits were as asked already (a retried request): nothing changed, no one told. */
  changed: boolean;
  /** The manager who approved a held change, or null. */
  approvedBy: string | null;
}

export const limitReasonMax = 200;

/** Past this, a limit is a typing slip (the column is a bigint; no maximum comes near it). */
const limitDigitsMax = 15;

function parseLimit(text: string): bigint {
  const t = text.trim();
  if (!new RegExp(`^\\d{1,${limitDigitsMax}}$`).test(t)) throw new TellerError("bad_limits");
  return BigInt(t);
}

function amounts(l: Limits): { perTransfer: string; perDay: string } {
  return { perTransfer: l.perTransfer.toString(), perDay: l.perDay.toString() };
}

async function branchLimits(
  bank: BankContext,
  teller: TellerActor,
  memberId: bigint,
  db: Queryable = bank.db,
): Promise<BranchLimits> {
  const l = await memberLimits(bank, { cooperativeId: teller.cooperativeId, memberId }, db);
  return {
    medium: l.medium,
    ...amounts(l),
    usedToday: l.usedToday.toString(),
    maximum: l.medium ? amounts(defaultLimits[l.medium]) : null,
  };
}

/** What the counter shows before a change: the medium, its limits, today's use and the maximums. */
export async function viewLimits(ctx: DeskContext, memberId: bigint): Promise<BranchLimits> {
  await memberOfCooperative(ctx.bank, ctx.teller, memberId);
  return branchLimits(ctx.bank, ctx.teller, memberId);
}

/**
 * Judges the change (amounts, reason, ID check, the medium, the maximums), asks `approve`, then
 * applies it in one audited transaction. Limits already as asked answer `changed: false` without
 * asking for an approval or telling the member again.
 */
export async function changeLimitsAtBranch(
  ctx: DeskContext,
  input: ChangeLimitsInput,
  approve: LimitApproval = noApprovalNeeded,
): Promise<LimitsAnswer> {
  const { teller } = ctx;
  const limits = { perTransfer: parseLimit(input.perTransfer), perDay: parseLimit(input.perDay) };
  if (limits.perTransfer <= 0n || limits.perDay <= 0n || limits.perTransfer > limits.perDay) {
    throw new TellerError("bad_limits");
  }
  const reason = input.reason.trim();
  if (reason.length === 0 || reason.length > limitReasonMax) throw new TellerError("limit_reason_required");
  if (!input.idCheck.checked) throw new TellerError("limit_id_not_checked");
  await memberOfCooperative(ctx.bank, teller, input.memberId);
  const shown = await branchLimits(ctx.bank, teller, input.memberId);
  const medium = shown.medium;
  if (!medium) throw new TellerError("no_security_medium");
  const maximum = defaultLimits[medium];
  if (limits.perTransfer > maximum.perTransfer || limits.perDay > maximum.perDay) {
    throw new TellerError("limit_above_maximum");
  }
  const request: LimitChangeRequest = {
    teller,
    memberId: input.memberId,
    medium,
    ...limits,
    current: { perTransfer: BigInt(shown.perTransfer), perDay: BigInt(shown.perDay) },
    reason,
    idDocument: input.idCheck.document,
  };
  const unchanged =
    request.current.perTransfer === limits.perTransfer && request.current.perDay === limits.perDay;
  if (!unchanged) await approve(request);
  return audited(ctx, "teller.limits_changed", async (bank, tx) => {
    const answer = await applyLimitChange(bank, tx, request, null);
    return {
      result: answer,
      subject: holderOf(teller.cooperativeId, input.memberId),
      // The document's kind only: an ID's number is never written down here.
      details: {
        medium,
        beforePerTransfer: answer.before.perTransfer,
        beforePerDay: answer.before.perDay,
        perTransfer: limits.perTransfer.toString(),
        perDay: limits.perDay.toString(),
        reason,
        idDocument: input.idCheck.document,
        changed: answer.changed,
      },
    };
  });
}

/**
 * Applies a change already judged (also called when a manager approves a held one): sets the
 * limits, notifies the member, in the caller's transaction.
 */
export async function applyLimitChange(
  bank: BankContext,
  tx: Queryable,
  request: LimitChangeRequest,
  approvedBy: string | null,
): Promise<LimitsAnswer> {
  const { teller } = request;
  const branch = await tx.query<{ name: string }>(
    "SELECT name FROM branches WHERE cooperative_id = $1 AND id = $2",
    [teller.cooperativeId, teller.branchId],
  );
  // The change was judged (and, held, approved) on the limits read then: if the member has since
  // lowered them online or replaced the medium, that judgement no longer holds.
  const medium = await registeredMedium(tx, {
    cooperativeId: teller.cooperativeId,
    memberId: request.memberId,
  });
  if (medium !== request.medium) throw new TellerError("limits_stale");
  const { before, changed } = await changeLimits(tx, {
    cooperativeId: teller.cooperativeId,
    memberId: request.memberId,
    medium: request.medium,
    limits: { perTransfer: request.perTransfer, perDay: request.perDay },
    atBranch: true,
    branchName: branch.rows[0]?.name ?? "",
    at: bank.clock.now(),
    judge: (found) => {
      if (found.perTransfer !== request.current.perTransfer || found.perDay !== request.current.perDay) {
        throw new TellerError("limits_stale");
      }
    },
  });
  return {
    limits: await branchLimits(bank, teller, request.memberId, tx),
    before: amounts(before),
    changed,
    approvedBy,
  };
}
