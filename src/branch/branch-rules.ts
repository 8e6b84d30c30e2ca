// A cooperative's maker-checker amounts: above them a cash withdrawal, or a limit raise, waits for a
// manager's approval (src/branch/approvals.ts). Set by the operator (`geumgo teller rules`); a
// cooperative that never set them has the defaults below.
import type { Queryable } from "../db/db.ts";

export interface BranchRules {
  /** A cash withdrawal above this many won waits for a manager. */
  withdrawalApprovalAbove: bigint;
  /** A raise to a daily limit above this many won waits for a manager. */
  limitApprovalAbove: bigint;
}

export const defaultBranchRules: BranchRules = {
  withdrawalApprovalAbove: 10_000_000n,
  limitApprovalAbove: 50_000_000n,
};

export async function branchRules(db: Queryable, cooperativeId: number): Promise<BranchRules> {
  const { rows } = await db.query<{ withdrawal_approval_above: bigint; limit_approval_above: bigint }>(
    "SELECT withdrawal_approval_above, limit_approval_above FROM branch_rules WHERE cooperative_id = $1",
    [cooperativeId],
  );
  const r = rows[0];
  if (!r) return defaultBranchRules;
  return {
    withdrawalApprovalAbove: BigInt(r.withdrawal_approval_above),
    limitApprovalAbove: BigInt(r.limit_approval_above),
  };
}

/** Sets what is given and keeps the rest (the defaults for a cooperative that had no row). */
export async function setBranchRules(
  db: Queryable,
  cooperativeId: number,
  change: Partial<BranchRules>,
  at: Date,
): Promise<BranchRules> {
  const now = await branchRules(db, cooperativeId);
  const next = { ...now, ...change };
  await db.query(
    `INSERT INTO branch_rules (cooperative_id, withdrawal_approval_above, limit_approval_above, updated_at)
     VALUES ($1, $2, $3, $4)
     ON CONFLICT (cooperative_id) DO UPDATE SET withdrawal_approval_above = $2, limit_approval_above = $3, updated_at = $4`,
    [cooperativeId, next.withdrawalApprovalAbove, next.limitApprovalAbove, at],
  );
  return next;
}

/** A withdrawal of this amount waits for a manager. */
export function withdrawalNeedsApproval(rules: BranchRules, amount: bigint): boolean {
  return amount > rules.withdrawalApprovalAbove;
}

/** A limit change waits for a manager when it raises the daily limit to above the amount. */
export function limitChangeNeedsApproval(
  rules: BranchRules,
  currentPerDay: bigint,
  newPerDay: bigint,
): boolean {
  return newPerDay > currentPerDay && newPerDay > rules.limitApprovalAbove;
}
