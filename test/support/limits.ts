// What the limit tests at the counter share: a raise as the teller types it (OTP: 50,000,000 a
// transfer, 200,000,000 a day, the ID checked, a reason), and the member's limit notifications.
import { listNotifications } from "../../src/bank/notifications.ts";
import type { ChangeLimitsInput } from "../../src/branch/change-limits.ts";
import type { Queryable } from "../../src/db/db.ts";

export function limitRaise(memberId: bigint, more: Partial<ChangeLimitsInput> = {}): ChangeLimitsInput {
  return {
    memberId,
    perTransfer: "50000000",
    perDay: "200000000",
    reason: "사업자금 이체: 회원 요청",
    idCheck: { document: "driver_license", checked: true },
    ...more,
  };
}

/** The member's `limits_changed` notifications, newest first. */
export async function limitNotices(db: Queryable, memberId: bigint) {
  return (await listNotifications(db, { cooperativeId: 1, memberId })).notifications.filter(
    (n) => n.kind === "limits_changed",
  );
}
