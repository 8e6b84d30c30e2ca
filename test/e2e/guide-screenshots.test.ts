// The pictures of docs/certcenter-guide.md, made by walking the real app in Chromium once in Korean
// and once in English (the site's own language switch, as a member turns it): issuance step by step
// (the progress list held while the CA is asked), the centre, the selection window, certificate
// login, a signed transfer, the reissue phone check and a renewal. Each picture is taken only once
// the page is axe clean, free of CSP violations and in the language its name says; they land in
// test-results/e2e/guide/ and `npm run docs:screenshots` copies them into docs/images/certcenter/.
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Page, Route } from "playwright-core";
import { describe, expect, it } from "vitest";
import { demoLogins } from "../../src/demo/seed.ts";
import { en as ccEn } from "../../web/src/certcenter/i18n/en.ts";
import { type CertcenterMessages, ko as ccKo } from "../../web/src/certcenter/i18n/ko.ts";
import { en as siteEn } from "../../web/src/i18n/en.ts";
import { type Messages, ko as siteKo } from "../../web/src/i18n/ko.ts";
import { formatWon } from "../../web/src/lib/won.ts";
import {
  certPassword,
  demoPhoneCode,
  demoPin,
  demoRrn,
  escapeRegExp,
  serverCertificates,
} from "./support/certcenter.ts";
import { axeViolations, cspViolationsOf, e2ePerTest, settled, viewports } from "./support/harness.ts";
import { demandAccountByName, demoOtpCode } from "./support/ledger.ts";
import { onPage } from "./support/ui.ts";

type Lang = "ko" | "en";
const words: Record<Lang, { site: Messages; cc: CertcenterMessages; memo: string }> = {
  ko: { site: siteKo, cc: ccKo, memo: "서명 이체" },
  en: { site: siteEn, cc: ccEn, memo: "Signed transfer" },
};

const root = resolve(import.meta.dirname, "../..");
const out = join(root, "test-results/e2e/guide");
const guide = readFileSync(join(root, "docs/certcenter-guide.md"), "utf8");

/** The pictures the guide shows in one language, by file name ("ko-issue-1-terms.png"). */
function guidePictures(lang: Lang): string[] {
  const names = [...guide.matchAll(/\]\(images\/certcenter\/([^)]+\.png)\)/g)].map((m) => m[1] as string);
  return [...new Set(names.filter((n) => n.startsWith(`${lang}-`)))].sort();
}

const startForTest = e2ePerTest();

/**
 * Takes one picture: the page settled (unless it is mid-work on purpose), in `lang` with `title`
 * as its heading, axe clean and no CSP violation. A page is taken whole, scrolled to the end first
 * so a phone's tab bar is drawn where a member sees it; a page under the certificate window is
 * taken as the screen shows it, the window and its backdrop filling the picture.
 */
function camera(lang: Lang, made: string[]) {
  return async function shoot(
    page: Page,
    name: string,
    title: string,
    options: { phone?: boolean; busy?: boolean; window?: boolean } = {},
  ): Promise<void> {
    const file = `${lang}-${name}${options.phone ? "-phone" : ""}.png`;
    if (options.phone) await page.setViewportSize(viewports.phone);
    if (options.busy) await page.evaluate(() => document.fonts.ready.then(() => undefined));
    else await settled(page);
    expect(await page.evaluate(() => document.documentElement.lang), `<html lang> of ${file}`).toBe(lang);
    // The page's own heading (a modal window open over it leaves it in the page, not in the a11y tree).
    expect((await page.locator("h1").first().textContent())?.trim(), `heading of ${file}`).toBe(title);
    expect(await axeViolations(page), `axe on ${file}`).toEqual([]);
    expect(cspViolationsOf(page), `CSP violations on ${file}`).toEqual([]);
    if (options.window) {
      await page.screenshot({ path: join(out, file), animations: "disabled" });
    } else {
      await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      await page.screenshot({ path: join(out, file), fullPage: true, animations: "disabled" });
      await page.evaluate(() => window.scrollTo(0, 0));
    }
    if (options.phone) await page.setViewportSize(viewports.desktop);
    made.push(file);
  };
}

