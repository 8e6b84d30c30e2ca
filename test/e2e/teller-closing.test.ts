// Closing an account at the counter in the console: the demo member's second account (a savings
// account with 80,000 won on it) closed with the balance paid in cash from the teller's drawer, the
// ID checked and the member's passbook PIN typed, the receipt shown; then the ledger as the bank
// holds it: the account closed and empty, the drawer 80,000 won lighter, every invariant kept.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listMemberAccounts } from "../../src/bank/accounts.ts";
import { demoLogins } from "../../src/demo/seed.ts";
import { demoPin } from "./support/certcenter.ts";
import { type E2e, startE2e, steps } from "./support/harness.ts";
import { cashDeposit, demandAccountOf, drawerCash, ledgerBalances } from "./support/ledger.ts";
import { action, dashed, fact, findMember, ko, tellerLogin } from "./support/ui.ts";

let e2e: E2e;
beforeAll(async () => {
  e2e = await startE2e();
});
afterAll(async () => {
  await e2e?.close();
});

const c = ko.teller.closing;
const cash = ko.teller.cash;

describe("closing an account at the counter", () => {
  it("closes the demo member's savings account, paying its balance in cash with a receipt", async () => {
    const step = steps("teller-closing", "desktop");
    const page = await (await e2e.context("desktop")).newPage();
    const demand = await demandAccountOf(e2e, demoLogins.member.userId);
    const accounts = await listMemberAccounts(e2e.app.db, 1, demand.memberId!);
    const savings = accounts.find((a) => a.kind === "savings")!;
    await cashDeposit(e2e, savings.number, 80_000n);

    await tellerLogin(page);
    await page.getByRole("tab", { name: cash.tab }).click();
    const drawer = page.getByRole("region", { name: cash.drawerTitle });
    await drawer.getByLabel(cash.count, { exact: true }).fill("500000");
    await drawer.getByRole("button", { name: cash.openSubmit, exact: true }).click();
    await drawer.getByText(cash.statusOpen, { exact: true }).waitFor();

    await findMember(page, { name: "홍길동", rrn: "8503151234567" });
    const panel = await action(page, ko.teller.actions.close);
    await panel.getByLabel(c.account, { exact: true }).selectOption(dashed(savings.number));
    expect(await fact(panel, c.balance)).toBe("80,000원");
    await panel.getByLabel(cash.idDocument, { exact: true }).selectOption("passport");
    await panel.getByLabel(cash.idChecked, { exact: true }).check();
    await panel.getByLabel(cash.pin, { exact: true }).fill(demoPin);
    await panel.getByLabel(c.confirm, { exact: true }).check();
    await step(page, "closing-form");

    await panel.getByRole("button", { name: c.submit, exact: true }).click();
    const slip = page.getByRole("region", { name: cash.receiptTitle("closing") });
    await slip.waitFor();
    expect(await fact(slip, cash.receiptAmount)).toBe("80,000원");
    expect(await fact(slip, cash.balanceAfter)).toBe("0원");
    expect(await fact(slip, cash.idDocument)).toBe(cash.idDocuments.passport);
    await panel.getByText(c.done(dashed(savings.number))).waitFor();
    await step(page, "closing-receipt");

    const after = (await listMemberAccounts(e2e.app.db, 1, demand.memberId!)).find(
      (a) => a.id === savings.id,
    )!;
    expect(after).toMatchObject({ status: "closed", balance: 0n });
    expect(await drawerCash(e2e, demoLogins.teller.tellerId)).toBe(420_000n);
    await ledgerBalances(e2e);
    await page.context().close();
  });
});
