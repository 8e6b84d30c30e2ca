// The certificate centre's flows end to end in Chromium, against the real server and CA: issuance
// with online identity proofing (the demo member's RRN, passbook PIN and OTP) to this browser, to a
// folder (an origin-private directory handed where the native picker would open, its files read
// back and checked with our npki tools and OpenSSL) and as a universal certificate to a .zip
// download (its fee captured once); a teller's slip enrolled online; renewal after the expiry notice;
// reissue after a forgotten password (the old certificate revoked as openssl ocsp reads it); a tab
// closed mid-issuance. Each flow at a desktop and a phone width, each on its own server; each step:
// axe clean, screenshot kept per width, no CSP violation.
import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import type { BrowserContext, Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { tellerActor } from "../../src/branch/desk.ts";
import { authorizeForUser } from "../../src/certcenter/authorize.ts";
import { sendExpiryNotices } from "../../src/certcenter/expiry-notices.ts";
import { demoLogins } from "../../src/demo/seed.ts";
import { ko as cc } from "../../web/src/certcenter/i18n/ko.ts";
import {
  certPassword,
  demoPhoneCode,
  demoPin,
  demoRrn,
  issued,
  loginAndIssue,
  loginAndWalk,
  pressIssue,
  serverCertificates,
} from "./support/certcenter.ts";
import { type E2e, e2ePerTest, pageErrors, steps, type Viewport, viewportNames } from "./support/harness.ts";
import { accountByNumber, demandAccountOf, demoOtpCode } from "./support/ledger.ts";
import { alertText, ko, memberLogin, onPage, shownText } from "./support/ui.ts";

const execFileAsync = promisify(execFile);
const root = join(import.meta.dirname, "../..");
/** The `geumgo` command bundled for this run (test/support/cli-bundle.ts). */
const geumgoCli = inject("geumgoCli");

const startForTest = e2ePerTest();

/**
 * What a member could not reach at this width: anything to read or press that reaches past the
 * screen's sides (a page wider than the screen, a box cutting a button off), and an open dialog
 * that does not fit the screen. Playwright's clicks scroll to what they press, so they would not
 * notice; a member on a phone would.
 */
async function outOfReach(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const height = document.documentElement.clientHeight;
    const found: string[] = [];
    if (document.documentElement.scrollWidth > width)
      found.push(`the page is ${document.documentElement.scrollWidth}px wide on a ${width}px screen`);
    const name = (el: Element) =>
      `<${el.tagName.toLowerCase()}> "${(el.textContent ?? "").trim().slice(0, 40)}"`;
    const shown = "button, a[href], input, select, textarea, label, h1, h2, h3, p, th, td, li, dialog[open]";
    for (const el of document.querySelectorAll(shown)) {
      const r = el.getBoundingClientRect();
      // Not drawn, or drawn for screen readers only (a 1px box).
      if (r.width <= 1 || r.height <= 1) continue;
      if (r.left < -0.5 || r.right > width + 0.5)
        found.push(`${name(el)} spans ${Math.round(r.left)}–${Math.round(r.right)}px of ${width}px`);
    }
    for (const dialog of document.querySelectorAll("dialog[open]")) {
      const r = dialog.getBoundingClientRect();
      if (r.top < -0.5 || r.bottom > height + 0.5)
        found.push(
          `${name(dialog)} spans ${Math.round(r.top)}–${Math.round(r.bottom)}px of a ${height}px screen`,
        );
    }
    return found;
  });
}

/** The harness's steps (axe, CSP, screenshot), and nothing out of reach at this width. */
function reachableSteps(flow: string, viewport: Viewport): ReturnType<typeof steps> {
  const step = steps(flow, viewport);
  return async (page, name) => {
    await step(page, name);
    expect(await outOfReach(page), `out of reach on ${flow} ${name} (${viewport})`).toEqual([]);
  };
}

interface Opened {
  env: E2e;
  step: ReturnType<typeof steps>;
  context: BrowserContext;
  page: Page;
  /** The page's uncaught errors so far. */
  errors: string[];
}

/**
 * A fresh server and a browser profile at this width, one page open in it: each flow at each
 * width starts from nothing. `prepare` runs on the profile before the page opens.
 */
async function open(
  flow: string,
  viewport: Viewport,
  prepare?: (context: BrowserContext) => Promise<unknown>,
): Promise<Opened> {
  const env = await startForTest();
  const step = reachableSteps(flow, viewport);
  const context = await env.context(viewport);
  await prepare?.(context);
  const page = await context.newPage();
  return { env, step, context, page, errors: pageErrors(page) };
}