/** Logs the demo member in with the password; the login page is turned to `lang` first, by its switch. */
async function logIn(page: Page, lang: Lang): Promise<void> {
  const { site } = words[lang];
  await page.goto("/login");
  await page.locator("h1").first().waitFor();
  const shown = await page.evaluate(() => document.documentElement.lang);
  if (shown !== lang)
    await page.getByRole("button", { name: words[shown as Lang].site.common.switchLanguage }).click();
  await onPage(page, site.login.title);
  await page.getByLabel(site.login.userId, { exact: true }).fill(demoLogins.member.userId);
  await page.getByLabel(site.login.password, { exact: true }).fill(demoLogins.member.password);
  await page.getByRole("button", { name: site.login.submit, exact: true }).click();
  await onPage(page, site.home.title);
}

/** The selection window once it lists this browser's certificate. */
async function windowListing(page: Page, cc: CertcenterMessages) {
  const dialog = page.getByRole("dialog", { name: cc.window.title });
  await dialog.getByRole("row").filter({ hasText: cc.purpose.bank }).first().waitFor();
  return dialog;
}

async function typeInWindow(page: Page, cc: CertcenterMessages, password: string): Promise<void> {
  const dialog = page.getByRole("dialog", { name: cc.window.title });
  await dialog.getByLabel(cc.window.password, { exact: true }).fill(password);
  await dialog.getByRole("button", { name: cc.window.confirm, exact: true }).click();
}

