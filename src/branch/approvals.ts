// Maker-checker at the counter: a request one teller makes (a large cash withdrawal, a limit raise)
// waits until a manager (책임자) of the same branch approves it, when it is carried out as asked, or
// rejects it. Nobody approves their own request, a decided request stays decided, and a request
// left waiting lapses after half an hour or at the end of the Seoul day (judged when it is read or
// decided: no scheduler). Each kind says how it is carried out (`ApprovalAppliers`).
import type { AuditDetails } from "../audit/audit-log.ts";
import { TellerError } from "../auth/teller-errors.ts";
import { formatAccountNumber } from "../bank/account-number.ts";
import type { BankContext } from "../bank/context.ts";
import { assert } from "../bank/errors.ts";
import { seoulDayBounds } from "../calendar/seoul-day.ts";
import type { Queryable } from "../db/db.ts";
import { type CashReceiptView, receiptOfTransfer } from "./cash-receipt.ts";
import { audited, type DeskContext, type TellerActor } from "./desk.ts";

export const approvalKinds = ["cash_withdrawal", "limit_change"] as const;
export type ApprovalKind = (typeof approvalKinds)[number];
export type ApprovalStatus = "pending" | "approved" | "rejected" | "expired";

/** How long a request waits for a manager: the customer is at the counter, not coming back tomorrow. */
export const approvalLifetimeMs = 30 * 60_000;

/** What a request asks, as kept: strings only, so that bigints survive JSON. */
export type ApprovalData = Record<string, string>;

/** A request as stored, for the kind that carries it out. */
export interface ApprovalRecord {
  cooperativeId: number;
  id: bigint;
  branchId: number;
  kind: ApprovalKind;
  /** The maker, as their session named them. */
  maker: TellerActor;
  idempotencyKey: string;
  memberId: bigint;
  accountId: bigint | null;
  amount: bigint;
  request: ApprovalData;
  status: ApprovalStatus;
  checkerTellerId: string | null;
  createdAt: Date;
  expiresAt: Date;
  decidedAt: Date | null;
  transferId: bigint | null;
}

/** A request as the console shows it. */
export interface ApprovalView {
  id: string;
  kind: ApprovalKind;
  status: ApprovalStatus;
  maker: { tellerId: string; name: string };
  checker: { tellerId: string; name: string } | null;
  memberName: string;
  account: string | null;
  /** The withdrawal's amount, or the new daily limit. */
  amount: string;
  request: ApprovalData;
  createdAt: string;
  expiresAt: string;
  decidedAt: string | null;
  /** The withdrawal's receipt, once approved and paid. */
  receipt: CashReceiptView | null;
}

/**
 * Carries out an approved request in the approving transaction, as the maker asked it; throws to
 * refuse the approval (the request then stays pending). Returns the transfer it made, if any.
 */
export type ApprovalApplier = (
  bank: BankContext,
  tx: Queryable,
  request: ApprovalRecord,
  checker: TellerActor,
) => Promise<{ transferId: bigint | null; details?: AuditDetails }>;

export type ApprovalAppliers = { readonly [K in ApprovalKind]?: ApprovalApplier };

/** Half an hour after it was made, or the end of its Seoul day, whichever comes first. */
export function approvalExpiry(createdAt: Date): Date {
  const lapse = createdAt.getTime() + approvalLifetimeMs;
  return new Date(Math.min(lapse, seoulDayBounds(createdAt).end.getTime()));
}

interface ApprovalRow {
  cooperative_id: number;
  id: bigint;
  branch_id: number;
  kind: ApprovalKind;
  maker_teller_id: string;
  idempotency_key: string;
  member_id: bigint;
  account_id: bigint | null;
  amount: bigint;
  request: ApprovalData;
  status: ApprovalStatus;
  checker_teller_id: string | null;
  created_at: Date;
  expires_at: Date;
  decided_at: Date | null;
  transfer_id: bigint | null;
}

/** The status as of `now`: a pending request past its time has expired, written or not. */
const rowColumns = (now: string) => `r.cooperative_id, r.id, r.branch_id, r.kind, r.maker_teller_id,
  r.idempotency_key, r.member_id, r.account_id, r.amount, r.request,
  CASE WHEN r.status = 'pending' AND r.expires_at <= ${now} THEN 'expired' ELSE r.status END AS status,
  r.checker_teller_id, r.created_at, r.expires_at, r.decided_at, r.transfer_id`;

