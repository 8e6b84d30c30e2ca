// A limit raise at the counter to a daily limit above the cooperative's amount waits for a manager
// (approvals.ts, kind `limit_change`): the `approve` seam of changeLimitsAtBranch records the
// request, ID checked and reason given, and holds; a manager's approval applies it as asked, in the
// approving transaction. A lowered limit, or one within the amount, passes at once.
import type { BankContext } from "../bank/context.ts";
import type { Queryable } from "../db/db.ts";
import {
  type ApprovalApplier,
  type ApprovalView,
  approvalByKey,
  approvalView,
  requestApproval,
} from "./approvals.ts";
import { branchRules, limitChangeNeedsApproval } from "./branch-rules.ts";
import { type IdDocument, idDocuments } from "./cash-receipt.ts";
import {
  applyLimitChange,
  type ChangeLimitsInput,
  changeLimitsAtBranch,
  type LimitApproval,
  type LimitChangeRequest,
  type LimitsAnswer,
} from "./change-limits.ts";
import { audited, type DeskContext } from "./desk.ts";

/** Thrown through the seam to hold the change: nothing was applied; the request waits. */
class LimitChangeHeld extends Error {
  constructor(readonly approval: ApprovalView) {
    super("limit change held for a manager's approval");
  }
}

/**
 * The seam for one request: holds a change that needs a manager, recorded under the maker's
 * idempotency key (the same key again finds the same request and records nothing new).
 */
function holdForManager(ctx: DeskContext, idempotencyKey: string): LimitApproval {
  return async (request: LimitChangeRequest) => {
    const db = ctx.bank.db;
    const earlier = await approvalByKey(db, ctx.teller, "limit_change", idempotencyKey, ctx.bank.clock.now());
    if (earlier) throw new LimitChangeHeld(await approvalView(db, earlier));
    const rules = await branchRules(db, ctx.teller.cooperativeId);
    if (!limitChangeNeedsApproval(rules, request.current.perDay, request.perDay)) return;
    const approval = await audited(ctx, "teller.approval_request", async (bank, tx) => {
      const made = await requestApproval(tx, {
        maker: ctx.teller,
        kind: "limit_change",
        idempotencyKey,
        memberId: request.memberId,
        accountId: null,
        amount: request.perDay,
        request: {
          medium: request.medium,
          perTransfer: request.perTransfer.toString(),
          perDay: request.perDay.toString(),
          currentPerTransfer: request.current.perTransfer.toString(),
          currentPerDay: request.current.perDay.toString(),
          reason: request.reason,
          idDocument: request.idDocument,
        },
        at: bank.clock.now(),
      });
      return {
        result: await approvalView(tx, made),
        subject: `approval:${made.id}`,
        details: {
          kind: "limit_change",
          medium: request.medium,
          perTransfer: request.perTransfer.toString(),
          perDay: request.perDay.toString(),
          // As the applied change's entry has them: the document's kind only, never its number.
          reason: request.reason,
          idDocument: request.idDocument,
        },
      };
    });
    throw new LimitChangeHeld(approval);
  };
}

/** The limit change at the counter: applied now, or `{approval}` when it waits for a manager. */
export async function changeLimitsWithApproval(
  ctx: DeskContext,
  input: ChangeLimitsInput,
  idempotencyKey: string,
): Promise<LimitsAnswer | { approval: ApprovalView }> {
  try {
    return await changeLimitsAtBranch(ctx, input, holdForManager(ctx, idempotencyKey));
  } catch (e) {
    if (e instanceof LimitChangeHeld) return { approval: e.approval };
    throw e;
  }
}

/** A manager approved: the change is applied as the maker asked it, naming the manager. */
export const approveLimitChange: ApprovalApplier = async (
  bank: BankContext,
  tx: Queryable,
  request,
  checker,
) => {
  const r = request.request;
  const asked: LimitChangeRequest = {
    teller: request.maker,
    memberId: request.memberId,
    medium: r.medium === "card" ? "card" : "otp",
    perTransfer: BigInt(r.perTransfer ?? "0"),
    perDay: BigInt(r.perDay ?? "0"),
    current: { perTransfer: BigInt(r.currentPerTransfer ?? "0"), perDay: BigInt(r.currentPerDay ?? "0") },
    reason: r.reason ?? "",
    idDocument: idDocuments.find((d) => d === r.idDocument) ?? ("other" satisfies IdDocument),
  };
  await applyLimitChange(bank, tx, asked, checker.tellerId);
  return {
    transferId: null,
    details: {
      medium: asked.medium,
      perTransfer: asked.perTransfer.toString(),
      perDay: asked.perDay.toString(),
      reason: asked.reason,
    },
  };
};
