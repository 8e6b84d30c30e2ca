// Transfer limits at the counter in the console (이체한도): the demo member lowered his limits online,
// the teller finds him, sees the lowered limits and the maximums, is stopped above the maximum and
// without the ID check, and raises them with a reason: the daily limit above the cooperative's approval
// amount, so the console waits (책임자 승인 대기) until the manager approves in a browser of their own,
// then shows the new limits; the member then finds both changes in the notification centre, once each.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findUser } from "../../src/auth/users.ts";
import { lowerMemberLimits } from "../../src/bank/member-limits.ts";
import { demoLogins } from "../../src/demo/seed.ts";
import { type E2e, startE2e, steps } from "./support/harness.ts";
import {
  fact,
  findMember,
  ko,
  managerApprovals,
  memberLogin,
  menu,
  shownText,
  tellerLogin,
} from "./support/ui.ts";

let e2e: E2e;
beforeAll(async () => {
  e2e = await startE2e();
});
afterAll(async () => {
  await e2e?.close();
});

const l = ko.teller.limits;
const a = ko.teller.approvals;

describe("transfer limits at the counter", () => {
  it("raises the demo member's lowered limits with the ID checked and a reason, and he is told", async () => {
    const step = steps("teller-limits", "desktop");
    const user = await findUser(e2e.app.db, demoLogins.member.userId);
    if (!user) throw new Error("no demo member");
    const who = { cooperativeId: user.cooperativeId, memberId: user.memberId };
    await lowerMemberLimits(e2e.app.bank, who, { perTransfer: 1_000_000n, perDay: 2_000_000n });

    const page = await (await e2e.context("desktop")).newPage();
    await tellerLogin(page);
    await findMember(page, { name: "홍길동", rrn: "850315-1234567" });
    const panel = page.getByRole("region", { name: l.title });
    await expect.poll(() => fact(panel, l.perTransfer)).toBe("1,000,000원");
    expect(await fact(panel, l.medium)).toBe("OTP");
    expect(await fact(panel, l.perDay)).toBe("2,000,000원");
    expect(await fact(panel, l.maximum)).toBe(l.maximumLine("100,000,000원", "500,000,000원"));
    await step(page, "limits-lowered");

    // Above the maximum, and the ID not checked: both said before anything is sent.
    await panel.getByLabel(l.newPerTransfer, { exact: true }).fill("100000001");
    await panel.getByLabel(l.newPerDay, { exact: true }).fill("200000000");
    await panel.getByRole("button", { name: l.submit, exact: true }).click();
    await panel.getByText(l.aboveMaximum("100,000,000원")).first().waitFor();
    await panel.getByText(l.idProblem).first().waitFor();
    await step(page, "limits-refused");

    await panel.getByLabel(l.newPerTransfer, { exact: true }).fill("50000000");
    await panel.getByLabel(l.reason, { exact: true }).selectOption("business");
    await panel.getByLabel(l.reasonDetail, { exact: true }).fill("거래처 대금 지급");
    await panel.getByLabel(l.idDocument, { exact: true }).selectOption("driver_license");
    await panel.getByLabel(l.idChecked, { exact: true }).check();
    await panel.getByRole("button", { name: l.submit, exact: true }).click();
    // A daily limit above the cooperative's approval amount (50,000,000 won) waits for a manager.
    const waiting = panel.getByRole("region", { name: a.waiting });
    expect(await shownText(waiting.getByRole("status"))).toBe(l.waitingText("50,000,000원", "200,000,000원"));
    expect(await fact(panel, l.perDay)).toBe("2,000,000원");
    await step(page, "limits-waiting");

    const manager = await (await e2e.context("desktop")).newPage();
    const { list, row } = await managerApprovals(manager, "홍길동");
    expect(await shownText(row)).toContain(l.reasons.business);
    await step(manager, "limits-approval-list");
    await row
      .getByRole("button", { name: a.approveLabel(a.kinds.limit_change, "홍길동", "200,000,000원") })
      .click();
    await list.getByText(a.none).waitFor();
    await manager.context().close();

    await panel
      .getByText(l.waitingApproved("최책임", "50,000,000원", "200,000,000원"))
      .waitFor({ timeout: 15_000 });
    await expect.poll(() => fact(panel, l.perTransfer)).toBe("50,000,000원");
    expect(await fact(panel, l.perDay)).toBe("200,000,000원");
    await step(page, "limits-raised");

    // The reason is in the audit log with the request, and again with the manager's approval.
    const audit = await e2e.app.db.query<{ payload: string }>(
      "SELECT payload FROM audit_log WHERE action IN ('teller.approval_request', 'teller.approval_approve') ORDER BY seq",
    );
    expect(audit.rows.map((r) => JSON.parse(r.payload).details.reason)).toEqual([
      `${l.reasons.business}: 거래처 대금 지급`,
      `${l.reasons.business}: 거래처 대금 지급`,
    ]);
    await page.context().close();

    // The member's notification centre: the online lowering and the raise at the branch.
    const member = await (await e2e.context("desktop")).newPage();
    await memberLogin(member, demoLogins.member.userId, demoLogins.member.password);
    await menu(member, ko.nav.notifications);
    const items = member.getByRole("listitem").filter({ hasText: "이체한도 변경" });
    await expect.poll(() => items.count()).toBe(2);
    expect(await shownText(items.first())).toContain(
      "본점 창구에서 OTP 이체한도를 1회 50,000,000원, 1일 200,000,000원으로",
    );
    expect(await shownText(items.nth(1))).toContain(
      "인터넷뱅킹에서 OTP 이체한도를 1회 1,000,000원, 1일 2,000,000원으로",
    );
    await step(member, "member-notified");
    await member.context().close();
  });
});