function toRecord(r: ApprovalRow): ApprovalRecord {
  return {
    cooperativeId: r.cooperative_id,
    id: BigInt(r.id),
    branchId: r.branch_id,
    kind: r.kind,
    maker: { cooperativeId: r.cooperative_id, branchId: r.branch_id, tellerId: r.maker_teller_id },
    idempotencyKey: r.idempotency_key,
    memberId: BigInt(r.member_id),
    accountId: r.account_id === null ? null : BigInt(r.account_id),
    amount: BigInt(r.amount),
    request: typeof r.request === "string" ? (JSON.parse(r.request) as ApprovalData) : r.request,
    status: r.status,
    checkerTellerId: r.checker_teller_id,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    decidedAt: r.decided_at,
    transferId: r.transfer_id === null ? null : BigInt(r.transfer_id),
  };
}

/** The maker's request of this kind under their idempotency key, if they made one. */
export async function approvalByKey(
  db: Queryable,
  maker: TellerActor,
  kind: ApprovalKind,
  idempotencyKey: string,
  now: Date,
): Promise<ApprovalRecord | undefined> {
  const { rows } = await db.query<ApprovalRow>(
    `SELECT ${rowColumns("$5")} FROM approval_requests r
     WHERE r.cooperative_id = $1 AND r.maker_teller_id = $2 AND r.kind = $3 AND r.idempotency_key = $4`,
    [maker.cooperativeId, maker.tellerId, kind, idempotencyKey, now],
  );
  return rows[0] && toRecord(rows[0]);
}

/**
 * Records the maker's request, pending, in the caller's transaction; the same key again (a retry
 * racing the first) finds the first.
 */
export async function requestApproval(
  tx: Queryable,
  input: {
    maker: TellerActor;
    kind: ApprovalKind;
    idempotencyKey: string;
    memberId: bigint;
    accountId: bigint | null;
    amount: bigint;
    request: ApprovalData;
    at: Date;
  },
): Promise<ApprovalRecord> {
  const { maker } = input;
  await tx.query(
    `INSERT INTO approval_requests (cooperative_id, branch_id, kind, maker_teller_id, idempotency_key, member_id,
       account_id, amount, request, status, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10, $11)
     ON CONFLICT (cooperative_id, maker_teller_id, kind, idempotency_key) DO NOTHING`,
    [
      maker.cooperativeId,
      maker.branchId,
      input.kind,
      maker.tellerId,
      input.idempotencyKey,
      input.memberId,
      input.accountId,
      input.amount,
      JSON.stringify(input.request),
      input.at,
      approvalExpiry(input.at),
    ],
  );
  const made = await approvalByKey(tx, maker, input.kind, input.idempotencyKey, input.at);
  assert(made, "a request just recorded is found");
  return made;
}

async function isManager(db: Queryable, teller: TellerActor): Promise<boolean> {
  const { rows } = await db.query<{ role: string }>(
    "SELECT role FROM tellers WHERE cooperative_id = $1 AND teller_id = $2",
    [teller.cooperativeId, teller.tellerId],
  );
  return rows[0]?.role === "manager";
}

/** The request, if it is of the teller's cooperative and branch; anyone else's is not found. */
async function findApproval(
  db: Queryable,
  teller: TellerActor,
  id: bigint,
  now: Date,
  lock: boolean,
): Promise<ApprovalRecord> {
  const { rows } = await db.query<ApprovalRow>(
    `SELECT ${rowColumns("$4")} FROM approval_requests r
     WHERE r.cooperative_id = $1 AND r.id = $2 AND r.branch_id = $3 ${lock ? "FOR UPDATE" : ""}`,
    [teller.cooperativeId, id, teller.branchId, now],
  );
  if (!rows[0]) throw new TellerError("approval_not_found");
  return toRecord(rows[0]);
}

/** The console's view of a request: who asked, for whom, what, and what came of it. */
export async function approvalView(db: Queryable, request: ApprovalRecord): Promise<ApprovalView> {
  const { rows } = await db.query<{
    maker_name: string;
    checker_name: string | null;
    member_name: string;
    account: string | null;
  }>(
    `SELECT mk.name AS maker_name, ck.name AS checker_name, m.real_name AS member_name, a.number AS account
     FROM tellers mk
     JOIN members m ON m.cooperative_id = mk.cooperative_id AND m.id = $3
     LEFT JOIN tellers ck ON ck.cooperative_id = mk.cooperative_id AND ck.teller_id = $4
     LEFT JOIN accounts a ON a.cooperative_id = mk.cooperative_id AND a.id = $5
     WHERE mk.cooperative_id = $1 AND mk.teller_id = $2`,
    [
      request.cooperativeId,
      request.maker.tellerId,
      request.memberId,
      request.checkerTellerId,
      request.accountId,
    ],
  );
  const names = rows[0];
  assert(names, "a request's maker and member exist");
  return {
    id: request.id.toString(),
    kind: request.kind,
    status: request.status,
    maker: { tellerId: request.maker.tellerId, name: names.maker_name },
    checker:
      request.checkerTellerId === null || names.checker_name === null
        ? null
        : { tellerId: request.checkerTellerId, name: names.checker_name },
    memberName: names.member_name,
    account: names.account === null ? null : formatAccountNumber(names.account),
    amount: request.amount.toString(),
    request: request.request,
    createdAt: request.createdAt.toISOString(),
    expiresAt: request.expiresAt.toISOString(),
    decidedAt: request.decidedAt?.toISOString() ?? null,
    receipt:
      request.transferId === null
        ? null
        : await receiptOfTransfer(db, request.cooperativeId, request.transferId),
  };
}

