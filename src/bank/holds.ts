// Holds: money reserved on an account (the universal-certificate fee while the certificate is being
// issued, say), then captured into a transfer or released. A hold lowers what can be spent at
// once; the balance moves only at capture.
import type { Queryable } from "../db/db.ts";
import type { BankContext } from "./context.ts";
import { BankError } from "./errors.ts";
import type { AccountRef, TransferResult } from "./transfer.ts";
import { postTransfer } from "./transfer.ts";

export interface Hold {
  cooperativeId: number;
  id: bigint;
  accountId: bigint;
  amount: bigint;
  status: "active" | "captured" | "released";
  reason: string;
  expiresAt: Date;
}

interface HoldRow {
  cooperative_id: number;
  id: bigint;
  account_id: bigint;
  amount: bigint;
  status: Hold["status"];
  reason: string;
  expires_at: Date;
}

const holdColumns = "cooperative_id, id, account_id, amount, status, reason, expires_at";

function toHold(r: HoldRow): Hold {
  return {
    cooperativeId: r.cooperative_id,
    id: r.id,
    accountId: r.account_id,
    amount: r.amount,
    status: r.status,
    reason: r.reason,
    expiresAt: r.expires_at,
  };
}

export interface HoldRequest {
  account: AccountRef;
  amount: bigint;
  reason: string;
  idempotencyKey: string;
  expiresAt: Date;
}

/** Reserves `amount`; a repeat with the same key returns the first hold. */
export async function placeHold(ctx: BankContext, options: HoldRequest): Promise<Hold> {
  if (options.amount <= 0n) throw new BankError("amount_must_be_positive");
  return ctx.db.transaction((tx) => placeHoldIn(ctx, tx, options));
}

/**
 * placeHold in the caller's transaction: for a caller that records what the hold is for in the
 * same commit (the certificate centre's fee), so that neither exists without the other.
 */
export async function placeHoldIn(ctx: BankContext, tx: Queryable, options: HoldRequest): Promise<Hold> {
  if (options.amount <= 0n) throw new BankError("amount_must_be_positive");
  const seen = await tx.query<HoldRow>(
    `SELECT ${holdColumns} FROM holds WHERE cooperative_id = $1 AND idempotency_key = $2`,
    [options.account.cooperativeId, options.idempotencyKey],
  );
  if (seen.rows[0]) {
    const h = seen.rows[0];
    if (h.account_id !== options.account.accountId || h.amount !== options.amount) {
      throw new BankError("idempotency_key_reused");
    }
    return toHold(h);
  }
  const { rows } = await tx.query<{
    status: string;
    balance: bigint;
    held: bigint;
    overdraft_limit: bigint;
  }>(
    "SELECT status, balance, held, overdraft_limit FROM accounts WHERE cooperative_id = $1 AND id = $2 FOR NO KEY UPDATE",
    [options.account.cooperativeId, options.account.accountId],
  );
  const a = rows[0];
  if (!a) throw new BankError("account_not_found");
  if (a.status !== "active") throw new BankError("account_not_active");
  if (a.balance - a.held + a.overdraft_limit < options.amount) throw new BankError("insufficient_funds");
  await tx.query("UPDATE accounts SET held = held + $3 WHERE cooperative_id = $1 AND id = $2", [
    options.account.cooperativeId,
    options.account.accountId,
    options.amount,
  ]);
  const { rows: created } = await tx.query<HoldRow>(
    `INSERT INTO holds (cooperative_id, account_id, amount, reason, idempotency_key, expires_at, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${holdColumns}`,
    [
      options.account.cooperativeId,
      options.account.accountId,
      options.amount,
      options.reason,
      options.idempotencyKey,
      options.expiresAt,
      ctx.clock.now(),
    ],
  );
  return toHold(created[0]!);
}

async function lockHold(tx: Queryable, cooperativeId: number, holdId: bigint): Promise<HoldRow> {
  // The account first, then the hold: the same order as every other path that touches both.
  const { rows: found } = await tx.query<{ account_id: bigint }>(
    "SELECT account_id FROM holds WHERE cooperative_id = $1 AND id = $2",
    [cooperativeId, holdId],
  );
  if (!found[0]) throw new BankError("hold_not_found");
  await tx.query("SELECT 1 FROM accounts WHERE cooperative_id = $1 AND id = $2 FOR NO KEY UPDATE", [
    cooperativeId,
    found[0].account_id,
  ]);
  const { rows } = await tx.query<HoldRow>(
    `SELECT ${holdColumns} FROM holds WHERE cooperative_id = $1 AND id = $2 FOR NO KEY UPDATE`,
    [cooperativeId, holdId],
  );
  return rows[0]!;
}

