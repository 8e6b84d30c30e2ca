// What a teller and a member do in the web app, step by step, the way a person would: by the
// labels, roles and Korean words on the screen (web/src/i18n/ko.ts), never by reaching into it.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Locator, Page } from "playwright-core";
import { expect } from "vitest";
import { demoLogins } from "../../../src/demo/seed.ts";
import { ko, type Messages } from "../../../web/src/i18n/ko.ts";

export { ko };
// Each console and site helper reads its words from `t`: Korean unless a walk in English passes `en`.

/** Waits for the page whose <h1> is `title` (each page of the app has exactly one). */
export async function onPage(page: Page, title: string): Promise<void> {
  await page.getByRole("heading", { level: 1, name: title, exact: true }).waitFor();
}

/** The text on screen as the member sees it (Playwright's rendered innerText, not the DOM's). */
export async function shownText(locator: Locator): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: a Playwright Locator; rendered text is the point
  return (await locator.innerText()).trim();
}

/** The text of the error box (role=alert) once it shows. */
export async function alertText(page: Page): Promise<string> {
  const alert = page.getByRole("alert").first();
  await alert.waitFor();
  return shownText(alert);
}

/** The value printed beside `label` on a slip or receipt (its <dt>/<dd> rows). */
export async function fact(scope: Locator, label: string): Promise<string> {
  const row = scope
    .locator(".fact")
    .filter({ has: scope.page().getByRole("term").getByText(label, { exact: true }) });
  return shownText(row.getByRole("definition"));
}

// ---- Teller console (/teller)

export interface Person {
  name: string;
  rrn: string;
  phone: string;
  address: string;
}

export async function tellerLogin(
  page: Page,
  step?: (page: Page, name: string) => Promise<void>,
  t: Messages = ko,
  who: { tellerId: string; password: string } = demoLogins.teller,
): Promise<void> {
  await page.goto("/teller");
  await onPage(page, t.teller.loginTitle);
  await page.getByLabel(t.teller.tellerId, { exact: true }).fill(who.tellerId);
  await page.getByLabel(t.login.password, { exact: true }).fill(who.password);
  await step?.(page, "teller-login");
  await page.getByRole("button", { name: t.login.submit, exact: true }).click();
  await onPage(page, t.teller.counterTitle);
}

/** The manager logs in on `page`, opens the approvals tab and finds the member's waiting request. */
export async function managerApprovals(
  page: Page,
  memberName: string,
  t: Messages = ko,
): Promise<{ list: Locator; row: Locator }> {
  await tellerLogin(page, undefined, t, demoLogins.manager);
  await page.getByRole("tab", { name: t.teller.approvals.tab }).click();
  const list = page.getByRole("region", { name: t.teller.approvals.title });
  const row = list.getByRole("row").filter({ hasText: memberName });
  await row.waitFor();
  return { list, row };
}

/** Registers a new member at the counter (the identity as on the ID card); their page opens. */
export async function registerMember(
  page: Page,
  person: Person,
  step?: (page: Page, name: string) => Promise<void>,
  t: Messages = ko,
): Promise<void> {
  await page.getByRole("tab", { name: t.teller.create }).click();
  const form = page.getByRole("tabpanel", { name: t.teller.create });
  await form.getByLabel(t.teller.name, { exact: true }).fill(person.name);
  await form.getByLabel(t.teller.rrn, { exact: true }).fill(person.rrn);
  await form.getByLabel(t.teller.phone, { exact: true }).fill(person.phone);
  await form.getByLabel(t.teller.address, { exact: true }).fill(person.address);
  await step?.(page, "member-form");
  await form.getByRole("button", { name: t.teller.createSubmit }).click();
  await onPage(page, t.teller.memberTitle(person.name));
}

/** Finds a registered member by name and RRN; their page opens. */
export async function findMember(
  page: Page,
  person: Pick<Person, "name" | "rrn">,
  step?: (page: Page, name: string) => Promise<void>,
  t: Messages = ko,
): Promise<void> {
  await page.getByRole("tab", { name: t.teller.find }).click();
  const form = page.getByRole("tabpanel", { name: t.teller.find });
  await form.getByLabel(t.teller.name, { exact: true }).fill(person.name);
  await form.getByLabel(t.teller.rrn, { exact: true }).fill(person.rrn);
  await step?.(page, "member-lookup");
  await form.getByRole("button", { name: t.teller.findSubmit, exact: true }).click();
  await onPage(page, t.teller.memberTitle(person.name));
}

/** One of the teller's actions for the member on screen; returns its panel. */
export async function action(page: Page, name: string, t: Messages = ko): Promise<Locator> {
  const actions = page.getByRole("region", { name: t.teller.actionsTitle });
  await actions.getByRole("button", { name, exact: true, pressed: false }).click();
  return page.locator("#action-panel");
}

/** Opens an account (demand unless told) with the passbook PIN the member typed; returns its number. */
export async function openAccount(
  page: Page,
  pin: string,
  t: Messages = ko,
  kind: "demand" | "savings" = "demand",
): Promise<string> {
  const panel = await action(page, t.teller.actions.account, t);
  await panel.getByLabel(t.teller.accountKind, { exact: true }).selectOption(kind);
  await panel.getByLabel(t.teller.pin, { exact: true }).fill(pin);
  await panel.getByLabel(t.teller.pinAgain, { exact: true }).fill(pin);
  await panel.getByRole("button", { name: t.teller.openSubmit, exact: true }).click();
  const notice = panel.getByRole("status");
  await notice.waitFor();
  const text = await shownText(notice);
  const number = /\d{4}-\d{4}-\d{4}-\d/.exec(text)?.[0];
  if (!number) throw new Error(`no account number in "${text}"`);
  // The member summary lists the new account once the console has fetched the member again.
  await page.getByRole("region", { name: t.teller.memberFacts }).getByText(number).waitFor();
  return number;
}

