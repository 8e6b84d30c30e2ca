// A day at the counter, on one server at desktop width, in the real console and the real member
// site: the drawer opened with a count, a new member registered (account, internet banking, OTP), a
// cash deposit to them, the member online (their own password, the deposit seen, part of it sent
// with OTP), a withdrawal with the ID checked and the passbook PIN, the day's transactions, and the
// drawer closed 5,000 won short with the 과부족 posted. Each named step ends on a screen that is
// axe clean and is photographed: the pictures of docs/teller-guide.md, test-results/e2e/teller-guide/<lang>/.
import { mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Locator, Page } from "playwright-core";
import { afterEach, describe, expect, it } from "vitest";
import { demoLogins } from "../../src/demo/seed.ts";
import { en } from "../../web/src/i18n/en.ts";
import { ko, type Messages } from "../../web/src/i18n/ko.ts";
import { formatWon } from "../../web/src/lib/won.ts";
import { axeViolations, cspViolationsOf, type E2e, settled, startE2e } from "./support/harness.ts";
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
  person: { name: string; rrn: string; phone: string; address: string; userId: string; pin: string };
  password: string;
  hongNumber: string;
  number: string;
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
  on: "teller" | "member";
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

/** Back from a member's page to the counter's tabs, and to the cash desk. */
async function toCashDesk(d: Day): Promise<void> {
  const next = d.teller.getByRole("button", { name: d.t.teller.nextCustomer, exact: true });
  if (await next.count()) await next.click();
  await d.teller.getByRole("tab", { name: d.t.teller.cash.tab }).click();
  await drawerOf(d).waitFor();
}

/** The cash desk's deposit or withdrawal form (by its title), for the new member's account and `amount`. */
async function cashForm(d: Day, title: string, amount: string): Promise<Locator> {
  await toCashDesk(d);
  const form = d.teller.getByRole("region", { name: title });
  await form.getByLabel(d.t.teller.cash.account, { exact: true }).fill(dashed(d.number));
  await form.getByLabel(d.t.teller.cash.amount, { exact: true }).fill(amount);
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
    // Back at the counter the member asks for cash: the teller finds them first.
    name: "member-found",
    on: "teller",
    async run(d) {
      await findMember(d.teller, d.person, undefined, d.t);
      await d.teller
        .getByRole("region", { name: d.t.teller.memberFacts })
        .getByText(d.won(380_000n), { exact: false })
        .waitFor();
    },
  },
  {
    // 200,000 won paid out: the ID card checked, the member types their passbook PIN.
    name: "cash-withdrawal",
    on: "teller",
    async run(d) {
      const c = d.t.teller.cash;
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
    // The day so far: the opening count, the deposit, the withdrawal; the drawer by the ledger.
    name: "day-transactions",
    on: "teller",
    async run(d) {
      const c = d.t.teller.cash;
      const lines = drawerOf(d).getByRole("table", { name: c.linesTitle });
      await lines.scrollIntoViewIfNeeded();
      expect(await lines.getByRole("row").count()).toBe(4);
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

let e2e: E2e | undefined;
afterEach(async () => {
  await e2e?.close();
  e2e = undefined;
});

describe("a day at the counter", () => {
  // Every suite walks the day in English (nothing else walks the console in English); the pictures
  // in both languages are remade with GEUMGO_GUIDE_SHOTS=1 (`npm run docs:teller-screenshots`).
  const langs: Lang[] = process.env.GEUMGO_GUIDE_SHOTS === "1" ? ["ko", "en"] : ["en"];
  it.each(langs)(
    "in %s: drawer, new member, deposit, online transfer, withdrawal, close with 과부족; the ledger balanced",
    async (lang) => {
      e2e = await startE2e();
      const env = e2e;
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

      // The money, as the bank holds it: 500,000 in, 120,000 sent, 200,000 out; the drawer's
      // 1,000,000 + 500,000 - 200,000 by the ledger was counted 5,000 short and now holds the count.
      const account = await accountByNumber(env, day.number);
      expect(account.balance).toBe(180_000n);
      expect((await accountByNumber(env, hong.number)).balance).toBe(hong.balance + 120_000n);
      expect(await drawerCash(env, demoLogins.teller.tellerId)).toBe(1_295_000n);
      expect((await cashTransfers(env, "over_short")).map((t) => t.amount)).toEqual([5_000n]);
      expect(await overShortBalance(env)).toBe(-5_000n);
      expect((await cashTransfers(env, "cash_deposit")).map((t) => [t.amount, t.to_account_id])).toEqual([
        [500_000n, account.id],
      ]);
      expect((await cashTransfers(env, "cash_withdrawal")).map((t) => [t.amount, t.from_account_id])).toEqual(
        [[200_000n, account.id]],
      );
      await ledgerBalances(env);

      // Every picture the guide shows in this language was made here, and nothing it does not show.
      expect(made.sort()).toEqual(tellerGuidePictures(lang));
    },
    120_000,
  );
});
