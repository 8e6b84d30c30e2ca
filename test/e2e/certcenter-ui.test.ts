// The certificate centre's screens end to end, at a desktop and a phone width: the 인증센터 menu
// item opens the centre (loaded on demand), the guide and the FAQ (also from the logged-out login
// page), the issue and branch-slip steps as far as this server goes, and the certificate
// selection window with an empty browser store — opened and closed from the keyboard, focus kept
// inside, the smartphone tab shown as coming, the password field's Caps Lock and Korean-input
// warnings, the page behind held still under the backdrop; leaving an issuance under way by a link asks first and ends it (no CMP request, nothing
// issued). Every step: axe clean, screenshot kept; and no CSP violation or console error anywhere.
import type { ConsoleMessage, Page, Route } from "playwright-core";
import { describe, expect, it } from "vitest";
import { demoLogins } from "../../src/demo/seed.ts";
import { caCertificateWords } from "../../web/src/certcenter/failure-words.ts";
import { en } from "../../web/src/certcenter/i18n/en.ts";
import { ko as cc } from "../../web/src/certcenter/i18n/ko.ts";
import { serverCertificates, walkToStorage } from "./support/certcenter.ts";
import { e2eForFile, steps, viewportNames } from "./support/harness.ts";
import { alertText, ko, memberLogin, menu, onPage, shownText } from "./support/ui.ts";

const e2e = e2eForFile();

/**
 * CSP reports, React's warnings (an update loop, a key missing) and uncaught errors, for the whole
 * page's life. A refused API call logs "Failed to load resource": the page shows it, so it is not
 * counted here.
 */
function watchCsp(page: Page): string[] {
  const found: string[] = [];
  page.on("console", (m: ConsoleMessage) => {
    if ((m.type() === "error" || m.type() === "warning") && !/^Failed to load resource/.test(m.text()))
      found.push(m.text());
  });
  page.on("pageerror", (e) => found.push(`pageerror: ${e.message}`));
  return found;
}

/** The element that has focus is inside the open dialog. */
async function focusInDialog(page: Page): Promise<boolean> {
  return page.evaluate(() => document.activeElement?.closest("dialog[open]") !== null);
}

