// Issue 12's screens, end to end: a wrong PIN or OTP says how many of the five tries are spent, an
// OTP code typed again in its step gets its own words, the teller's certificate slip gives the
// branch code's real validity (14 days, 유효기한), a teller's field error goes once the field is
// put right, name, address and user ID inputs stop at the server's limits, and the English tab bar
// at phone widths keeps every label whole on one line.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { demoLogins } from "../../src/demo/seed.ts";
import { en } from "../../web/src/i18n/en.ts";
import { e2eForFile, steps } from "./support/harness.ts";
import { demandAccountByName, demoOtpCode } from "./support/ledger.ts";
import {
  action,
  alertText,
  fact,
  findMember,
  ko,
  memberLogin,
  onPage,
  shownText,
  tellerLogin,
} from "./support/ui.ts";

const e2e = e2eForFile();

/** From the details step to the confirmation of a 1,000-won transfer to 김영희. */
async function toConfirm(page: Page, to: string): Promise<void> {
  await onPage(page, ko.transfer.title);
  await page.getByLabel(ko.transfer.to, { exact: true }).fill(to);
  await page.getByLabel(ko.transfer.amount, { exact: true }).fill("1000");
  await page.getByRole("button", { name: ko.transfer.next, exact: true }).click();
  await onPage(page, ko.transfer.confirmTitle);
}

async function send(page: Page, pin: string, otp: string): Promise<void> {
  await page.getByLabel(ko.transfer.pin, { exact: true }).fill(pin);
  await page.getByLabel(ko.transfer.otp, { exact: true }).fill(otp);
  await page.getByRole("button", { name: ko.transfer.send("1,000원") }).click();
}

/** The error box's text once it says `words` (the box stays between tries; its text changes). */
async function alertSaying(page: Page, words: string): Promise<string> {
  await page.getByRole("alert").filter({ hasText: words }).first().waitFor();
  return alertText(page);
}

describe("the screens a member and a teller met in the probe", () => {
  it("a wrong PIN and a wrong OTP say how many of the five tries are spent; a reused OTP is not wrong", async () => {
    const step = steps("probe-fixes", "desktop");
    const kim = await demandAccountByName(e2e, "김영희");
    const page = await (await e2e.context("desktop")).newPage();
    await memberLogin(page, demoLogins.member.userId, demoLogins.member.password);
    await page.goto("/transfer");
    await toConfirm(page, kim.number);

    await send(page, "0000", await demoOtpCode(e2e, demoLogins.member.userId));
    expect(await alertSaying(page, "계좌 비밀번호가 맞지 않아요.")).toContain(ko.triesUsed(1, 5));
    await step(page, "pin-wrong-tries");
    await send(page, "1234", "000000");
    const wrongOtp = await alertSaying(page, "보안매체(OTP·보안카드) 번호가 맞지 않아요.");
    expect(wrongOtp).toContain(ko.triesUsed(1, 5));
    await step(page, "otp-wrong-tries");

    // The right code goes through; typed again for the next transfer in the same step, it is
    // called used, not wrong, and the count stays where it was.
    const code = await demoOtpCode(e2e, demoLogins.member.userId);
    await send(page, "1234", code);
    await onPage(page, ko.transfer.doneTitle);
    await page.getByRole("button", { name: ko.transfer.another, exact: true }).click();
    await toConfirm(page, kim.number);
    await send(page, "1234", code);
    const reused = await alertSaying(page, "이 번호는 방금 사용했어요");
    expect(reused).not.toContain("오류");
    await step(page, "otp-reused");
    const { rows } = await e2e.app.db.query<{ failures: number }>(
      "SELECT s.failures FROM security_media s JOIN users u ON u.cooperative_id = s.cooperative_id AND u.member_id = s.member_id WHERE u.user_id = $1",
      [demoLogins.member.userId],
    );
    expect(rows[0]!.failures).toBe(0);
    await page.context().close();

    // The login page's user ID stops at the server's 30 characters.
    const login = await (await e2e.context("desktop")).newPage();
    await login.goto("/login");
    expect(await login.getByLabel(ko.login.userId, { exact: true }).getAttribute("maxlength")).toBe("30");
    await login.context().close();
  });

  it("the teller's certificate slip says 14 days and 유효기한; a fixed field's error goes; inputs have maxlength", async () => {
    const step = steps("probe-fixes-teller", "desktop");
    const teller = await (await e2e.context("desktop")).newPage();
    await tellerLogin(teller, step);

    await teller.getByRole("tab", { name: ko.teller.create }).click();
    const form = teller.getByRole("tabpanel", { name: ko.teller.create });
    const input = (label: string) => form.getByLabel(label, { exact: true });
    expect(await input(ko.teller.name).getAttribute("maxlength")).toBe("50");
    expect(await input(ko.teller.address).getAttribute("maxlength")).toBe("200");
    expect(await input(ko.teller.emailOptional).getAttribute("maxlength")).toBe("100");
    await form.getByRole("button", { name: ko.teller.createSubmit }).click();
    // Each problem shows twice: in the summary above the form and under its field.
    await form.locator("#c-address-error").getByText(ko.teller.addressMissing).waitFor();
    await form.locator("#c-name-error").getByText(ko.teller.nameMissing).waitFor();
    await input(ko.teller.address).fill("서울특별시 중구 세종대로 110");
    // The address is right now: its error goes at once; the name, still empty, keeps its own.
    await form.locator("#c-address-error").waitFor({ state: "detached" });
    expect(await teller.getByText(ko.teller.addressMissing, { exact: true }).count()).toBe(0);
    expect(await input(ko.teller.address).getAttribute("aria-invalid")).toBeNull();
    expect(await form.locator("#c-name-error").textContent()).toContain(ko.teller.nameMissing);
    await step(teller, "create-error-cleared");

    await findMember(teller, { name: "홍길동", rrn: "850315-1234567" });
    const enrol = await action(teller, ko.teller.actions.enrol);
    expect(await enrol.getByLabel(ko.teller.userId, { exact: true }).getAttribute("maxlength")).toBe("12");
    const panel = await action(teller, ko.teller.actions.certificate);
    await panel.getByRole("button", { name: ko.teller.certSubmit, exact: true }).click();
    const slip = teller.getByRole("region", { name: ko.teller.certSlipTitle });
    await slip.waitFor();
    expect(await fact(slip, "유효기한")).toMatch(/^\d{4}-\d{2}-\d{2}/);
    const text = await shownText(slip);
    expect(text).toContain("14일");
    expect(text).not.toContain("10분");
    expect(text).not.toContain("유효 시각");
    await step(teller, "certificate-slip");
    await teller.context().close();
  });

  it.each([360, 375, 390])(
    "the English tab bar at %i px keeps each label whole on one line",
    async (width) => {
      const context = await e2e.context("phone");
      const page = await context.newPage();
      await page.setViewportSize({ width, height: 740 });
      await memberLogin(page, demoLogins.member.userId, demoLogins.member.password);
      await page.getByRole("button", { name: ko.common.switchLanguage }).click();
      const tabs = page.locator("nav.tab-bar a");
      await tabs.getByText(en.nav.tabs.home, { exact: true }).waitFor();
      const labels = await tabs.evaluateAll((links) =>
        links.map((a) => {
          const range = document.createRange();
          range.selectNodeContents(a);
          // One line box per line the label takes; a word split across two shows as two.
          const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
          return { text: a.textContent, lines, fits: a.scrollWidth <= a.clientWidth };
        }),
      );
      expect(labels).toEqual(Object.values(en.nav.tabs).map((text) => ({ text, lines: 1, fits: true })));
      await context.close();
    },
  );
});