/**
 * Turns an active hold into a transfer to `to` (the cooperative's fee account, for a fee).
 * Capturing a captured hold again returns its transfer; a released one cannot be captured.
 */
export interface CaptureRequest {
  cooperativeId: number;
  holdId: bigint;
  to: AccountRef;
  memoTo?: string;
  memoFrom?: string;
}

export async function captureHold(ctx: BankContext, options: CaptureRequest): Promise<TransferResult> {
  return ctx.db.transaction((tx) => captureHoldIn(ctx, tx, options));
}

/**
 * captureHold in the caller's transaction: the certificate centre captures a fee in the
 * transaction that confirms the certificate it pays for, so that one never commits without the other.
 */
export async function captureHoldIn(
  ctx: BankContext,
  tx: Queryable,
  options: CaptureRequest,
): Promise<TransferResult> {
  const h = await lockHold(tx, options.cooperativeId, options.holdId);
  if (h.status === "released") throw new BankError("hold_not_active");
  if (h.status === "active") {
    await tx.query("UPDATE accounts SET held = held - $3 WHERE cooperative_id = $1 AND id = $2", [
      h.cooperative_id,
      h.account_id,
      h.amount,
    ]);
  }
  const result = await postTransfer(ctx, tx, {
    idempotencyKey: `hold:${h.id}`,
    actor: { kind: "system" },
    kind: "hold_capture",
    from: { cooperativeId: h.cooperative_id, accountId: h.account_id },
    to: options.to,
    amount: h.amount,
    ...(options.memoTo !== undefined ? { memoTo: options.memoTo } : {}),
    ...(options.memoFrom !== undefined ? { memoFrom: options.memoFrom } : {}),
  });
  await tx.query(
    `UPDATE holds SET status = 'captured', settled_at = $3, transfer_cooperative_id = $4, transfer_id = $5
     WHERE cooperative_id = $1 AND id = $2 AND status = 'active'`,
    [h.cooperative_id, h.id, ctx.clock.now(), result.transfer.cooperativeId, result.transfer.id],
  );
  return result;
}

/** Gives the reserved money back. Releasing a released hold again does nothing. */
export async function releaseHold(
  ctx: BankContext,
  options: { cooperativeId: number; holdId: bigint },
): Promise<Hold> {
  return ctx.db.transaction((tx) => releaseHoldIn(ctx, tx, options));
}

/** releaseHold in the caller's transaction. */
export async function releaseHoldIn(
  ctx: BankContext,
  tx: Queryable,
  options: { cooperativeId: number; holdId: bigint },
): Promise<Hold> {
  const h = await lockHold(tx, options.cooperativeId, options.holdId);
  if (h.status === "captured") throw new BankError("hold_not_active");
  if (h.status === "active") {
    await tx.query("UPDATE accounts SET held = held - $3 WHERE cooperative_id = $1 AND id = $2", [
      h.cooperative_id,
      h.account_id,
      h.amount,
    ]);
    await tx.query(
      "UPDATE holds SET status = 'released', settled_at = $3 WHERE cooperative_id = $1 AND id = $2",
      [h.cooperative_id, h.id, ctx.clock.now()],
    );
  }
  return { ...toHold(h), status: "released" };
}

/** Releases every active hold past its expiry; returns how many. Run by the scheduler. */
export async function releaseExpiredHolds(ctx: BankContext): Promise<number> {
  const { rows } = await ctx.db.query<{ cooperative_id: number; id: bigint }>(
    "SELECT cooperative_id, id FROM holds WHERE status = 'active' AND expires_at <= $1 ORDER BY cooperative_id, id LIMIT 1000",
    [ctx.clock.now()],
  );
  for (const r of rows) await releaseHold(ctx, { cooperativeId: r.cooperative_id, holdId: r.id });
  return rows.length;
}