describe("the certificate centre's screens", () => {
  it.each(viewportNames)("at %s width", async (viewport) => {
    const step = steps("certcenter-ui", viewport);
    const context = await e2e.context(viewport);

    // Logged out: the login page leads to the guide and the FAQ.
    const guest = await context.newPage();
    const guestCsp = watchCsp(guest);
    await guest.goto("/login");
    await onPage(guest, ko.login.title);
    await step(guest, "login-links");
    await guest.getByRole("link", { name: ko.login.certificateGuide, exact: true }).click();
    await onPage(guest, cc.guide.title);
    // The guide says where NPKI folders live on each system.
    const guideText = await shownText(guest.locator("main"));
    expect(guideText).toContain("AppData\\LocalLow\\NPKI");
    expect(guideText).toContain("~/Library/Preferences/NPKI");
    expect(guideText).toContain("4,400원");
    await step(guest, "guide-logged-out");
    await guest.close();
    expect(guestCsp).toEqual([]);

    const page = await context.newPage();
    const csp = watchCsp(page);
    await memberLogin(page, demoLogins.member.userId, demoLogins.member.password);
    // The first page has not loaded the centre's chunk; opening the centre does.
    const loaded = () =>
      page.evaluate(() =>
        performance.getEntriesByType("resource").some((r) => r.name.includes("/certcenter-")),
      );
    expect(await loaded()).toBe(false);
    await menu(page, ko.nav.certcenter);
    expect(await loaded()).toBe(true);
    const centreMenu = page.getByRole("navigation", { name: cc.menu.label });
    for (const item of [
      cc.menu.issue,
      cc.menu.slip,
      cc.menu.renew,
      cc.menu.reissue,
      cc.menu.guide,
      cc.menu.faq,
    ])
      await centreMenu.getByRole("link", { name: new RegExp(`^${item}`) }).waitFor();
    await step(page, "centre");

    // The guide and the FAQ from the centre.
    await centreMenu.getByRole("link", { name: new RegExp(`^${cc.menu.guide}`) }).click();
    await onPage(page, cc.guide.title);
    await step(page, "guide");
    await page.getByRole("link", { name: cc.faq.title, exact: true }).click();
    await onPage(page, cc.faq.title);
    const forgot = page.locator("details#faq-forgot");
    await forgot.locator("summary").click();
    expect(await shownText(forgot)).toContain(cc.menu.reissue);
    await step(page, "faq");

    // Issue: the terms must be agreed to; the purpose step shows the universal fee.
    await page.goto("/certcenter/issue");
    await onPage(page, cc.issue.title);
    await page.getByRole("button", { name: cc.issue.next, exact: true }).click();
    await page.getByRole("alert").getByText(cc.issue.termsMissing).first().waitFor();
    await step(page, "issue-terms-missing");
    await page.getByLabel(cc.issue.agreeAll).check();
    await page.getByRole("button", { name: cc.issue.next, exact: true }).click();
    await page.getByRole("group", { name: cc.issue.purposeTitle }).waitFor();
    await page.getByLabel(cc.purposeLong.universal).check();
    await page.getByLabel(cc.issue.feeAccount).waitFor();
    expect(await shownText(page.locator("main"))).toContain("4,400");
    await step(page, "issue-purpose");

    // The branch slip: reference number and code, then the certificate password with its rules.
    await page.goto("/certcenter/slip");
    await onPage(page, cc.issue.slipTitle);
    await page.getByLabel(cc.issue.referenceNumber, { exact: true }).fill("4061787839");
    await page.getByLabel(cc.issue.authorizationCode, { exact: true }).fill("4719912684490148");
    await step(page, "slip");
    await page.getByRole("button", { name: cc.issue.next, exact: true }).click();
    await page.getByRole("heading", { name: cc.issue.passwordTitle }).waitFor();
    const rules = page.getByRole("list", { name: cc.issue.passwordRules });
    await page.getByLabel(cc.issue.password, { exact: true }).fill("abc");
    // "abc" has a letter, nothing forbidden and no character thrice; it is short and in sequence.
    expect(await rules.locator(".rule-ok").count()).toBe(3);
    expect(
      await rules.locator(".rule-ok").filter({ hasText: cc.issue.rules.sequential_characters }).count(),
    ).toBe(0);
    await page.getByLabel(cc.issue.password, { exact: true }).fill("Plum#tree47x");
    expect(await rules.locator(".rule-ok").count()).toBe(await rules.locator("li").count());
    await page.getByLabel(cc.issue.passwordAgain, { exact: true }).fill("Plum#tree47y");
    await page.getByRole("button", { name: cc.issue.next, exact: true }).click();
    await page.getByText(cc.issue.passwordMismatch).first().waitFor();
    await step(page, "password-rules");
    await page.getByLabel(cc.issue.passwordAgain, { exact: true }).fill("Plum#tree47x");
    await page.getByRole("button", { name: cc.issue.next, exact: true }).click();
    const storage = page.getByRole("group", { name: cc.issue.storageTitle });
    await storage.waitFor();
    expect(await storage.getByRole("radio", { name: new RegExp(cc.issue.storage.phone) }).isDisabled()).toBe(
      true,
    );
    await step(page, "storage");
    // The CA certificate cannot be fetched: its own words (not "not available yet"), and 다시 시도
    // runs the same step again, as nothing reached the CA.
    const caRoute = "**/api/certcenter/certificates";
    await page.route(caRoute, (route) => route.fulfill({ status: 503, body: "" }));
    await page.getByRole("button", { name: cc.steps.progress, exact: true }).click();
    await page.getByRole("heading", { name: cc.issue.failedTitle, level: 2 }).waitFor();
    const caFailed = await alertText(page);
    expect(caFailed).toContain(caCertificateWords.ca_certificate_unavailable.ko);
    expect(caFailed).not.toContain(cc.unavailable);
    await step(page, "issue-ca-certificate-failed");
    await page.unroute(caRoute);
    await page.getByRole("button", { name: cc.issue.retrySame, exact: true }).click();
    // Issuing with a reference number no branch gave: it fails, says nothing was issued or charged.
    await page.getByRole("heading", { name: cc.issue.failedTitle, level: 2 }).waitFor();
    expect(await alertText(page)).toContain(cc.issue.failedNothing);
    expect(await alertText(page)).not.toContain(caCertificateWords.ca_certificate_unavailable.ko);
    await step(page, "issue-failed");

    // Leaving the issue page by a link in the app while the key is being made: asked first, and
    // once left, the issuance ends as a closed tab's would: the key worker is gone, no CMP request
    // reaches the CA, no certificate is issued. A key can be made faster than the click (RSA key
    // generation takes from a tenth of a second to seconds): an ir the page sends is held at the door
    // until the page has left, then let go, and must not reach the CA either.
    const cmpReached: string[] = [];
    let leave = () => {};
    const hasLeft = new Promise<void>((resolve) => {
      leave = resolve;
    });
    const holdCmp = async (route: Route) => {
      await hasLeft;
      try {
        await route.continue();
        // A request the page gave up as it left gets no response (Chromium's continue does not throw).
        if (await route.request().response()) cmpReached.push(route.request().method());
      } catch {
        // The page gave the request up as it left: nothing went to the CA.
      }
    };
    await walkToStorage(page, e2e);
    await page.route("**/pki/cmp", holdCmp);
    const asked: string[] = [];
    page.once("dialog", (d) => {
      asked.push(d.message());
      void d.accept();
    });
    await page.getByRole("button", { name: cc.steps.progress, exact: true }).click();
    await page.getByRole("heading", { name: cc.issue.progressTitle, level: 2 }).waitFor();
    await expect.poll(() => page.workers().length, { timeout: 10_000 }).toBe(1);
    await menu(page, ko.nav.certcenter);
    expect(asked).toEqual([cc.issue.leaveConfirm]);
    leave();
    await expect.poll(() => page.workers().length, { timeout: 10_000 }).toBe(0);
    // Long enough for a key the worker had finished to have gone to the CA.
    await page.waitForTimeout(2_000);
    expect(cmpReached).toEqual([]);
    await page.unroute("**/pki/cmp", holdCmp);
    expect(await serverCertificates(page)).toEqual([]);

    // Reissue and renewal open with their rules said first.
    await page.goto("/certcenter/reissue");
    await onPage(page, cc.issue.reissueTitle);
    await page.getByText(cc.issue.reissueLead).waitFor();
    await step(page, "reissue");
    await page.goto("/certcenter/renew");
    await onPage(page, cc.issue.renewTitle);
    await page.getByText(cc.issue.renewLead).waitFor();
    await step(page, "renew");

    // The selection window, with nothing in this browser's store.
    await page.goto("/certcenter/manage");
    await onPage(page, cc.menu.manage);
    const openButton = page.getByRole("button", { name: cc.window.title, exact: true });
    await openButton.focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: cc.window.title });
    await dialog.waitFor();
    expect(await focusInDialog(page)).toBe(true);
    await dialog.getByText(cc.window.empty).waitFor();
    expect(
      await dialog.getByRole("tab", { name: cc.window.places.browser }).getAttribute("aria-selected"),
    ).toBe("true");
    // Modal over the whole page: the page behind cannot scroll (so the backdrop covers all there is
    // to see, the top bar too, in the screenshot as on a phone) and the top bar takes no click.
    const scrolledTo = () =>
      page.evaluate(() => {
        window.scrollTo(0, document.documentElement.scrollHeight);
        return window.scrollY;
      });
    expect(await scrolledTo()).toBe(0);
    expect(await page.evaluate(() => document.elementFromPoint(8, 8)?.closest(".topbar") ?? null)).toBeNull();
    await expect(
      page.getByRole("button", { name: ko.common.logout }).click({ timeout: 1_000, trial: true }),
    ).rejects.toThrow();
    await step(page, "selection-window-empty");

    // Tab goes round inside the dialog, never out to the page behind.
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press("Tab");
      expect(await focusInDialog(page)).toBe(true);
    }
    // Escape closes it; focus goes back to the page; Enter opens it again.
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    await openButton.focus();
    await page.keyboard.press("Enter");
    await dialog.waitFor();

    // The tabs move with the arrow keys; the smartphone is coming.
    await dialog.getByRole("tab", { name: cc.window.places.browser }).focus();
    await page.keyboard.press("ArrowLeft");
    const phoneTab = dialog.getByRole("tab", { name: new RegExp(cc.window.places.phone) });
    expect(await phoneTab.getAttribute("aria-selected")).toBe("true");
    await dialog.getByText(cc.window.phoneComing).waitFor();
    await step(page, "selection-window-phone");
    await page.keyboard.press("ArrowRight");
    await dialog.getByText(cc.window.empty).waitFor();

    // The password field: case-sensitive, and a warning while Caps Lock is on.
    const password = dialog.getByLabel(cc.window.password, { exact: true });
    expect(await password.getAttribute("aria-describedby")).toBeTruthy();
    await dialog.getByText(cc.window.caseSensitive).waitFor();
    expect(await dialog.getByText(cc.window.capsLock).count()).toBe(0);
    await password.focus();
    // The browser reports Caps Lock on each key event (getModifierState); a key typed with it on:
    await password.evaluate((input) => {
      for (const type of ["keydown", "keyup"])
        input.dispatchEvent(new KeyboardEvent(type, { key: "A", bubbles: true, modifierCapsLock: true }));
    });
    await dialog.getByText(cc.window.capsLock).waitFor();
    await step(page, "caps-lock-warning");
    // Caps Lock off again: the warning goes.
    await password.evaluate((input) => {
      for (const type of ["keydown", "keyup"])
        input.dispatchEvent(new KeyboardEvent(type, { key: "a", bubbles: true, modifierCapsLock: false }));
    });
    await dialog.getByText(cc.window.capsLock).waitFor({ state: "detached" });
    // Korean input: a composition starts (the IME), as the 한/영 key would make it.
    const cdp = await context.newCDPSession(page);
    await cdp.send("Input.imeSetComposition", { text: "ㅎ", selectionStart: 1, selectionEnd: 1 });
    await dialog.getByText(cc.window.korean).waitFor();
    await step(page, "korean-input-warning");
    await cdp.send("Input.insertText", { text: "" });
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    // Closed: the page is let go (a phone's page taller than the screen scrolls again).
    expect(await page.evaluate(() => document.documentElement.classList.contains("cc-page-held"))).toBe(
      false,
    );
    await page.evaluate(() => window.scrollTo(0, 0));

    // In English too: the centre's own words follow the site's language switch.
    await page.goto("/certcenter");
    await onPage(page, cc.title);
    await page.getByRole("button", { name: ko.common.switchLanguage }).click();
    await onPage(page, en.title);
    await page
      .getByRole("navigation", { name: en.menu.label })
      .getByRole("link", { name: new RegExp(`^${en.menu.issue}`) })
      .waitFor();
    await step(page, "centre-english");

    expect(csp).toEqual([]);
    await context.close();
  });
});
