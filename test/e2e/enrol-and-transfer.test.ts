// Issue 5's member journey end to end, at a desktop and a phone width: a teller enrols a new member
// (member, account, internet banking, OTP device), the member registers online with a password of
// their own, sees the account, transfers with OTP to another member (whose name is shown first),
// gets a receipt and sees it in the history (and the limits, notifications and my-information
// pages); the recipient sees the money arrive.
import { describe, expect, it } from "vitest";
import { demoLogins } from "../../src/demo/seed.ts";
import { e2eForFile, steps, viewportNames } from "./support/harness.ts";
import { accountByNumber, cashDeposit, demandAccountOf, otpCodeNow } from "./support/ledger.ts";
import {
  accountCard,
  enrol,
  fact,
  fillRegistration,
  ko,
  memberLogin,
  menu,
  onPage,
  openAccount,
  registerMember,
  registerOtpDevice,
  shownText,
  submitLogin,
  submitRegistration,
  tellerLogin,
} from "./support/ui.ts";

const e2e = e2eForFile();

const people = {
  desktop: { name: "김하늘", rrn: "950412-2345671", userId: "haneul95", phone: "010-4821-7733" },
  phone: { name: "박서준", rrn: "880927-1456782", userId: "seojun88", phone: "010-5932-8844" },
};