/** The centre's home lists a certificate of this purpose as valid (정상). */
async function homeListsValid(page: Page, purpose: "bank" | "universal"): Promise<void> {
  await page.goto("/certcenter");
  await onPage(page, cc.title);
  const row = page.locator("tr").filter({ hasText: cc.purpose[purpose] });
  await row.first().waitFor();
  expect(await shownText(row.first())).toContain(cc.status.valid);
}

/** Runs our CLI in node (`geumgo …`). */
function geumgo(args: string[]): string {
  return execFileSync(process.execPath, [geumgoCli, ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
}

function openssl(args: string[]): string {
  return execFileSync("openssl", args, { encoding: "utf8" });
}

/** The CA certificate the page checks against, as PEM in `dir`. */
async function caPem(page: Page, dir: string): Promise<string> {
  const b64 = await page.evaluate(async () => {
    const r = await fetch("/api/certcenter/certificates", { credentials: "same-origin" });
    return ((await r.json()) as { caCertificate: string }).caCertificate;
  });
  const der = join(dir, "ca.der");
  writeFileSync(der, Buffer.from(b64, "base64"));
  const pem = join(dir, "ca.pem");
  openssl(["x509", "-inform", "DER", "-in", der, "-out", pem]);
  return pem;
}

/**
 * Every NPKI certificate folder under `dir`, checked in node: `geumgo npki list` finds it, the
 * key file opens with the certificate password (`geumgo npki decrypt`) and is the certificate's
 * key (OpenSSL's public keys agree), the VID matches the member's RRN (R kept in the key file),
 * and OpenSSL verifies the certificate against the CA's.
 */
function checkNpkiTree(dir: string, ca: string): { path: string; purpose?: string }[] {
  const found = (
    JSON.parse(geumgo(["npki", "list", dir, "--json"])) as {
      certificates: { path: string; hasKey: boolean; purpose?: string }[];
    }
  ).certificates;
  const secrets = mkdtempSync(join(tmpdir(), "geumgo-flows-secret-"));
  const passwordFile = join(secrets, "password");
  writeFileSync(passwordFile, `${certPassword}\n`);
  const rrnFile = join(secrets, "rrn");
  writeFileSync(rrnFile, `${demoRrn}\n`);
  for (const [i, { path, hasKey }] of found.entries()) {
    expect(hasKey).toBe(true);
    const cert = join(path, "signCert.der");
    const pem = join(secrets, `key-${i}.pem`);
    geumgo(["npki", "decrypt", path, "--password-file", passwordFile, "--out", pem, "--force"]);
    expect(openssl(["pkey", "-in", pem, "-pubout"])).toBe(
      openssl(["x509", "-inform", "DER", "-in", cert, "-noout", "-pubkey"]),
    );
    geumgo(["npki", "check-vid", path, "--password-file", passwordFile, "--rrn-file", rrnFile]);
    const certPem = join(secrets, "cert.pem");
    openssl(["x509", "-inform", "DER", "-in", cert, "-out", certPem]);
    expect(openssl(["verify", "-partial_chain", "-CAfile", ca, certPem])).toContain(": OK");
  }
  return found;
}

describe("the certificate centre's flows", () => {
  // Every flow at both widths: a member on a phone goes through each of them too.
  for (const viewport of viewportNames) {
    it(`(a) issues a bank-use certificate to this browser after online identity proofing, at ${viewport} width`, async () => {
      const { env, step, context, page, errors } = await open("certcenter-issue-browser", viewport);
      await loginAndIssue(page, env, { purpose: "bank", storage: "browser", step });
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

    it(`(b) issues to a folder the member picks, in the NPKI layout that our tools and OpenSSL read, at ${viewport} width`, async () => {
      const { env, step, context, page, errors } = await open("certcenter-issue-folder", viewport, (c) =>
        // Where the native folder picker would open: the origin-private directory, a real directory handle.
        c.addInitScript(() => {
          (
            window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle> }
          ).showDirectoryPicker = () => navigator.storage.getDirectory();
        }),
      );
      await loginAndIssue(page, env, { purpose: "bank", storage: "folder", step });
      await step(page, "done");
      // The files, read back out of the origin-private directory.
      const files = await page.evaluate(async () => {
        const out: { path: string; base64: string }[] = [];
        async function walk(dir: FileSystemDirectoryHandle, prefix: string): Promise<void> {
          for await (const [name, handle] of (
            dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }
          ).entries()) {
            if (handle.kind === "directory")
              await walk(handle as FileSystemDirectoryHandle, `${prefix}${name}/`);
            else {
              const bytes = new Uint8Array(
                await (await (handle as FileSystemFileHandle).getFile()).arrayBuffer(),
              );
              let binary = "";
              for (const b of bytes) binary += String.fromCharCode(b);
              out.push({ path: `${prefix}${name}`, base64: btoa(binary) });
            }
          }
        }
        await walk(await navigator.storage.getDirectory(), "");
        return out;
      });
      const paths = files.map((f) => f.path).sort();
      expect(paths).toHaveLength(2);
      expect(paths[0]).toMatch(/^NPKI\/[^/]+\/USER\/[^/]+\/signCert\.der$/);
      expect(paths[1]).toMatch(/^NPKI\/[^/]+\/USER\/[^/]+\/signPri\.key$/);
      const dir = mkdtempSync(join(tmpdir(), "geumgo-flows-folder-"));
      for (const f of files) {
        mkdirSync(dirname(join(dir, f.path)), { recursive: true });
        writeFileSync(join(dir, f.path), Buffer.from(f.base64, "base64"));
      }
      expect(checkNpkiTree(dir, await caPem(page, dir))).toHaveLength(1);
      await homeListsValid(page, "bank");
      expect(errors).toEqual([]);
      await context.close();
    }, 240_000);

    it(`(c) issues a universal certificate as a .zip download, its fee taken exactly once, at ${viewport} width`, async () => {
      const { env, step, context, page, errors } = await open("certcenter-issue-zip", viewport);
      const feeAccount = await demandAccountOf(env, demoLogins.member.userId);
      const before = await accountByNumber(env, feeAccount.number);
      await loginAndWalk(page, env, { purpose: "universal", storage: "zip", step });
      // Authorised: the fee is held on the account, not yet taken.
      const held = await accountByNumber(env, feeAccount.number);
      expect(held.balance).toBe(before.balance);
      expect(held.available).toBe(before.available - 4400n);
      const download = page.waitForEvent("download", { timeout: 120_000 });
      await pressIssue(page);
      const file = await download;
      expect(file.suggestedFilename()).toBe("NPKI.zip");
      await issued(page);
      await step(page, "done");
      const dir = mkdtempSync(join(tmpdir(), "geumgo-flows-zip-"));
      const zip = join(dir, "NPKI.zip");
      await file.saveAs(zip);
      execFileSync("unzip", ["-q", zip, "-d", join(dir, "out")]);
      const found = checkNpkiTree(join(dir, "out"), await caPem(page, dir));
      expect(found).toHaveLength(1);
      expect(found[0]?.purpose).toBe("universal");
      // Captured once: 4,400 won left the account, and nothing stays held.
      const after = await accountByNumber(env, feeAccount.number);
      expect(after.balance).toBe(before.balance - 4400n);
      expect(after.available).toBe(before.available - 4400n);
      await homeListsValid(page, "universal");
      await step(page, "home-valid");
      // Reloading the centre takes nothing more.
      expect((await accountByNumber(env, feeAccount.number)).balance).toBe(before.balance - 4400n);
      expect(errors).toEqual([]);
      await context.close();
    }, 240_000);

    it(`(d) enrols a teller's slip online and stores it in this browser, at ${viewport} width`, async () => {
      const { env, step, context, page, errors } = await open("certcenter-slip", viewport);
      // At the branch: the teller authorises an issuance for the member (the slip printed for them).
      const slip = await authorizeForUser(
        { bank: env.app.bank, ca: env.app.ca },
        {
          userId: demoLogins.member.userId,
          purpose: "bank",
          channel: "branch",
          actor: tellerActor("teller01"),
        },
      );
      await memberLogin(page, demoLogins.member.userId, demoLogins.member.password);
      await page.goto("/certcenter/slip");
      await onPage(page, cc.issue.slipTitle);
      await page.getByLabel(cc.issue.referenceNumber, { exact: true }).fill(slip.referenceNumber);
      await page.getByLabel(cc.issue.authorizationCode, { exact: true }).fill(slip.authorizationCode);
      await step(page, "slip");
      await page.getByRole("button", { name: cc.issue.next, exact: true }).click();
      await page.getByLabel(cc.issue.password, { exact: true }).fill(certPassword);
      await page.getByLabel(cc.issue.passwordAgain, { exact: true }).fill(certPassword);
      await page.getByRole("button", { name: cc.issue.next, exact: true }).click();
      await page.getByRole("group", { name: cc.issue.storageTitle }).waitFor();
      await pressIssue(page);
      await issued(page);
      await step(page, "done");
      await homeListsValid(page, "bank");
      // The slip is spent: the same reference and code again are refused by the CA, nothing issued.
      await page.goto("/certcenter/slip");
      await page.getByLabel(cc.issue.referenceNumber, { exact: true }).fill(slip.referenceNumber);
      await page.getByLabel(cc.issue.authorizationCode, { exact: true }).fill(slip.authorizationCode);
      await page.getByRole("button", { name: cc.issue.next, exact: true }).click();
      await page.getByLabel(cc.issue.password, { exact: true }).fill(certPassword);
      await page.getByLabel(cc.issue.passwordAgain, { exact: true }).fill(certPassword);
      await page.getByRole("button", { name: cc.issue.next, exact: true }).click();
      await pressIssue(page);
      await page.getByRole("heading", { name: cc.issue.failedTitle, level: 2 }).waitFor({ timeout: 120_000 });
      const refusal = await alertText(page);
      expect(refusal).toContain(cc.issue.failedNothing);
      // Worded from the CA's refusal code, not the generic error.
      expect(refusal).not.toContain(ko.errors.generic);
      await step(page, "slip-spent");
      expect((await serverCertificates(page)).filter((c) => c.status === "valid")).toHaveLength(1);
      expect(errors).toEqual([]);
      await context.close();
    }, 240_000);

    it(`(e) renews in the renewal window with the selection window, after the expiry notice, at ${viewport} width`, async () => {
      const { env, step, context, page, errors } = await open("certcenter-renew", viewport);
      await loginAndIssue(page, env, { purpose: "bank", storage: "browser", step });
      const [old] = await serverCertificates(page);
      expect(old).toBeDefined();
      // 20 days before it expires: the notice job runs, the member logs in again (the session has long ended).
      env.clock.at = new Date(Date.parse(old!.notAfter) - 20 * 86_400_000);
      await sendExpiryNotices({ bank: env.app.bank, ca: env.app.ca });
      // The member's computer lives in the same moment (the CA refuses a CMP message more than five minutes off).
      await context.clock.setSystemTime(env.clock.now());
      await context.clearCookies();
      await memberLogin(page, demoLogins.member.userId, demoLogins.member.password);
      await page.goto("/notifications");
      await page.getByText("공동인증서 만료").first().waitFor();
      await step(page, "expiry-notice");
      await page.goto("/certcenter/renew");
      await onPage(page, cc.issue.renewTitle);
      await step(page, "renew");
      await page.getByRole("button", { name: cc.issue.renewChoose, exact: true }).click();
      const dialog = page.getByRole("dialog", { name: cc.window.title });
      await dialog.getByRole("row").filter({ hasText: cc.purpose.bank }).first().waitFor();
      await dialog.getByLabel(cc.window.password, { exact: true }).fill(certPassword);
      await step(page, "renew-window");
      await dialog.getByRole("button", { name: cc.window.confirm, exact: true }).click();
      await page
        .getByRole("heading", { name: cc.issue.doneTitle, level: 2 })
        .or(page.getByRole("heading", { name: cc.issue.failedTitle, level: 2 }))
        .or(dialog.getByRole("alert"))
        .first()
        .waitFor({ timeout: 120_000 });
      expect(await shownText(page.locator("main"))).not.toContain(cc.issue.failedTitle);
      await step(page, "renewed");
      const after = await serverCertificates(page);
      const renewed = after.find((c) => c.serial !== old!.serial && c.status === "valid");
      expect(renewed).toBeDefined();
      expect(Date.parse(renewed!.notAfter)).toBeGreaterThan(Date.parse(old!.notAfter));
      // This browser now holds the new one in the old one's place.
      await page.goto("/certcenter/manage");
      await page.getByRole("button", { name: cc.window.title, exact: true }).click();
      const listed = page.getByRole("dialog", { name: cc.window.title });
      await listed.getByRole("row").filter({ hasText: cc.purpose.bank }).first().waitFor();
      expect(await listed.getByRole("row").filter({ hasText: cc.purpose.bank }).count()).toBe(1);
      expect(await shownText(listed)).toContain(renewed!.notAfter.slice(0, 4));
      expect(errors).toEqual([]);
      await context.close();
    }, 300_000);

    it(`(f) reissues after a forgotten password: a code to the phone, the old certificate revoked (openssl ocsp), at ${viewport} width`, async () => {
      const { env, step, context, page, errors } = await open("certcenter-reissue", viewport);
      await loginAndIssue(page, env, { purpose: "bank", storage: "browser", step });
      const [old] = await serverCertificates(page);
      expect(old?.status).toBe("valid");
      await page.goto("/certcenter/reissue");
      await onPage(page, cc.issue.reissueTitle);
      await page.getByLabel(cc.issue.agreeAll).check();
      await page.getByRole("button", { name: cc.issue.next, exact: true }).click();
      await page.getByRole("heading", { name: cc.issue.identityTitle }).waitFor();
      await page.getByLabel(cc.issue.reissueReason, { exact: true }).selectOption("forgotten");
      await page.getByLabel(cc.issue.rrn, { exact: true }).fill(demoRrn);
      await page.getByLabel(cc.issue.pin, { exact: true }).fill(demoPin);
      await page.locator("#cc-otp").fill(await demoOtpCode(env, demoLogins.member.userId));
      await step(page, "identity");
      await page.getByRole("button", { name: cc.issue.next, exact: true }).click();
      await page.getByRole("heading", { name: cc.issue.phoneTitle }).waitFor();
      await page.getByRole("button", { name: cc.issue.phoneSend, exact: true }).click();
      await page.getByText("010-****-5678").first().waitFor();
      const code = await demoPhoneCode(page);
      expect(code).toMatch(/^[0-9]{6}$/);
      await page.getByLabel(cc.issue.phoneCode, { exact: true }).fill(code!);
      await step(page, "phone-code");
      await page.getByRole("button", { name: cc.issue.next, exact: true }).click();
      await page.getByLabel(cc.issue.password, { exact: true }).fill("Fresh#start58q");
      await page.getByLabel(cc.issue.passwordAgain, { exact: true }).fill("Fresh#start58q");
      await page.getByRole("button", { name: cc.issue.next, exact: true }).click();
      await page.getByRole("group", { name: cc.issue.storageTitle }).waitFor();
      await pressIssue(page);
      await issued(page);
      await step(page, "done");
      const after = await serverCertificates(page);
      const fresh = after.find((c) => c.serial !== old!.serial && c.status === "valid");
      expect(fresh).toBeDefined();
      expect(after.find((c) => c.serial === old!.serial)?.status ?? "revoked").toBe("revoked");

      // OpenSSL asks the server's OCSP responder about the old certificate: revoked.
      const dir = mkdtempSync(join(tmpdir(), "geumgo-flows-ocsp-"));
      const ca = await caPem(page, dir);
      const { rows } = await env.app.db.query<{ der: Uint8Array }>(
        "SELECT der FROM certificates WHERE serial = decode($1, 'hex')",
        [old!.serial],
      );
      expect(rows).toHaveLength(1);
      const oldCert = join(dir, "old.der");
      writeFileSync(oldCert, rows[0]!.der);
      const oldPem = join(dir, "old.pem");
      openssl(["x509", "-inform", "DER", "-in", oldCert, "-out", oldPem]);
      const now = env.clock.now().getTime();
      // Asynchronously: the responder is this very process, which must keep serving while OpenSSL asks.
      const ocsp = await execFileAsync(
        "openssl",
        [
          "ocsp",
          "-url",
          `${env.url}/pki/ocsp`,
          "-issuer",
          ca,
          "-CAfile",
          ca,
          "-partial_chain",
          "-cert",
          oldPem,
          "-no_nonce",
          "-attime",
          String(Math.floor(now / 1000)),
          "-validity_period",
          String(Math.ceil(Math.abs(now - Date.now()) / 1000) + 300),
        ],
        { encoding: "utf8", timeout: 30_000 },
      );
      expect(ocsp.stderr).toContain("Response verify OK");
      expect(ocsp.stdout).toContain(": revoked");
      expect(errors).toEqual([]);
      await context.close();
    }, 300_000);

    it(`(g) closing the tab while the key is being made leaves nothing issued and no fee taken, at ${viewport} width`, async () => {
      const { env, step, context, page } = await open("certcenter-closed-tab", viewport);
      const feeAccount = await demandAccountOf(env, demoLogins.member.userId);
      const before = await accountByNumber(env, feeAccount.number);
      await loginAndWalk(page, env, { purpose: "universal", storage: "browser", step });
      await pressIssue(page);
      // The key generation has begun (the progress list shows it), then the tab is closed.
      await page.getByRole("heading", { name: cc.issue.progressTitle, level: 2 }).waitFor();
      await page.close();
      await new Promise((done) => setTimeout(done, 2_000));
      const { rows } = await env.app.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM certificates WHERE status IN ('valid', 'pending')",
      );
      expect(rows[0]?.n).toBe(0);
      // The fee was only held; nothing left the account.
      expect((await accountByNumber(env, feeAccount.number)).balance).toBe(before.balance);
      await context.close();
    }, 240_000);
  }
});