/**
 * One request of the teller's branch: the maker polls it for the outcome, a manager looks at it.
 * Not audited: the console asks every two seconds while it waits, and the request, its decision
 * and its payment are each in the audit log already.
 */
export async function getApproval(ctx: DeskContext, id: bigint): Promise<ApprovalView> {
  const db = ctx.bank.db;
  return approvalView(db, await findApproval(db, ctx.teller, id, ctx.bank.clock.now(), false));
}

/** The requests of the manager's branch waiting for a decision, oldest first. */
export async function pendingApprovals(ctx: DeskContext): Promise<ApprovalView[]> {
  if (!(await isManager(ctx.bank.db, ctx.teller))) throw new TellerError("approval_not_manager");
  // The list names members and their accounts: who looked, and at which, is kept.
  return audited(ctx, "teller.approval_list", async (bank, tx) => {
    const { rows } = await tx.query<ApprovalRow>(
      `SELECT ${rowColumns("$3")} FROM approval_requests r
       WHERE r.cooperative_id = $1 AND r.branch_id = $2 AND r.status = 'pending' AND r.expires_at > $3
       ORDER BY r.created_at, r.id LIMIT 100`,
      [ctx.teller.cooperativeId, ctx.teller.branchId, bank.clock.now()],
    );
    const views: ApprovalView[] = [];
    for (const r of rows) views.push(await approvalView(tx, toRecord(r)));
    return { result: views, details: { approvals: views.map((v) => v.id) } };
  });
}

/**
 * A manager's decision on a request of their branch, in one audited transaction with the request
 * locked, so that of two decisions (a double click, two managers) one is taken and the other
 * refused. An approval carries the request out in that transaction: refused, it leaves the
 * request pending.
 */
export async function decideApproval(
  ctx: DeskContext,
  id: bigint,
  decision: "approve" | "reject",
  appliers: ApprovalAppliers,
): Promise<ApprovalView> {
  const { teller } = ctx;
  const now = ctx.bank.clock.now();
  // A lapsed request is written so, for the record, before it is refused.
  await ctx.bank.db.query(
    `UPDATE approval_requests SET status = 'expired'
     WHERE cooperative_id = $1 AND id = $2 AND status = 'pending' AND expires_at <= $3`,
    [teller.cooperativeId, id, now],
  );
  return audited(ctx, `teller.approval_${decision}`, async (bank, tx) => {
    const request = await findApproval(tx, teller, id, now, true);
    if (!(await isManager(tx, teller))) throw new TellerError("approval_not_manager");
    if (request.maker.tellerId === teller.tellerId) throw new TellerError("approval_own_request");
    if (request.status === "expired") throw new TellerError("approval_expired");
    if (request.status !== "pending") throw new TellerError("approval_already_decided");
    let transferId: bigint | null = null;
    let details: AuditDetails = {};
    if (decision === "approve") {
      const apply = appliers[request.kind];
      assert(apply, `requests of kind ${request.kind} can be carried out`);
      ({ transferId, details = {} } = await apply(bank, tx, request, teller));
    }
    await tx.query(
      `UPDATE approval_requests SET status = $3, checker_teller_id = $4, decided_at = $5, transfer_id = $6
       WHERE cooperative_id = $1 AND id = $2`,
      [
        teller.cooperativeId,
        id,
        decision === "approve" ? "approved" : "rejected",
        teller.tellerId,
        now,
        transferId,
      ],
    );
    const decided: ApprovalRecord = {
      ...request,
      status: decision === "approve" ? "approved" : "rejected",
      checkerTellerId: teller.tellerId,
      decidedAt: now,
      transferId,
    };
    return {
      result: await approvalView(tx, decided),
      subject: `approval:${id}`,
      details: {
        ...details,
        kind: request.kind,
        maker: request.maker.tellerId,
        amount: request.amount.toString(),
      },
    };
  });
}