/** Enrols the member for internet banking; returns the temporary password on the 신청확인증. */
export async function enrol(
  page: Page,
  userId: string,
  t: Messages = ko,
): Promise<{ temporaryPassword: string; slip: Locator }> {
  const panel = await action(page, t.teller.actions.enrol, t);
  await panel.getByLabel(t.teller.userId, { exact: true }).fill(userId);
  await panel.getByRole("button", { name: t.teller.enrolSubmit }).click();
  const slip = page.getByRole("region", { name: t.teller.slipTitle });
  await slip.waitFor();
  expect(await fact(slip, t.teller.userId)).toBe(userId);
  return { temporaryPassword: await fact(slip, t.teller.temporaryPassword), slip };
}

/**
 * Registers an OTP device and returns its secret as the slip prints it. The slip's QR code is read
 * back from a screenshot by zbar (Debian's zbarimg, an independent decoder), as a phone camera
 * would: it must carry the otpauth URI printed beneath it, with that secret.
 */
export async function registerOtpDevice(page: Page, t: Messages = ko): Promise<string> {
  const panel = await action(page, t.teller.actions.otp, t);
  await panel.getByRole("button", { name: t.teller.otpSubmit }).click();
  const slip = page.getByRole("region", { name: t.teller.otpSlipTitle });
  await slip.waitFor();
  const secret = (await fact(slip, t.teller.otpSecret)).replace(/\s/g, "");
  const uri = await fact(slip, t.teller.otpUri);
  const png = join(mkdtempSync(join(tmpdir(), "geumgo-qr-")), "otp-qr.png");
  await slip.getByRole("img", { name: t.teller.otpQr }).screenshot({ path: png });
  const scanned = execFileSync("zbarimg", ["--quiet", "--raw", png], { encoding: "utf8" }).trim();
  expect(scanned).toBe(uri);
  expect(new URL(scanned).searchParams.get("secret")).toBe(secret);
  return secret;
}

export async function unlockLogin(page: Page): Promise<string> {
  const panel = await action(page, ko.teller.actions.unlock);
  await panel.getByRole("button", { name: ko.teller.unlockSubmit, exact: true }).click();
  const notice = panel.getByRole("status");
  await notice.waitFor();
  return shownText(notice);
}

// ---- Member site (/)

/**
 * Fills the login form and sends it; returns the HTTP status of the server's answer (so that a
 * refusal on screen is this attempt's, not the one before). The caller waits for the page that follows.
 */
export async function submitLogin(
  page: Page,
  userId: string,
  password: string,
  t: Messages = ko,
): Promise<number> {
  if (!new URL(page.url()).pathname.startsWith("/login")) await page.goto("/login");
  await onPage(page, t.login.title);
  await page.getByLabel(t.login.userId, { exact: true }).fill(userId);
  await page.getByLabel(t.login.password, { exact: true }).fill(password);
  const [answer] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === "/api/auth/login"),
    page.getByRole("button", { name: t.login.submit, exact: true }).click(),
  ]);
  return answer.status();
}

/** Logs in with a member's own password and waits for the home page. */
export async function memberLogin(page: Page, userId: string, password: string): Promise<void> {
  await submitLogin(page, userId, password);
  await onPage(page, ko.home.title);
}

/** The online user registration: the temporary password replaced by the member's own. */
export async function fillRegistration(
  page: Page,
  temporary: string,
  password: string,
  t: Messages = ko,
): Promise<void> {
  await onPage(page, t.password.registerTitle);
  await page.getByLabel(t.password.temporary, { exact: true }).fill(temporary);
  await page.getByLabel(t.password.new, { exact: true }).fill(password);
  await page.getByLabel(t.password.again, { exact: true }).fill(password);
}

export async function submitRegistration(page: Page, t: Messages = ko): Promise<void> {
  await page.getByRole("button", { name: t.password.registerSubmit, exact: true }).click();
  await onPage(page, t.home.title);
}

/** Follows the main menu (top bar on a desktop, tab bar on a phone) to the page named `name`. */
export async function menu(page: Page, name: string, t: Messages = ko): Promise<void> {
  // The notification link's name goes on with its unread count ("알림 읽지 않은 알림 1개").
  const link = new RegExp(`^${name}(\\s|$)`);
  await page.getByRole("navigation", { name: t.nav.label }).getByRole("link", { name: link }).first().click();
  await onPage(page, name === t.nav.home ? t.home.title : name);
}

/** An account number as the app shows it: 9002-1234-5678-9. */
export function dashed(number: string): string {
  const d = number.replace(/-/g, "");
  return `${d.slice(0, 4)}-${d.slice(4, 8)}-${d.slice(8, 12)}-${d.slice(12)}`;
}

/** The account card on the home page with this number. */
export function accountCard(page: Page, number: string): Locator {
  return page.getByRole("listitem").filter({ hasText: dashed(number) });
}
