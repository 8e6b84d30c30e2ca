// Issue 5's login lock end to end, at a desktop and a phone width: five wrong passwords lock the
// login and the page says how to get it unlocked; the right password is refused while locked; a
// teller unlocks it at the counter; the member logs in.
import { describe, expect, it } from "vitest";
import { e2eForFile, steps, viewportNames } from "./support/harness.ts";
import { enrolledMember } from "./support/ledger.ts";
import {
  alertText,
  fact,
  findMember,
  ko,
  onPage,
  submitLogin,
  tellerLogin,
  unlockLogin,
} from "./support/ui.ts";

const e2e = e2eForFile();

const people = {
  desktop: { name: "최민수", rrn: "790305-1234563", userId: "minsu79" },
  phone: { name: "정유진", rrn: "010915-4234567", userId: "yujin01" },
};

describe("five wrong passwords lock the login until a teller unlocks it", () => {
  it.each(viewportNames)("at %s width", async (viewport) => {
    const step = steps("lockout", viewport);
    const { userId, ...identity } = people[viewport];
    const person = { ...identity, phone: "010-7777-1234", address: "부산광역시 해운대구 우동 1" };
    const password = "Plum#tree47";
    await enrolledMember(e2e, person, { userId, password });

    const page = await (await e2e.context(viewport)).newPage();
    await page.goto("/login");
    await onPage(page, ko.login.title);
    await step(page, "login");

    // Four wrong passwords: each refusal says how many tries are left.
    for (let tries = 1; tries <= 4; tries++) {
      expect(await submitLogin(page, userId, `Wrong#pass${tries}`)).toBe(401);
      await page
        .getByRole("alert")
        .getByText(`남은 횟수 ${5 - tries}회`)
        .waitFor();
      if (tries === 1) await step(page, "wrong-password");
    }
    await step(page, "last-try-left");

    // The fifth locks the login, and the page says what to do.
    expect(await submitLogin(page, userId, "Wrong#pass5")).toBe(423);
    await page.getByRole("alert").getByText(ko.login.lockedTitle, { exact: true }).waitFor();
    expect(await alertText(page)).toContain(ko.login.lockedHelp);
    await step(page, "login-locked");

    // The right password does not open a locked login.
    expect(await submitLogin(page, userId, password)).toBe(423);
    await page.getByRole("alert").getByText(ko.login.lockedTitle, { exact: true }).waitFor();
    await onPage(page, ko.login.title);
    await step(page, "right-password-refused");

    // At the branch: the teller finds the member by the ID card and unlocks the login.
    const teller = await (await e2e.context(viewport)).newPage();
    await tellerLogin(teller);
    await findMember(teller, person, step);
    const facts = teller.getByRole("region", { name: ko.teller.memberFacts });
    expect(await fact(facts, ko.teller.ib)).toBe(`${userId} · ${ko.teller.ibLocked}`);
    await step(teller, "teller-sees-lock");
    expect(await unlockLogin(teller)).toContain(ko.teller.unlockResults.login?.unlocked);
    await facts.getByText(`${userId} · ${ko.teller.ibActive}`, { exact: true }).waitFor();
    await step(teller, "teller-unlocked");
    await teller.context().close();

    // Back home, the member's own password works again.
    expect(await submitLogin(page, userId, password)).toBe(200);
    await onPage(page, ko.home.title);
    await page.getByText(ko.home.hello(person.name)).waitFor();
    await step(page, "member-home");
    await page.context().close();
  });
});
