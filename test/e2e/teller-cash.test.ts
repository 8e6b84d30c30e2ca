// A teller's day of cash in the console (시재·현금): the drawer opened with a count, a cash deposit
// to the demo member's account (its button double-clicked, its answer lost and the form sent again:
// the money moves once), a withdrawal refused above the drawer and then paid with the ID checked and
// the member's passbook PIN, the close with a count 1,000 won short and the 과부족 shown, a receipt
// found again by its number; then the ledger as the bank holds it.
import { describe, expect, it } from "vitest";
import { demoLogins } from "../../src/demo/seed.ts";
import { bankWords } from "../../src/messages/bank.ts";
import { demoPin } from "./support/certcenter.ts";
import { e2eForFile, steps } from "./support/harness.ts";
import {
  accountByNumber,
  cashTransfers,
  demandAccountOf,
  drawerCash,
  ledgerBalances,
} from "./support/ledger.ts";
import { dashed, fact, ko, shownText, tellerLogin } from "./support/ui.ts";

const e2e = e2eForFile();

const c = ko.teller.cash;

describe("the teller's cash drawer in the console", () => {
  it("opens with a count, takes a deposit and pays a withdrawal once each, and closes with the difference shown", async () => {
    const step = steps("teller-cash", "desktop");
    const page = await (await e2e.context("desktop")).newPage();
    const account = await demandAccountOf(e2e, demoLogins.member.userId);
    const before = account.balance;
    const posted: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST" && new URL(r.url()).pathname.startsWith("/api/teller/cash/"))
        posted.push(r.url());
    });

    await tellerLogin(page);
    await page.getByRole("tab", { name: c.tab }).click();
    const drawer = page.getByRole("region", { name: c.drawerTitle });
    await drawer.getByText(c.noDrawer).waitFor();
    await step(page, "drawer-not-open");

    // Open with 500,000 won counted.
    await drawer.getByLabel(c.count, { exact: true }).fill("500000");
    await drawer.getByRole("button", { name: c.openSubmit, exact: true }).click();
    await drawer.getByText(c.statusOpen, { exact: true }).waitFor();
    expect(await fact(drawer, c.ledgerCash)).toBe("500,000원");
    await step(page, "drawer-open");

    // A deposit of 300,000 won, its button pressed twice; the server does it, but the answer is
    // lost on the way back (the connection drops), so the teller presses again.
    let dropAnswer = true;
    await page.route("**/api/teller/cash/deposits", async (route) => {
      if (!dropAnswer) return route.continue();
      dropAnswer = false;
      await route.fetch();
      await route.abort("connectionreset");
    });
    const deposit = page.getByRole("region", { name: c.depositTitle });
    await deposit.getByLabel(c.account, { exact: true }).fill(dashed(account.number));
    await deposit.getByLabel(c.amount, { exact: true }).fill("300000");
    await deposit.getByLabel(c.depositorName, { exact: true }).fill("홍길순");
    await deposit.getByRole("button", { name: c.depositSubmit, exact: true }).dblclick();
    await deposit.getByRole("alert").waitFor();
    expect(await cashTransfers(e2e, "cash_deposit")).toHaveLength(1);
    // The same submission sent again, under its key: the first receipt, no second deposit.
    await deposit.getByRole("button", { name: c.depositSubmit, exact: true }).click();
    await page.getByText(c.replayed).waitFor();
    const depositSlip = page.getByRole("region", { name: c.receiptTitle("deposit") });
    await depositSlip.waitFor();
    const depositNumber = await fact(depositSlip, c.receiptNumber);
    expect(await fact(depositSlip, c.receiptAmount)).toBe("300,000원");
    expect(await fact(depositSlip, c.account)).toBe(dashed(account.number));
    await expect.poll(() => fact(drawer, c.ledgerCash)).toBe("800,000원");
    await step(page, "deposit-receipt");

    // More than the drawer holds: refused in the bank's words, nothing moved.
    const withdrawal = page.getByRole("region", { name: c.withdrawalTitle });
    await withdrawal.getByLabel(c.account, { exact: true }).fill(dashed(account.number));
    await withdrawal.getByLabel(c.amount, { exact: true }).fill("5000000");
    await withdrawal.getByLabel(c.idDocument, { exact: true }).selectOption("driver_license");
    await withdrawal.getByLabel(c.idChecked, { exact: true }).check();
    await withdrawal.getByLabel(c.pin, { exact: true }).fill(demoPin);
    await withdrawal.getByRole("button", { name: c.withdrawalSubmit, exact: true }).click();
    expect(await shownText(withdrawal.getByRole("alert").first())).toContain(bankWords.cash_insufficient.ko);
    await step(page, "withdrawal-refused");

    // 100,000 won from the same form: a new submission (the refusal moved nothing).
    await withdrawal.getByLabel(c.amount, { exact: true }).fill("100000");
    await withdrawal.getByLabel(c.pin, { exact: true }).fill(demoPin);
    await withdrawal.getByRole("button", { name: c.withdrawalSubmit, exact: true }).click();
    const withdrawalSlip = page.getByRole("region", { name: c.receiptTitle("withdrawal") });
    await withdrawalSlip.waitFor();
    expect(await fact(withdrawalSlip, c.receiptAmount)).toBe("100,000원");
    expect(await fact(withdrawalSlip, c.idDocument)).toBe(c.idDocuments.driver_license);
    await expect.poll(() => fact(drawer, c.ledgerCash)).toBe("700,000원");
    expect(await drawer.getByRole("table", { name: c.linesTitle }).getByRole("row").count()).toBe(4);
    await step(page, "withdrawal-receipt");

    // Close with 699,000 counted: 1,000 won short, shown.
    await drawer.getByLabel(c.count, { exact: true }).fill("699000");
    await drawer.getByRole("button", { name: c.closeSubmit, exact: true }).click();
    await drawer.getByText(c.statusClosed, { exact: true }).waitFor();
    expect(await shownText(drawer.getByTestId("cash-difference"))).toBe(c.differenceText("1,000원", -1));
    await drawer.getByText(c.closedNote).waitFor();
    expect(await drawer.getByRole("button", { name: c.closeSubmit }).count()).toBe(0);
    expect(await page.getByRole("button", { name: c.depositSubmit, exact: true }).count()).toBe(0);
    await step(page, "drawer-closed");

    // The deposit's receipt, found again by its number.
    const reprint = page.getByRole("region", { name: c.reprintTitle });
    await reprint.getByLabel(c.receiptNumber, { exact: true }).fill(depositNumber);
    await reprint.getByRole("button", { name: c.reprintSubmit, exact: true }).click();
    await expect
      .poll(() => fact(page.getByRole("region", { name: c.receiptTitle("deposit") }), c.receiptNumber))
      .toBe(depositNumber);
    await step(page, "receipt-reprint");

    // Open, the deposit twice (the double click sent one, the retry a second), the refused and the
    // paid withdrawal, close.
    expect(posted).toHaveLength(6);
    const deposits = await cashTransfers(e2e, "cash_deposit");
    expect(deposits.map((t) => [t.amount, t.to_account_id])).toEqual([[300_000n, account.id]]);
    const withdrawals = await cashTransfers(e2e, "cash_withdrawal");
    expect(withdrawals.map((t) => [t.amount, t.from_account_id])).toEqual([[100_000n, account.id]]);
    expect((await cashTransfers(e2e, "over_short")).map((t) => t.amount)).toEqual([1_000n]);
    expect((await accountByNumber(e2e, account.number)).balance).toBe(before + 200_000n);
    // After the close the ledger holds what was counted.
    expect(await drawerCash(e2e, demoLogins.teller.tellerId)).toBe(699_000n);
    await ledgerBalances(e2e);
    await page.context().close();
  });
});
