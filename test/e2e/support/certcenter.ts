// The certificate centre's walks shared by the end-to-end tests and the browser bench: the demo
// member's proofing secrets, the issue page walked up to the final 발급 button, and the whole
// issuance from the member's login to the done screen; and the code texted to the member's phone.
import type { Page } from "playwright-core";
import { demoLogins } from "../../../src/demo/seed.ts";
import { ko as cc } from "../../../web/src/certcenter/i18n/ko.ts";
import type { E2e } from "./harness.ts";
import { demoOtpCode } from "./ledger.ts";
import { memberLogin, onPage } from "./ui.ts";

/** The demo member's resident registration number and passbook PIN (src/demo/seed.ts). */
export const demoRrn = "8503151234567";
export const demoPin = "1234";
/** A certificate password the live rules accept. */
export const certPassword = "Plum#tree47x";

/** Called at each screen worth a picture; the walk passes the screen's name. */
export type StepShot = (page: Page, name: string) => Promise<void>;

export interface WalkOptions {
  purpose?: "bank" | "universal";
  storage?: keyof typeof cc.issue.storage;
  password?: string;
  step?: StepShot;
}

/**
 * The code last texted to the demo member's phone (010-1234-5678), read from the development
 * outbox as the phone would show it; undefined when there is none.
 */
export async function demoPhoneCode(page: Page): Promise<string | undefined> {
  const outbox = await page.evaluate(async () => {
    const r = await fetch("/dev/outbox.json?to=010-1234-5678&limit=1");
    return (await r.json()) as { messages: { body: string }[] };
  });
  return /\[([0-9]{6})\]/.exec(outbox.messages[0]?.body ?? "")?.[1];
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Terms, purpose, identity (the server makes the web authorisation), password, storage: up to the
 * final 발급 button, for the demo member who is logged in on `page`.
 */
export async function walkToStorage(page: Page, env: E2e, options: WalkOptions = {}): Promise<void> {
  const { purpose = "bank", storage = "browser", password = certPassword } = options;
  const step: StepShot = options.step ?? (async () => {});
  await page.goto("/certcenter/issue");
  await onPage(page, cc.issue.title);
  await page.getByLabel(cc.issue.agreeAll).check();
  await page.getByRole("button", { name: cc.issue.next, exact: true }).click();
  await page.getByRole("group", { name: cc.issue.purposeTitle }).waitFor();
  await page.getByLabel(cc.purposeLong[purpose]).check();
  await step(page, `purpose-${purpose}`);
  await page.getByRole("button", { name: cc.issue.next, exact: true }).click();
  await page.getByRole("heading", { name: cc.issue.identityTitle }).waitFor();
  await page.getByLabel(cc.issue.rrn, { exact: true }).fill(demoRrn);
  await page.getByLabel(cc.issue.pin, { exact: true }).fill(demoPin);
  await page.locator("#cc-otp").fill(await demoOtpCode(env, demoLogins.member.userId));
  await step(page, "identity");
  await page.getByRole("button", { name: cc.issue.next, exact: true }).click();
  await page.getByRole("heading", { name: cc.issue.passwordTitle }).waitFor();
  await page.getByLabel(cc.issue.password, { exact: true }).fill(password);
  await page.getByLabel(cc.issue.passwordAgain, { exact: true }).fill(password);
  await page.getByRole("button", { name: cc.issue.next, exact: true }).click();
  const group = page.getByRole("group", { name: cc.issue.storageTitle });
  await group.waitFor();
  await group.getByRole("radio", { name: new RegExp(`^${escapeRegExp(cc.issue.storage[storage])}`) }).check();
  await step(page, `storage-${storage}`);
}

/** Waits for the done screen of an issuance (a key made in the page can take a while on a loaded machine). */
export async function issued(page: Page): Promise<void> {
  await page.getByRole("heading", { name: cc.issue.doneTitle, level: 2 }).waitFor({ timeout: 120_000 });
}

/** Presses the issue page's final 발급 button (the key is made in the page from here). */
export async function pressIssue(page: Page): Promise<void> {
  await page.getByRole("button", { name: cc.steps.progress, exact: true }).click();
}

/** The demo member logs in on `page` and walks the issue page up to the final 발급 button. */
export async function loginAndWalk(page: Page, env: E2e, options: WalkOptions = {}): Promise<void> {
  await memberLogin(page, demoLogins.member.userId, demoLogins.member.password);
  await walkToStorage(page, env, options);
}

/** The demo member logs in on `page` and is issued a certificate: the walk, 발급, the done screen. */
export async function loginAndIssue(page: Page, env: E2e, options: WalkOptions = {}): Promise<void> {
  await loginAndWalk(page, env, options);
  await pressIssue(page);
  await issued(page);
}

/** The member's certificates as the server lists them. */
export async function serverCertificates(
  page: Page,
): Promise<{ serial: string; purpose: string; status: string; notAfter: string }[]> {
  return page.evaluate(async () => {
    const r = await fetch("/api/certcenter/certificates", { credentials: "same-origin" });
    return (
      (await r.json()) as {
        certificates: { serial: string; purpose: string; status: string; notAfter: string }[];
      }
    ).certificates;
  });
}