describe("the guide's pictures", () => {
  it("the guide shows the same pictures in English as in Korean", () => {
    const ko = guidePictures("ko").map((n) => n.slice(3));
    expect(ko.length).toBeGreaterThan(0);
    expect(guidePictures("en").map((n) => n.slice(3))).toEqual(ko);
  });

  // The English walk runs in every suite (nothing else walks the English screens end to end); the
  // Korean one repeats what certcenter-flows already walks, so it runs when the pictures are remade.
  const langs: Lang[] = process.env.GEUMGO_GUIDE_SHOTS === "1" ? ["ko", "en"] : ["en"];
  it.each(langs)(
    "in %s: every picture the guide shows, taken from the real app",
    async (lang) => {
      const env = await startForTest();
      const { site, cc, memo } = words[lang];
      mkdirSync(out, { recursive: true });
      for (const f of readdirSync(out)) if (f.startsWith(`${lang}-`)) rmSync(join(out, f));
      const made: string[] = [];
      const shoot = camera(lang, made);
      const context = await env.context("desktop");
      const page = await context.newPage();
      // The browser's clock is the server's: certificate dates, CMP message times and signing times agree.
      await page.clock.setFixedTime(env.clock.now());
      const pageErrors: string[] = [];
      page.on("pageerror", (e) => pageErrors.push(e.message));
      await logIn(page, lang);

      // Issuance, step by step.
      await page.goto("/certcenter/issue");
      await onPage(page, cc.issue.title);
      await page.getByRole("button", { name: cc.issue.next, exact: true }).click();
      await page.getByRole("alert").getByText(cc.issue.termsMissing).first().waitFor();
      await shoot(page, "issue-1-terms", cc.issue.title);
      await page.getByLabel(cc.issue.agreeAll).check();
      await page.getByRole("button", { name: cc.issue.next, exact: true }).click();
      await page.getByRole("group", { name: cc.issue.purposeTitle }).waitFor();
      await page.getByLabel(cc.purposeLong.universal).check();
      await page.getByLabel(cc.issue.feeAccount).waitFor();
      await shoot(page, "issue-2-purpose-fee", cc.issue.title);
      await page.getByLabel(cc.purposeLong.bank).check();
      await page.getByRole("button", { name: cc.issue.next, exact: true }).click();
      await page.getByRole("heading", { name: cc.issue.identityTitle }).waitFor();
      await page.getByLabel(cc.issue.rrn, { exact: true }).fill(demoRrn);
      await page.getByLabel(cc.issue.pin, { exact: true }).fill(demoPin);
      await page.locator("#cc-otp").fill(await demoOtpCode(env, demoLogins.member.userId));
      await page.clock.setFixedTime(env.clock.now());
      await shoot(page, "issue-3-identity", cc.issue.title);
      await page.getByRole("button", { name: cc.issue.next, exact: true }).click();
      await page.getByRole("heading", { name: cc.issue.passwordTitle }).waitFor();
      await page.getByLabel(cc.issue.password, { exact: true }).fill(certPassword);
      await page.getByLabel(cc.issue.passwordAgain, { exact: true }).fill(`${certPassword.slice(0, -1)}y`);
      await page.getByRole("button", { name: cc.issue.next, exact: true }).click();
      await page.getByText(cc.issue.passwordMismatch).first().waitFor();
      await shoot(page, "issue-4-password-rules", cc.issue.title);
      await page.getByLabel(cc.issue.passwordAgain, { exact: true }).fill(certPassword);
      await page.getByRole("button", { name: cc.issue.next, exact: true }).click();
      const storage = page.getByRole("group", { name: cc.issue.storageTitle });
      await storage.waitFor();
      await storage
        .getByRole("radio", { name: new RegExp(`^${escapeRegExp(cc.issue.storage.browser)}`) })
        .check();
      await shoot(page, "issue-5-storage", cc.issue.title);
      await shoot(page, "issue-5-storage", cc.issue.title, { phone: true });

      // The progress list, caught while the CA is asked: the page's real CMP request is held at the
      // browser until the picture is taken, then goes on to the server unchanged.
      let reach = () => {};
      const reached = new Promise<void>((done) => {
        reach = done;
      });
      let release = () => {};
      const released = new Promise<void>((done) => {
        release = done;
      });
      let first = true;
      const hold = async (route: Route) => {
        if (first) {
          first = false;
          reach();
          await released;
        }
        await route.continue();
      };
      await page.route("**/pki/cmp", hold);
      await page.getByRole("button", { name: cc.steps.progress, exact: true }).click();
      await reached;
      const progress = page.getByRole("region", { name: cc.issue.progressTitle });
      await progress.waitFor();
      expect(await progress.getAttribute("aria-busy")).toBe("true");
      await progress.getByText(cc.issue.progressLive(cc.issue.progress.enrol)).waitFor();
      await shoot(page, "issue-6-progress", cc.issue.title, { busy: true });
      release();
      await page.getByRole("heading", { name: cc.issue.doneTitle, level: 2 }).waitFor({ timeout: 120_000 });
      await page.unroute("**/pki/cmp", hold);
      // The done page names the place in words that read as one ("Stored in this browser.").
      if (lang === "en") expect(cc.issue.doneText("browser")).toMatch(/^Stored in this browser\./);
      await page.getByText(cc.issue.doneText("browser")).waitFor();
      await shoot(page, "issue-7-done-backup", cc.issue.title);

      // The centre lists it; the selection window finds it in this browser.
      await page.goto("/certcenter");
      await onPage(page, cc.title);
      await page.locator("tr").filter({ hasText: cc.status.valid }).first().waitFor();
      await shoot(page, "centre-home", cc.title);
      await shoot(page, "centre-home", cc.title, { phone: true });
      await page.goto("/certcenter/manage");
      await onPage(page, cc.menu.manage);
      await page.getByRole("button", { name: cc.window.title, exact: true }).click();
      const managed = await windowListing(page, cc);
      await shoot(page, "selection-window", cc.menu.manage, { window: true });
      const password = managed.getByLabel(cc.window.password, { exact: true });
      await password.focus();
      // The browser reports Caps Lock on each key event (getModifierState); a key typed with it on:
      await password.evaluate((input) => {
        for (const type of ["keydown", "keyup"])
          input.dispatchEvent(new KeyboardEvent(type, { key: "A", bubbles: true, modifierCapsLock: true }));
      });
      await managed.getByText(cc.window.capsLock).waitFor();
      await shoot(page, "password-caps-lock", cc.menu.manage, { window: true });
      await page.keyboard.press("Escape");
      await managed.waitFor({ state: "hidden" });

      await page.goto("/certcenter/faq");
      await onPage(page, cc.faq.title);
      await page.locator("details#faq-forgot summary").click();
      await shoot(page, "faq", cc.faq.title, { phone: true });

      // Certificate login: the window on a phone, then a wrong password, then the right one.
      await page.getByRole("button", { name: site.common.logout }).first().click();
      await onPage(page, site.login.title);
      await page.getByRole("button", { name: site.login.certificateLogin }).click();
      const loginWindow = await windowListing(page, cc);
      await shoot(page, "login-window", site.login.title, { phone: true, window: true });
      await typeInWindow(page, cc, "Wrong#pass1");
      await loginWindow.getByText(cc.window.wrong(1, 3)).waitFor();
      await shoot(page, "login-wrong-password", site.login.title, { window: true });
      await page.clock.setFixedTime(env.clock.now());
      await typeInWindow(page, cc, certPassword);
      await onPage(page, site.home.title);

      // A transfer, signed with the certificate.
      const to = await demandAccountByName(env, "김영희");
      await page.goto("/transfer");
      await onPage(page, site.transfer.title);
      await page.getByLabel(site.transfer.to, { exact: true }).fill(to.number);
      await page.getByLabel(site.transfer.amount, { exact: true }).fill("12000");
      await page.getByLabel(site.transfer.memoOptional, { exact: true }).fill(memo);
      await page.getByRole("button", { name: site.transfer.next, exact: true }).click();
      await onPage(page, site.transfer.confirmTitle);
      await page.getByRole("heading", { name: site.transfer.signTitle }).waitFor();
      await page.getByLabel(site.transfer.pin, { exact: true }).fill(demoPin);
      await page
        .getByLabel(site.transfer.otp, { exact: true })
        .fill(await demoOtpCode(env, demoLogins.member.userId));
      await page.clock.setFixedTime(env.clock.now());
      await shoot(page, "transfer-confirm", site.transfer.confirmTitle);
      await page.getByRole("button", { name: site.transfer.send(formatWon(12000n, lang)) }).click();
      await windowListing(page, cc);
      await shoot(page, "transfer-sign-window", site.transfer.confirmTitle, { window: true });
      await typeInWindow(page, cc, certPassword);
      await onPage(page, site.transfer.doneTitle);
      await page.getByRole("link", { name: site.transfer.signatureDownload }).waitFor();
      await shoot(page, "transfer-receipt", site.transfer.doneTitle, { phone: true });

      // Reissue: as far as the code sent to the registered phone.
      await page.goto("/certcenter/reissue");
      await onPage(page, cc.issue.reissueTitle);
      await page.getByLabel(cc.issue.agreeAll).check();
      await page.getByRole("button", { name: cc.issue.next, exact: true }).click();
      await page.getByRole("heading", { name: cc.issue.identityTitle }).waitFor();
      await page.getByLabel(cc.issue.reissueReason, { exact: true }).selectOption("forgotten");
      await page.getByLabel(cc.issue.rrn, { exact: true }).fill(demoRrn);
      await page.getByLabel(cc.issue.pin, { exact: true }).fill(demoPin);
      await page.locator("#cc-otp").fill(await demoOtpCode(env, demoLogins.member.userId));
      await page.clock.setFixedTime(env.clock.now());
      await page.getByRole("button", { name: cc.issue.next, exact: true }).click();
      await page.getByRole("heading", { name: cc.issue.phoneTitle }).waitFor();
      await page.getByRole("button", { name: cc.issue.phoneSend, exact: true }).click();
      await page.getByText("010-****-5678").first().waitFor();
      const code = await demoPhoneCode(page);
      expect(code).toMatch(/^[0-9]{6}$/);
      await page.getByLabel(cc.issue.phoneCode, { exact: true }).fill(code ?? "");
      await shoot(page, "reissue-phone-code", cc.issue.reissueTitle);

      // Renewal, 20 days before the certificate expires (the member logs in again by then).
      const [current] = await serverCertificates(page);
      expect(current?.status).toBe("valid");
      env.clock.at = new Date(Date.parse(current?.notAfter ?? "") - 20 * 86_400_000);
      await page.clock.setFixedTime(env.clock.now());
      await context.clearCookies();
      await logIn(page, lang);
      await page.goto("/certcenter/renew");
      await onPage(page, cc.issue.renewTitle);
      await page.getByRole("button", { name: cc.issue.renewChoose, exact: true }).click();
      const renewWindow = await windowListing(page, cc);
      await renewWindow.getByLabel(cc.window.password, { exact: true }).fill(certPassword);
      await shoot(page, "renew-window", cc.issue.renewTitle, { window: true });
      await renewWindow.getByRole("button", { name: cc.window.confirm, exact: true }).click();
      await page
        .getByRole("heading", { name: cc.issue.doneTitle, level: 2 })
        .or(page.getByRole("heading", { name: cc.issue.failedTitle, level: 2 }))
        .first()
        .waitFor({ timeout: 120_000 });
      expect(await page.getByRole("heading", { name: cc.issue.failedTitle }).count()).toBe(0);
      const after = await serverCertificates(page);
      expect(after.filter((c) => c.status === "valid")).toHaveLength(1);
      expect(after.find((c) => c.serial === current?.serial)?.status).toBe("revoked");
      await shoot(page, "renewed", cc.issue.renewTitle);

      expect(pageErrors).toEqual([]);
      await context.close();
      // Every picture the guide shows in this language was made here, and nothing it does not show.
      expect(made.sort()).toEqual(guidePictures(lang));
    },
    360_000,
  );
});
