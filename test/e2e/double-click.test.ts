// A double click on the transfer's send button sends the money once (issue 5, "Bad input"): one
// request leaves the page, the ledger holds one transfer, and both balances move once. At a
// desktop and a phone width.
import { describe, expect, it } from "vitest";
import { demoLogins } from "../../src/demo/seed.ts";
import { e2eForFile, steps, viewportNames } from "./support/harness.ts";
import {
  accountByNumber,
  demandAccountByName,
  demandAccountOf,
  demoOtpCode,
  transfersFrom,
} from "./support/ledger.ts";
import { accountCard, fact, ko, memberLogin, onPage } from "./support/ui.ts";

const e2e = e2eForFile();

const amounts = { desktop: 12_340n, phone: 56_780n };

describe("a double click on send makes one transfer", () => {
  it.each(viewportNames)("at %s width", async (viewport) => {
    const step = steps("double-click", viewport);
    const amount = amounts[viewport];
    const shown = `${amount.toLocaleString("en-US")}원`;
    const from = await demandAccountOf(e2e, demoLogins.member.userId);
    const to = await demandAccountByName(e2e, "김영희");
    const sentBefore = await transfersFrom(e2e, from);

    const page = await (await e2e.context(viewport)).newPage();
    const posted: string[] = [];
    page.on("request", (request) => {
      if (request.method() === "POST" && new URL(request.url()).pathname === "/api/transfers")
        posted.push(request.url());
    });
    await memberLogin(page, demoLogins.member.userId, demoLogins.member.password);
    await accountCard(page, from.number)
      .getByRole("link", { name: new RegExp(`^${ko.home.transfer}`) })
      .click();
    await onPage(page, ko.transfer.title);
    await page.getByLabel(ko.transfer.to, { exact: true }).fill(to.number);
    await page.getByLabel(ko.transfer.amount, { exact: true }).fill(String(amount));
    await page.getByRole("button", { name: ko.transfer.next, exact: true }).click();
    await onPage(page, ko.transfer.confirmTitle);
    await page.getByText(ko.transfer.confirmQuestion("김영희")).waitFor();
    await page.getByLabel(ko.transfer.pin, { exact: true }).fill("1234");
    await page
      .getByLabel(ko.transfer.otp, { exact: true })
      .fill(await demoOtpCode(e2e, demoLogins.member.userId));
    await step(page, "transfer-confirm");

    await page.getByRole("button", { name: ko.transfer.send(shown) }).dblclick();
    await onPage(page, ko.transfer.doneTitle);
    const receipt = page.locator(".receipt");
    expect(await fact(receipt, ko.transfer.balanceAfter)).toBe(
      `${(from.balance - amount).toLocaleString("en-US")}원`,
    );
    await step(page, "transfer-receipt");

    // The page sent one request (shared plan: one request per double click), and the ledger
    // holds one transfer.
    expect(posted).toHaveLength(1);
    const sentAfter = await transfersFrom(e2e, from);
    expect(sentAfter.length).toBe(sentBefore.length + 1);
    expect(sentAfter.at(-1)?.amount).toBe(amount);
    expect((await accountByNumber(e2e, from.number)).balance).toBe(from.balance - amount);
    expect((await accountByNumber(e2e, to.number)).balance).toBe(to.balance + amount);

    // The home page agrees: the money left once.
    await page.getByRole("link", { name: ko.nav.home, exact: true }).last().click();
    await onPage(page, ko.home.title);
    await accountCard(page, from.number)
      .getByText(`${ko.home.balance} ${(from.balance - amount).toLocaleString("en-US")}원`, { exact: true })
      .waitFor();
    await step(page, "home-after-transfer");
    await page.context().close();
  });
});