describe("a new member, enrolled at the counter, registers online and transfers with OTP", () => {
  it.each(viewportNames)("at %s width", async (viewport) => {
    const step = steps("enrol-and-transfer", viewport);
    const person = { ...people[viewport], address: "서울특별시 마포구 월드컵로 10" };
    const password = "Sky!blue2026";
    const hongAccount = await demandAccountOf(e2e, demoLogins.member.userId);
    const hongBefore = hongAccount.balance;

    // The counter: the teller registers the member, opens an account, enrols, hands out an OTP.
    const teller = await (await e2e.context(viewport)).newPage();
    await tellerLogin(teller, step);
    await step(teller, "counter");
    await registerMember(teller, person, step);
    await step(teller, "member-created");
    const number = await openAccount(teller, "3719");
    await step(teller, "account-opened");
    const { temporaryPassword, slip } = await enrol(teller, person.userId);
    expect(temporaryPassword).toMatch(/^\S{8,20}$/);
    expect(await fact(slip, ko.teller.deadline)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await step(teller, "enrolment-slip");
    const otpSecret = await registerOtpDevice(teller);
    expect(otpSecret).toMatch(/^[A-Z2-7]{32}$/);
    await step(teller, "otp-slip");
    await teller.context().close();

    // At home: the first login with the temporary password leads to the online registration.
    const page = await (await e2e.context(viewport)).newPage();
    await page.goto("/");
    await onPage(page, ko.login.title);
    await step(page, "member-login");
    await submitLogin(page, person.userId, temporaryPassword);
    await fillRegistration(page, temporaryPassword, password);
    await step(page, "online-registration");
    await submitRegistration(page);
    await page.getByText(ko.home.hello(person.name)).waitFor();
    await page.getByText(ko.home.firstLogin).waitFor();
    const card = accountCard(page, number);
    await card.getByText(`${ko.home.balance} 0원`, { exact: true }).waitFor();
    await step(page, "home-empty-account");

    // The member pays cash in at the branch; the home page shows it after a reload.
    await cashDeposit(e2e, number, 300_000n);
    await page.reload();
    await onPage(page, ko.home.title);
    await card.getByText(`${ko.home.balance} 300,000원`, { exact: true }).waitFor();
    await step(page, "home-after-deposit");

    // The transfer: details, the recipient's name to confirm, PIN and OTP, the receipt.
    await card.getByRole("link", { name: new RegExp(`^${ko.home.transfer}`) }).click();
    await onPage(page, ko.transfer.title);
    await page.getByText(ko.transfer.availableNow("300,000원")).waitFor();
    await page.getByLabel(ko.transfer.to, { exact: true }).fill(hongAccount.number);
    await page.getByLabel(ko.transfer.amount, { exact: true }).fill("50000");
    expect(await page.getByLabel(ko.transfer.amount, { exact: true }).inputValue()).toBe("50,000");
    await page.getByText(`${ko.transfer.unitsLabel} 5만원`, { exact: true }).waitFor();
    await page.getByLabel(ko.transfer.memoOptional, { exact: true }).fill("생일 축하");
    await step(page, "transfer-details");
    await page.getByRole("button", { name: ko.transfer.next, exact: true }).click();

    await onPage(page, ko.transfer.confirmTitle);
    await page.getByText(ko.transfer.confirmQuestion("홍길동")).waitFor();
    const confirm = page.getByRole("region", { name: ko.transfer.confirmQuestion("홍길동") });
    expect(await shownText(confirm)).toContain("한빛새마을금고");
    expect(await shownText(confirm)).toContain("50,000원");
    expect(await shownText(confirm)).toContain("5만원");
    await page.getByLabel(ko.transfer.pin, { exact: true }).fill("3719");
    await page.getByLabel(ko.transfer.otp, { exact: true }).fill(otpCodeNow(e2e, otpSecret));
    await step(page, "transfer-confirm");
    await page.getByRole("button", { name: ko.transfer.send("50,000원") }).click();

    await onPage(page, ko.transfer.doneTitle);
    await page.getByText(ko.transfer.doneLead("홍길동")).waitFor();
    const receipt = page.locator(".receipt");
    expect(await fact(receipt, ko.transfer.amount)).toBe("50,000원 (5만원)");
    expect(await fact(receipt, ko.transfer.balanceAfter)).toBe("250,000원");
    expect(await fact(receipt, ko.transfer.to)).toContain("(홍길동)");
    await step(page, "transfer-receipt");

    // The history: the cash in and the transfer out, newest first, with the balance after each.
    await menu(page, ko.nav.home);
    await card.getByText(`${ko.home.balance} 250,000원`, { exact: true }).waitFor();
    await card.getByRole("link", { name: new RegExp(`^${ko.home.history}`) }).click();
    await onPage(page, ko.history.title);
    const entries = page.getByRole("region", { name: ko.history.entries }).getByRole("listitem");
    await entries.nth(1).waitFor();
    expect(await entries.count()).toBe(2);
    const [sent, cash] = [await shownText(entries.nth(0)), await shownText(entries.nth(1))];
    expect(sent).toContain(`${ko.history.out} 50,000원`);
    expect(sent).toContain(`${ko.history.balanceAfter} 250,000원`);
    expect(cash).toContain(`${ko.history.in} 300,000원`);
    expect(cash).toContain(`${ko.history.balanceAfter} 300,000원`);
    await step(page, "history");

    // The member's other pages: limits (today's use counted), notifications, my information.
    await menu(page, ko.nav.limits);
    expect(await fact(page.getByRole("main"), ko.limits.usedToday)).toBe("50,000원");
    await step(page, "limits");
    await menu(page, ko.nav.notifications);
    await page.getByRole("main").getByText("홍길동", { exact: false }).first().waitFor();
    await step(page, "notifications");
    await menu(page, ko.nav.me);
    expect(await fact(page.getByRole("main"), ko.me.userId)).toBe(person.userId);
    expect(await fact(page.getByRole("main"), ko.me.rrn)).toBe(`${person.rrn.slice(0, 8)}******`);
    await step(page, "my-info");
    await page.context().close();

    // The ledger moved the money once, and 홍길동 sees it arrive, with the memo Kim wrote.
    expect((await accountByNumber(e2e, number)).balance).toBe(250_000n);
    expect((await accountByNumber(e2e, hongAccount.number)).balance).toBe(hongBefore + 50_000n);
    const hong = await (await e2e.context(viewport)).newPage();
    await memberLogin(hong, demoLogins.member.userId, demoLogins.member.password);
    await accountCard(hong, hongAccount.number)
      .getByRole("link", { name: new RegExp(`^${ko.home.history}`) })
      .click();
    await onPage(hong, ko.history.title);
    const newest = hong.getByRole("region", { name: ko.history.entries }).getByRole("listitem").first();
    await newest.waitFor();
    expect(await shownText(newest)).toContain("생일 축하");
    expect(await shownText(newest)).toContain(`${ko.history.in} 50,000원`);
    await step(hong, "recipient-history");
    await hong.context().close();
  });
});
