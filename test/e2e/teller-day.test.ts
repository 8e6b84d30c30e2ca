// A day at the counter, on one server at desktop width, in the real console (the teller's, and a
// manager's in a browser of their own) and the real member site: the drawer opened with a count, a
// new member registered (account, internet banking, OTP), a cash deposit to them, the member online
// (their own password, the deposit seen, part of it sent with OTP), a savings account opened and paid
// into, a withdrawal with the ID checked and the passbook PIN, the member's limits lowered online and
// raised at the counter above the approval amount (held, approved by the manager, notified), the
// address changed with the ID checked (notified, masked), the savings account closed in cash, the
// member's internet banking ended (their session gone, their password refused), the day's transactions, and the drawer closed 5,000 won short with the 과부족 posted. The console's
// refusals before sending (above the maximum, the ID box unticked, the name without its document, the
// closing without ID, PIN or warning) are checked on the way. Each named step ends on a screen that is
// axe clean and is photographed: the pictures of docs/teller-guide.md, test-results/e2e/teller-guide/<lang>/.
import { mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { memberLimits } from "../../src/bank/member-limits.ts";
import { demoLogins } from "../../src/demo/seed.ts";
import { en } from "../../web/src/i18n/en.ts";
import { ko, type Messages } from "../../web/src/i18n/ko.ts";
import { formatWon } from "../../web/src/lib/won.ts";
import { axeViolations, cspViolationsOf, type E2e, e2ePerTest, settled } from "./support/harness.ts";
import {
  accountByNumber,
  cashTransfers,
  demandAccountOf,
  drawerCash,
  ledgerBalances,
  otpCodeNow,
} from "./support/ledger.ts";
import type { Lang } from "./support/teller-guide.ts";
import { tellerGuidePictures } from "./support/teller-guide.ts";
import {
  accountCard,
  action,
  dashed,
  enrol,
  fact,
  fillRegistration,
  findMember,
  onPage,
  openAccount,
  registerMember,
  registerOtpDevice,
  shownText,
  submitLogin,
  submitRegistration,
} from "./support/ui.ts";

const words: Record<Lang, Messages> = { ko, en };
/** The demo seed's manager (manager01), by the name the console shows in either language. */
const managerName = "최책임";

const root = resolve(import.meta.dirname, "../..");
const out = join(root, "test-results/e2e/teller-guide");

/** What the steps share: the two browsers, the words, and what the day has made so far. */
interface Day {
  e2e: E2e;
  lang: Lang;
  t: Messages;
  won(amount: bigint): string;
  teller: Page;
  member: Page;
  manager: Page;
  person: { name: string; rrn: string; phone: string; address: string; userId: string; pin: string };
  password: string;
  hongNumber: string;
  newAddress: string;
  number: string;
  /** The savings account opened when the member comes back, and closed later in the day. */
  savings: string;
  temporaryPassword: string;
  otpSecret: string;
  depositReceipt: string;
}

/**
 * One step of the day: what is done, on whose screen (the teller's console or the member's site),
 * ending on the screen its picture `<lang>/<name>.png` shows. A new counter task is one more entry.
 */
interface DayStep {
  name: string;
  on: "teller" | "member" | "manager";
  run(day: Day): Promise<void>;
}

/** Turns the page to `lang` by its own switch, as a person would (the choice is kept for the browser). */
async function speak(page: Page, lang: Lang): Promise<void> {
  await page.locator("h1").first().waitFor();
  const shown = (await page.evaluate(() => document.documentElement.lang)) as Lang;
  if (shown !== lang) await page.getByRole("button", { name: words[shown].common.switchLanguage }).click();
  await page.waitForFunction((l) => document.documentElement.lang === l, lang);
}

const drawerOf = (d: Day) => d.teller.getByRole("region", { name: d.t.teller.cash.drawerTitle });

/** Counts the console's POSTs to paths ending in `tail` from now on: a refusal on screen sent nothing. */
function postsTo(page: Page, tail: string): () => number {
  let n = 0;
  page.on("request", (r) => {
    if (r.method() === "POST" && new URL(r.url()).pathname.endsWith(tail)) n++;
  });
  return () => n;
}

/** Back from a member's page to the counter's tabs, and to the cash desk. */
async function toCashDesk(d: Day): Promise<void> {
  const next = d.teller.getByRole("button", { name: d.t.teller.nextCustomer, exact: true });
  if (await next.count()) await next.click();
  await d.teller.getByRole("tab", { name: d.t.teller.cash.tab }).click();
  await drawerOf(d).waitFor();
}

/** The cash desk's deposit or withdrawal form (by its title), for an account (the new member's first) and `amount`. */
async function cashForm(d: Day, title: string, amount: string, number = d.number): Promise<Locator> {
  await toCashDesk(d);
  const form = d.teller.getByRole("region", { name: title });
  await form.getByLabel(d.t.teller.cash.account, { exact: true }).fill(dashed(number));
  const field = form.getByLabel(d.t.teller.cash.amount, { exact: true });
  await field.fill(amount);
  // The amount read back under the field, in the console's language (KRW in English).
  const hint = await field.getAttribute("aria-describedby");
  expect(await shownText(form.locator(`[id="${hint?.split(" ")[0]}"]`))).toBe(d.won(BigInt(amount)));
  return form;
}

const walk: DayStep[] = [
  {
    name: "teller-login",
    on: "teller",
    async run(d) {
      await d.teller.goto("/teller");
      await speak(d.teller, d.lang);
      await onPage(d.teller, d.t.teller.loginTitle);
      await d.teller.getByLabel(d.t.teller.tellerId, { exact: true }).fill(demoLogins.teller.tellerId);
      await d.teller.getByLabel(d.t.login.password, { exact: true }).fill(demoLogins.teller.password);
    },
  },
  {
    // 1,000,000 won counted into the empty drawer.
    name: "drawer-open",
    on: "teller",
    async run(d) {
      const c = d.t.teller.cash;
      await d.teller.getByRole("button", { name: d.t.login.submit, exact: true }).click();
      await onPage(d.teller, d.t.teller.counterTitle);
      await toCashDesk(d);
      await drawerOf(d).getByText(c.noDrawer).waitFor();
      await drawerOf(d).getByLabel(c.count, { exact: true }).fill("1000000");
      await drawerOf(d).getByRole("button", { name: c.openSubmit, exact: true }).click();
      await drawerOf(d).getByText(c.statusOpen, { exact: true }).waitFor();
      expect(await fact(drawerOf(d), c.ledgerCash)).toBe(d.won(1_000_000n));
    },
  },
  {
    name: "member-registered",
    on: "teller",
    async run(d) {
      await registerMember(d.teller, d.person, undefined, d.t);
    },
  },
  {
    name: "account-opened",
    on: "teller",
    async run(d) {
      d.number = await openAccount(d.teller, d.person.pin, d.t);
    },
  },
  {
    name: "enrolment-slip",
    on: "teller",
    async run(d) {
      const { temporaryPassword, slip } = await enrol(d.teller, d.person.userId, d.t);
      expect(temporaryPassword).toMatch(/^\S{8,20}$/);
      expect(await fact(slip, d.t.teller.deadline)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      d.temporaryPassword = temporaryPassword;
    },
  },
  {
    name: "otp-slip",
    on: "teller",
    async run(d) {
      d.otpSecret = await registerOtpDevice(d.teller, d.t);
      expect(d.otpSecret).toMatch(/^[A-Z2-7]{32}$/);
    },
  },
  {
    // The new member pays 500,000 won in.
    name: "cash-deposit",
    on: "teller",
    async run(d) {
      const c = d.t.teller.cash;
      const form = await cashForm(d, c.depositTitle, "500000");
      await form.getByRole("button", { name: c.depositSubmit, exact: true }).click();
      const receipt = d.teller.getByRole("region", { name: c.receiptTitle("deposit") });
      await receipt.waitFor();
      expect(await fact(receipt, c.receiptAmount)).toBe(d.won(500_000n));
      expect(await fact(receipt, c.holder)).toBe(d.person.name);
      expect(await fact(receipt, c.balanceAfter)).toBe(d.won(500_000n));
      d.depositReceipt = await fact(receipt, c.receiptNumber);
      await expect.poll(() => fact(drawerOf(d), c.ledgerCash)).toBe(d.won(1_500_000n));
    },
  },
  {
    // At home: the first login with the temporary password leads to the online registration.
    name: "member-registration",
    on: "member",
    async run(d) {
      await d.member.goto("/login");
      await speak(d.member, d.lang);
      await submitLogin(d.member, d.person.userId, d.temporaryPassword, d.t);
      await fillRegistration(d.member, d.temporaryPassword, d.password, d.t);
    },
  },
  {
    name: "member-sees-deposit",
    on: "member",
    async run(d) {
      await submitRegistration(d.member, d.t);
      await d.member.getByText(d.t.home.hello(d.person.name)).waitFor();
      await accountCard(d.member, d.number)
        .getByText(`${d.t.home.balance} ${d.won(500_000n)}`, { exact: true })
        .waitFor();
    },
  },
  {
    // 120,000 won to the demo member 홍길동, the name confirmed, with the PIN and an OTP code.
    name: "member-transfer-confirm",
    on: "member",
    async run(d) {
      const tr = d.t.transfer;
      await accountCard(d.member, d.number)
        .getByRole("link", { name: new RegExp(`^${d.t.home.transfer}`) })
        .click();
      await onPage(d.member, tr.title);
      await d.member.getByText(tr.availableNow(d.won(500_000n))).waitFor();
      await d.member.getByLabel(tr.to, { exact: true }).fill(d.hongNumber);
      await d.member.getByLabel(tr.amount, { exact: true }).fill("120000");
      await d.member.getByRole("button", { name: tr.next, exact: true }).click();
      await onPage(d.member, tr.confirmTitle);
      await d.member.getByText(tr.confirmQuestion("홍길동")).waitFor();
      await d.member.getByLabel(tr.pin, { exact: true }).fill(d.person.pin);
      await d.member.getByLabel(tr.otp, { exact: true }).fill(otpCodeNow(d.e2e, d.otpSecret));
    },
  },
  {
    name: "member-transfer-receipt",
    on: "member",
    async run(d) {
      const tr = d.t.transfer;
      await d.member.getByRole("button", { name: tr.send(d.won(120_000n)) }).click();
      await onPage(d.member, tr.doneTitle);
      const receipt = d.member.locator(".receipt");
      expect(await fact(receipt, tr.amount)).toContain(d.won(120_000n));
      expect(await fact(receipt, tr.balanceAfter)).toBe(d.won(380_000n));
    },
  },
  {
    // Back at the counter the member opens a savings account and asks for cash: found first.
    name: "member-found",
    on: "teller",
    async run(d) {
      await findMember(d.teller, d.person, undefined, d.t);
      await d.teller
        .getByRole("region", { name: d.t.teller.memberFacts })
        .getByText(d.won(380_000n), { exact: false })
        .waitFor();
      d.savings = await openAccount(d.teller, d.person.pin, d.t, "savings");
    },
  },
  {
    // 70,000 won paid into the savings account; 200,000 won paid out of the first account, the
    // ID card checked, the member typing their passbook PIN.
    name: "cash-withdrawal",
    on: "teller",
    async run(d) {
      const c = d.t.teller.cash;
      const deposit = await cashForm(d, c.depositTitle, "70000", d.savings);
      await deposit.getByRole("button", { name: c.depositSubmit, exact: true }).click();
      const slip = d.teller.getByRole("region", { name: c.receiptTitle("deposit") });
      await expect.poll(() => fact(slip, c.balanceAfter)).toBe(d.won(70_000n));
      const form = await cashForm(d, c.withdrawalTitle, "200000");
      await form.getByLabel(c.idDocument, { exact: true }).selectOption("resident_card");
      await form.getByLabel(c.idChecked, { exact: true }).check();
      await form.getByLabel(c.pin, { exact: true }).fill(d.person.pin);
      await form.getByRole("button", { name: c.withdrawalSubmit, exact: true }).click();
      const receipt = d.teller.getByRole("region", { name: c.receiptTitle("withdrawal") });
      await receipt.waitFor();
      expect(await fact(receipt, c.receiptAmount)).toBe(d.won(200_000n));
      expect(await fact(receipt, c.idDocument)).toBe(c.idDocuments.resident_card);
      expect(await fact(receipt, c.balanceAfter)).toBe(d.won(180_000n));
    },
  },
  {
    // The morning's deposit receipt, printed again by its number.
    name: "receipt-reprint",
    on: "teller",
    async run(d) {
      const c = d.t.teller.cash;
      const reprint = d.teller.getByRole("region", { name: c.reprintTitle });
      await reprint.getByLabel(c.receiptNumber, { exact: true }).fill(d.depositReceipt);
      await reprint.getByRole("button", { name: c.reprintSubmit, exact: true }).click();
      await expect
        .poll(() => fact(d.teller.getByRole("region", { name: c.receiptTitle("deposit") }), c.receiptNumber))
        .toBe(d.depositReceipt);
    },
  },
  {
    // At home the member lowers their limits online (the only way online is down).
    name: "member-limits-lowered",
    on: "member",
    async run(d) {
      const l = d.t.limits;
      await d.member.goto("/limits");
      await onPage(d.member, l.title);
      const form = d.member.locator("form");
      await form.getByLabel(l.perTransfer, { exact: true }).fill("1000000");
      await form.getByLabel(l.perDay, { exact: true }).fill("3000000");
      await form.getByRole("button", { name: l.save, exact: true }).click();
      await d.member.getByText(l.saved, { exact: true }).waitFor();
      await expect.poll(() => fact(d.member.getByRole("main"), l.perDay)).toBe(d.won(3_000_000n));
    },
  },
  {
    // At the counter: 10,000,000 a transfer and 60,000,000 a day, above the cooperative's approval
    // amount (50,000,000 a day), waits for a manager; above the maximum or unchecked, nothing is sent.
    name: "limit-raise-held",
    on: "teller",
    async run(d) {
      const l = d.t.teller.limits;
      expect(await d.teller.getByRole("tab", { name: d.t.teller.approvals.tab }).count()).toBe(0);
      await findMember(d.teller, d.person, undefined, d.t);
      const panel = d.teller.getByRole("region", { name: l.title });
      await expect.poll(() => fact(panel, l.perDay)).toBe(d.won(3_000_000n));
      expect(await fact(panel, l.perTransfer)).toBe(d.won(1_000_000n));
      expect(await fact(panel, l.maximum)).toBe(l.maximumLine(d.won(100_000_000n), d.won(500_000_000n)));
      const posted = postsTo(d.teller, "/limits");
      const submit = panel.getByRole("button", { name: l.submit, exact: true });
      await panel.getByLabel(l.newPerTransfer, { exact: true }).fill("100000001");
      await panel.getByLabel(l.newPerDay, { exact: true }).fill("60000000");
      await submit.click();
      await panel
        .getByText(l.aboveMaximum(d.won(100_000_000n)))
        .first()
        .waitFor();
      await panel.getByText(l.idProblem).first().waitFor();
      expect(posted()).toBe(0);

      await panel.getByLabel(l.newPerTransfer, { exact: true }).fill("10000000");
      await panel.getByLabel(l.reason, { exact: true }).selectOption("business");
      await panel.getByLabel(l.reasonDetail, { exact: true }).fill("거래처 대금 지급");
      await panel.getByLabel(l.idDocument, { exact: true }).selectOption("driver_license");
      await panel.getByLabel(l.idChecked, { exact: true }).check();
      await submit.click();
      const waiting = panel.getByRole("region", { name: d.t.teller.approvals.waiting });
      expect(await shownText(waiting.getByRole("status"))).toBe(
        l.waitingText(d.won(10_000_000n), d.won(60_000_000n)),
      );
      expect(posted()).toBe(1);
      expect(await fact(panel, l.perDay)).toBe(d.won(3_000_000n));
    },
  },
  {
    // The manager, in a browser of their own, finds the raise in 승인.
    name: "approvals-list",
    on: "manager",
    async run(d) {
      const a = d.t.teller.approvals;
      await d.manager.goto("/teller");
      await speak(d.manager, d.lang);
      await d.manager.getByLabel(d.t.teller.tellerId, { exact: true }).fill(demoLogins.manager.tellerId);
      await d.manager.getByLabel(d.t.login.password, { exact: true }).fill(demoLogins.manager.password);
      await d.manager.getByRole("button", { name: d.t.login.submit, exact: true }).click();
      await onPage(d.manager, d.t.teller.counterTitle);
      await d.manager.getByRole("tab", { name: a.tab }).click();
      const row = d.manager
        .getByRole("region", { name: a.title })
        .getByRole("row")
        .filter({ hasText: d.person.name });
      await row.waitFor();
      const text = await shownText(row);
      expect(text).toContain(a.kinds.limit_change);
      expect(text).toContain(a.limitPerTransfer(d.won(10_000_000n), d.won(1_000_000n)));
      expect(text).toContain(a.limitPerDay(d.won(60_000_000n), d.won(3_000_000n)));
      expect(text).toContain(demoLogins.teller.tellerId);
      expect(text).toContain(a.limitReason(`${d.t.teller.limits.reasons.business}: 거래처 대금 지급`));
    },
  },
  {
    // Approved by the manager: the teller's panel shows the new limits in force.
    name: "limit-applied",
    on: "teller",
    async run(d) {
      const a = d.t.teller.approvals;
      const l = d.t.teller.limits;
      const list = d.manager.getByRole("region", { name: a.title });
      await list
        .getByRole("button", {
          name: a.approveLabel(a.kinds.limit_change, d.person.name, d.won(60_000_000n)),
        })
        .click();
      await list.getByText(a.approved(a.kinds.limit_change, d.won(60_000_000n))).waitFor();
      await list.getByText(a.none).waitFor();
      const panel = d.teller.getByRole("region", { name: l.title });
      await panel
        .getByText(l.waitingApproved(managerName, d.won(10_000_000n), d.won(60_000_000n)))
        .waitFor({ timeout: 15_000 });
      await expect.poll(() => fact(panel, l.perDay)).toBe(d.won(60_000_000n));
      expect(await fact(panel, l.perTransfer)).toBe(d.won(10_000_000n));
    },
  },
  {
    // The member's notification centre: the raise at the branch, and their own lowering.
    name: "member-limits-notified",
    on: "member",
    async run(d) {
      await d.member.goto("/notifications");
      await onPage(d.member, d.t.notifications.title);
      const title = d.lang === "ko" ? "이체한도 변경" : "Transfer limits changed";
      const items = d.member.getByRole("listitem").filter({ hasText: title });
      await expect.poll(() => items.count()).toBe(2);
      expect(await shownText(items.first())).toContain(d.won(60_000_000n));
      expect(await shownText(items.nth(1))).toContain(d.won(3_000_000n));
    },
  },
  {
    // The member moved: the new address with the ID checked. The ID box unticked, and a new name
    // without its document, are refused on screen and nothing is sent.
    name: "address-changed",
    on: "teller",
    async run(d) {
      const m = d.t.teller.details;
      const details = d.teller.getByRole("region", { name: m.title });
      expect(await fact(details, m.fields.address)).toBe(d.person.address);
      const posted = postsTo(d.teller, "/details");
      const named = postsTo(d.teller, "/name");
      const nameToggle = details.getByRole("button", { name: m.nameTitle, exact: true });
      await nameToggle.click();
      await details.getByLabel(m.newName, { exact: true }).fill("김하람");
      await details.getByRole("button", { name: m.nameSubmit, exact: true }).click();
      await details.getByText(m.referenceProblem).first().waitFor();
      await nameToggle.click();

      await details.getByLabel(m.fields.address, { exact: true }).fill(d.newAddress);
      const change = details.getByRole("button", { name: m.contactsSubmit, exact: true });
      await change.click();
      await details.getByText(m.idProblem).first().waitFor();
      expect([posted(), named()]).toEqual([0, 0]);
      await details.getByLabel(m.idChecked, { exact: true }).check();
      await change.click();
      await details.getByText(m.changed([m.fields.address])).waitFor();
      await expect.poll(() => fact(details, m.fields.address)).toBe(d.newAddress);
      expect([posted(), named()]).toEqual([1, 0]);
    },
  },
  {
    // The member sees the change in My details, and told of it with the new address masked.
    name: "member-details-notified",
    on: "member",
    async run(d) {
      await d.member.goto("/me");
      await expect.poll(() => fact(d.member.getByRole("main"), d.t.me.address)).toBe(d.newAddress);
      await d.member.goto("/notifications");
      await onPage(d.member, d.t.notifications.title);
      const title = d.lang === "ko" ? "회원 정보 변경" : "Your details changed";
      const item = d.member.getByRole("listitem").filter({ hasText: title });
      await item.waitFor();
      const text = await shownText(item);
      expect(text).toContain(`${d.lang === "ko" ? "주소" : "address"} 서울특별시 종로구 …`);
      expect(text).not.toContain("세종대로");
    },
  },
  {
    // The savings account closed, its 70,000 won paid in cash from the drawer: the ID checked, the
    // member's PIN, the warning given. Sent without them, the form says so and sends nothing.
    name: "account-closed",
    on: "teller",
    async run(d) {
      const c = d.t.teller.closing;
      const cash = d.t.teller.cash;
      const panel = await action(d.teller, d.t.teller.actions.close, d.t);
      await panel.getByLabel(c.account, { exact: true }).selectOption(dashed(d.savings));
      expect(await fact(panel, c.balance)).toBe(d.won(70_000n));
      const posted = postsTo(d.teller, "/close");
      const submit = panel.getByRole("button", { name: c.submit, exact: true });
      await submit.click();
      await panel.getByText(cash.idProblem).first().waitFor();
      await panel.getByText(cash.pinProblem).first().waitFor();
      await panel.getByText(c.confirmProblem).first().waitFor();
      expect(posted()).toBe(0);
      await panel.getByLabel(cash.idDocument, { exact: true }).selectOption("passport");
      await panel.getByLabel(cash.idChecked, { exact: true }).check();
      await panel.getByLabel(cash.pin, { exact: true }).fill(d.person.pin);
      await panel.getByLabel(c.confirm, { exact: true }).check();
      await submit.click();
      const slip = d.teller.getByRole("region", { name: cash.receiptTitle("closing") });
      await slip.waitFor();
      expect(await fact(slip, cash.receiptAmount)).toBe(d.won(70_000n));
      expect(await fact(slip, cash.balanceAfter)).toBe(d.won(0n));
      expect(await fact(slip, cash.idDocument)).toBe(cash.idDocuments.passport);
      await panel.getByText(c.done(dashed(d.savings))).waitFor();
      expect(posted()).toBe(1);
    },
  },
  {
    // The member gives up internet banking: what it ends is said first; sent without the ID checked
    // and the warning given, the form says so and sends nothing; then it ends, and says so.
    name: "internet-banking-ended",
    on: "teller",
    async run(d) {
      const e = d.t.teller.endBanking;
      const id = d.t.teller.limits;
      const panel = await action(d.teller, d.t.teller.actions.endBanking, d.t);
      for (const line of e.effects) await panel.getByText(line).waitFor();
      const posted = postsTo(d.teller, "/internet-banking/end");
      const submit = panel.getByRole("button", { name: e.submit, exact: true });
      await submit.click();
      await panel.getByText(id.idProblem).first().waitFor();
      await panel.getByText(e.confirmProblem).first().waitFor();
      expect(posted()).toBe(0);
      await panel.getByLabel(id.idChecked, { exact: true }).check();
      await panel.getByLabel(e.confirm, { exact: true }).check();
      await submit.click();
      await panel.getByText(e.done(d.person.userId), { exact: false }).waitFor();
      expect(await shownText(panel)).toContain(e.told);
      expect(posted()).toBe(1);
      // The member's facts say it: no internet banking.
      await expect
        .poll(() => fact(d.teller.getByRole("region", { name: d.t.teller.memberFacts }), d.t.teller.ib))
        .toBe(d.t.teller.ibNone);
    },
  },
  {
    // At home the member's session has ended, and their password logs in no more.
    name: "member-logged-out",
    on: "member",
    async run(d) {
      await d.member.goto("/");
      await onPage(d.member, d.t.login.title);
      expect(await submitLogin(d.member, d.person.userId, d.password, d.t)).toBe(401);
      await d.member.getByRole("alert").first().waitFor();
    },
  },
  {
    // The day so far: the opening count, the deposits, the withdrawal and the closing's payout.
    name: "day-transactions",
    on: "teller",
    async run(d) {
      const c = d.t.teller.cash;
      await toCashDesk(d);
      const lines = drawerOf(d).getByRole("table", { name: c.linesTitle });
      await lines.scrollIntoViewIfNeeded();
      expect(await lines.getByRole("row").count()).toBe(6);
      const text = await shownText(lines);
      for (const kind of ["vault_cash", "cash_deposit", "cash_withdrawal"] as const)
        expect(text).toContain(c.kinds[kind]);
      expect(await fact(drawerOf(d), c.ledgerCash)).toBe(d.won(1_300_000n));
    },
  },
  {
    // Counted 1,295,000 won at the close: 5,000 won short, posted to the branch's 과부족.
    name: "drawer-closed",
    on: "teller",
    async run(d) {
      const c = d.t.teller.cash;
      await drawerOf(d).getByLabel(c.count, { exact: true }).fill("1295000");
      await drawerOf(d).getByRole("button", { name: c.closeSubmit, exact: true }).click();
      await drawerOf(d).getByText(c.statusClosed, { exact: true }).waitFor();
      expect(await shownText(drawerOf(d).getByTestId("cash-difference"))).toBe(
        c.differenceText(d.won(5_000n), -1),
      );
      expect(await fact(drawerOf(d), c.closingCount)).toBe(d.won(1_295_000n));
      expect(await shownText(drawerOf(d).getByRole("table", { name: c.linesTitle }))).toContain(
        c.kinds.over_short,
      );
    },
  },
];

/** The branch's over/short (과부족) account balance, as the ledger holds it. */
async function overShortBalance(e2e: E2e): Promise<bigint> {
  const { rows } = await e2e.app.db.query<{ balance: bigint }>(
    `SELECT a.balance FROM branch_cash_accounts b
       JOIN accounts a ON a.cooperative_id = b.cooperative_id AND a.id = b.over_short_account_id`,
  );
  expect(rows).toHaveLength(1);
  return rows[0]!.balance;
}

const startForTest = e2ePerTest();

describe("a day at the counter", () => {
  // Every suite walks the day in English (nothing else walks the console in English); the pictures
  // in both languages are remade with GEUMGO_GUIDE_SHOTS=1 (`npm run docs:teller-screenshots`).
  const langs: Lang[] = process.env.GEUMGO_GUIDE_SHOTS === "1" ? ["ko", "en"] : ["en"];
  it.each(langs)(
    "in %s: drawer, new member, deposit, online transfer, withdrawal, limit raise approved, address, closing, close with 과부족; the ledger balanced",
    async (lang) => {
      const env = await startForTest();
      const folder = join(out, lang);
      rmSync(folder, { recursive: true, force: true });
      mkdirSync(folder, { recursive: true });
      const hong = await demandAccountOf(env, demoLogins.member.userId);
      const pageErrors: string[] = [];
      const page = async () => {
        const p = await (await env.context("desktop")).newPage();
        p.on("pageerror", (e) => pageErrors.push(e.message));
        return p;
      };
      const day: Day = {
        e2e: env,
        lang,
        t: words[lang],
        won: (amount) => formatWon(amount, lang),
        teller: await page(),
        member: await page(),
        manager: await page(),
        person: {
          name: "김하늘",
          rrn: "950412-2345671",
          phone: "010-4821-7733",
          address: "서울특별시 마포구 월드컵로 10",
          userId: "haneul95",
          pin: "3719",
        },
        password: "Sky!blue2026",
        hongNumber: hong.number,
        number: "",
        savings: "",
        newAddress: "서울특별시 종로구 세종대로 209",
        temporaryPassword: "",
        otpSecret: "",
        depositReceipt: "",
      };

      const made: string[] = [];
      for (const s of walk) {
        await s.run(day);
        const shown = day[s.on];
        await settled(shown);
        expect(await shown.evaluate(() => document.documentElement.lang), `<html lang> at ${s.name}`).toBe(
          lang,
        );
        expect(await axeViolations(shown), `axe at ${s.name} (${lang})`).toEqual([]);
        expect(cspViolationsOf(shown), `CSP violations at ${s.name} (${lang})`).toEqual([]);
        await shown.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
        await shown.screenshot({
          path: join(folder, `${s.name}.png`),
          fullPage: true,
          animations: "disabled",
        });
        await shown.evaluate(() => window.scrollTo(0, 0));
        made.push(s.name);
      }
      expect(pageErrors).toEqual([]);

      // The money, as the bank holds it: 500,000 in, 120,000 sent, 200,000 out; 70,000 into the
      // savings account and paid out again at its closing; the drawer's 1,000,000 + 570,000 - 270,000
      // by the ledger was counted 5,000 short and now holds the count.
      const account = await accountByNumber(env, day.number);
      const savings = await accountByNumber(env, day.savings);
      expect(account.balance).toBe(180_000n);
      expect(savings).toMatchObject({ status: "closed", balance: 0n, kind: "savings" });
      expect((await accountByNumber(env, hong.number)).balance).toBe(hong.balance + 120_000n);
      expect(await drawerCash(env, demoLogins.teller.tellerId)).toBe(1_295_000n);
      expect((await cashTransfers(env, "over_short")).map((t) => t.amount)).toEqual([5_000n]);
      expect(await overShortBalance(env)).toBe(-5_000n);
      expect((await cashTransfers(env, "cash_deposit")).map((t) => [t.amount, t.to_account_id])).toEqual([
        [500_000n, account.id],
        [70_000n, savings.id],
      ]);
      expect((await cashTransfers(env, "cash_withdrawal")).map((t) => [t.amount, t.from_account_id])).toEqual(
        [
          [200_000n, account.id],
          [70_000n, savings.id],
        ],
      );
      // The raise applied as asked, once, with its reason; approved by the manager, not the maker.
      const limits = await memberLimits(env.app.bank, { cooperativeId: 1, memberId: account.memberId! });
      expect([limits.perTransfer, limits.perDay]).toEqual([10_000_000n, 60_000_000n]);
      const audit = await env.app.db.query<{ payload: string }>(
        "SELECT payload FROM audit_log WHERE action IN ('teller.approval_request', 'teller.approval_approve') ORDER BY seq",
      );
      const reason = `${day.t.teller.limits.reasons.business}: 거래처 대금 지급`;
      expect(audit.rows.map((r) => JSON.parse(r.payload).details.reason)).toEqual([reason, reason]);
      await ledgerBalances(env);
      // Internet banking ended: no user ID and no session of the member's are left.
      const left = await env.app.db.query<{ users: number; sessions: number }>(
        `SELECT (SELECT count(*)::int FROM users WHERE member_id = $1) AS users,
                (SELECT count(*)::int FROM sessions WHERE kind = 'member' AND member_id = $1) AS sessions`,
        [account.memberId],
      );
      expect(left.rows[0]).toEqual({ users: 0, sessions: 0 });

      // Every picture the guide shows in this language was made here, and nothing it does not show.
      expect(made.sort()).toEqual(tellerGuidePictures(lang));
    },
    180_000,
  );
});
