// How each kind of approval request is carried out once a manager approves it.
import type { ApprovalAppliers } from "./approvals.ts";
import { payApprovedWithdrawal } from "./cash-withdrawal.ts";
import { approveLimitChange } from "./limit-approval.ts";

export const approvalAppliers: ApprovalAppliers = {
  cash_withdrawal: payApprovedWithdrawal,
  limit_change: approveLimitChange,
};
