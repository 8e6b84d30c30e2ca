// Maker-checker in two consoles at once: the teller (teller01) pays out 11,000,000 won, above the
// cooperative's default approval amount, and the console waits (책임자 승인 대기) with nothing moved;
// the manager (manager01), in a browser of their own, finds it in the 승인 tab and approves it; the
// teller's console then shows the receipt, paid once from the teller's drawer. Axe on each step.
import { describe, expect, it } from "vitest";
import { demoLogins } from "../../src/demo/seed.ts";
import { demoPin } from "./support/certcenter.ts";
import { e2eForFile, steps } from "./support/harness.ts";
import {
  accountByNumber,
  cashDeposit,
  cashTransfers,
  demandAccountOf,
  drawerCash,
  ledgerBalances,
} from "./support/ledger.ts";
import { dashed, fact, ko, managerApprovals, shownText, tellerLogin } from "./support/ui.ts";

const e2e = e2eForFile();

const c = ko.teller.cash;
const a = ko.teller.approvals;

describe("a large withdrawal approved by a manager", () => {
  it("waits in the teller's console until the manager approves in theirs, then shows the receipt", async () => {
    const step = steps("teller-approvals", "desktop");
    const account = await demandAccountOf(e2e, demoLogins.member.userId);
    await cashDeposit(e2e, account.number, 12_000_000n);
    const before = (await accountByNumber(e2e, account.number)).balance;

    const maker = await (await e2e.context("desktop")).newPage();
    await tellerLogin(maker);
    // A plain teller has no approvals tab.
    expect(await maker.getByRole("tab", { name: a.tab }).count()).toBe(0);
    await maker.getByRole("tab", { name: c.tab }).click();
    const drawer = maker.getByRole("region", { name: c.drawerTitle });
    await drawer.getByLabel(c.count, { exact: true }).fill("15000000");
    await drawer.getByRole("button", { name: c.openSubmit, exact: true }).click();
    await drawer.getByText(c.statusOpen, { exact: true }).waitFor();

    const withdrawal = maker.getByRole("region", { name: c.withdrawalTitle });
    await withdrawal.getByLabel(c.account, { exact: true }).fill(dashed(account.number));
    await withdrawal.getByLabel(c.amount, { exact: true }).fill("11000000");
    await withdrawal.getByLabel(c.idChecked, { exact: true }).check();
    await withdrawal.getByLabel(c.pin, { exact: true }).fill(demoPin);
    await withdrawal.getByRole("button", { name: c.withdrawalSubmit, exact: true }).click();
    const waiting = maker.getByRole("region", { name: a.waiting });
    expect(await shownText(waiting.getByRole("status"))).toBe(a.waitingText("11,000,000원"));
    expect(await cashTransfers(e2e, "cash_withdrawal")).toHaveLength(0);
    await step(maker, "waiting-for-approval");

    const manager = await (await e2e.context("desktop")).newPage();
    const { list, row } = await managerApprovals(manager, "홍길동");
    expect(await shownText(row)).toContain("11,000,000원");
    expect(await shownText(row)).toContain(demoLogins.teller.tellerId);
    await step(manager, "approvals-list");
    await row
      .getByRole("button", { name: a.approveLabel(a.kinds.cash_withdrawal, "홍길동", "11,000,000원") })
      .click();
    await list.getByText(a.approved(a.kinds.cash_withdrawal, "11,000,000원")).waitFor();
    await list.getByText(a.none).waitFor();
    await step(manager, "approved");

    // The teller's console sees the decision and prints the receipt.
    const slip = maker.getByRole("region", { name: c.receiptTitle("withdrawal") });
    await slip.waitFor({ timeout: 15_000 });
    expect(await fact(slip, c.receiptAmount)).toBe("11,000,000원");
    expect(await fact(slip, c.tellerId)).toBe(demoLogins.teller.tellerId);
    await expect.poll(() => fact(drawer, c.ledgerCash)).toBe("4,000,000원");
    await step(maker, "receipt-after-approval");

    const paid = await cashTransfers(e2e, "cash_withdrawal");
    expect(paid.map((t) => [t.amount, t.from_account_id])).toEqual([[11_000_000n, account.id]]);
    expect((await accountByNumber(e2e, account.number)).balance).toBe(before - 11_000_000n);
    expect(await drawerCash(e2e, demoLogins.teller.tellerId)).toBe(4_000_000n);
    await ledgerBalances(e2e);
    await maker.context().close();
    await manager.context().close();
  });
});
