// Issue 5's enrolment deadline end to end, at a desktop and a phone width, on the server's clock:
// two members enrolled at the counter on a Thursday; the one who registers online on the third
// business day after (weekends and public holidays do not count) is in, the one who waits past it
// finds the enrolment lapsed and is sent back to the branch, where the teller sees it too.
import { describe, expect, it } from "vitest";
import { e2eForFile, steps, type Viewport, viewportNames } from "./support/harness.ts";
import {
  alertText,
  enrol,
  fact,
  fillRegistration,
  findMember,
  ko,
  memberLogin,
  onPage,
  registerMember,
  submitLogin,
  submitRegistration,
  tellerLogin,
} from "./support/ui.ts";

/** Seoul time: Korea keeps UTC+9 all year. */
const seoul = (local: string) => new Date(`${local}+09:00`);

// Each width gets a window of its own, so the clock only ever moves forward.
const windows: Record<Viewport, { enrolled: string; lastDay: string; registered: string; lapsed: string }> = {
  // Thursday; counted: Fri 9-18, (weekend), Mon 9-21, Tue 9-22; lapsed from Wednesday.
  desktop: {
    enrolled: "2026-09-17T10:00:00",
    lastDay: "2026-09-22",
    registered: "2026-09-22T21:30:00",
    lapsed: "2026-09-23T09:00:00",
  },
  // Thursday; counted: Fri 10-2, (개천절 on Saturday, Sunday, its substitute holiday Monday 10-5),
  // Tue 10-6, Wed 10-7; lapsed from Thursday, a week after the enrolment.
  phone: {
    enrolled: "2026-10-01T10:00:00",
    lastDay: "2026-10-07",
    registered: "2026-10-07T21:30:00",
    lapsed: "2026-10-08T09:00:00",
  },
};

const people = {
  desktop: [
    { name: "한지민", rrn: "930611-2123459", userId: "jimin93" },
    { name: "오세훈", rrn: "870224-1123458", userId: "sehoon87" },
  ],
  phone: [
    { name: "윤서연", rrn: "990103-2123457", userId: "seoyeon99" },
    { name: "강도윤", rrn: "020718-3123456", userId: "doyun02" },
  ],
};

const e2e = e2eForFile({ at: seoul(windows.desktop.enrolled) });

describe("an enrolment not completed within 3 business days lapses", () => {
  it.each(viewportNames)("at %s width", async (viewport) => {
    const step = steps("lapse", viewport);
    const window = windows[viewport];
    const [late, prompt] = people[viewport].map((p) => ({
      ...p,
      phone: "010-2468-1357",
      address: "대전광역시 유성구 대학로 99",
    })) as [Person, Person];
    e2e.clock.at = seoul(window.enrolled);

    // Thursday at the counter: both are enrolled; the slip names the last day to register.
    const teller = await (await e2e.context(viewport)).newPage();
    await tellerLogin(teller, step);
    const slips: string[] = [];
    for (const [i, person] of [late, prompt].entries()) {
      if (i > 0) await teller.getByRole("button", { name: ko.teller.nextCustomer }).click();
      await onPage(teller, ko.teller.counterTitle);
      await registerMember(teller, person);
      const { temporaryPassword, slip } = await enrol(teller, person.userId);
      expect(await fact(slip, ko.teller.deadline)).toBe(window.lastDay);
      await step(teller, `enrolment-slip-${i + 1}`);
      slips.push(temporaryPassword);
    }
    await teller.context().close();
    const [lateTemporary, promptTemporary] = slips as [string, string];

    // The last business day, late in the evening: the second member registers just in time.
    e2e.clock.at = seoul(window.registered);
    const promptPage = await (await e2e.context(viewport)).newPage();
    expect(await submitLogin(promptPage, prompt.userId, promptTemporary)).toBe(200);
    await fillRegistration(promptPage, promptTemporary, "River&stone82");
    await step(promptPage, "registration-on-last-day");
    await submitRegistration(promptPage);
    await promptPage.getByText(ko.home.hello(prompt.name)).waitFor();
    await step(promptPage, "registered-home");

    // The next morning the first member's temporary password no longer opens anything.
    e2e.clock.at = seoul(window.lapsed);
    const latePage = await (await e2e.context(viewport)).newPage();
    expect(await submitLogin(latePage, late.userId, lateTemporary)).toBe(403);
    await latePage.getByRole("alert").getByText(ko.login.lapsedTitle, { exact: true }).waitFor();
    expect(await alertText(latePage)).toContain(ko.login.lapsedHelp);
    await onPage(latePage, ko.login.title);
    await step(latePage, "login-lapsed");
    await latePage.context().close();

    // The member who registered in time logs in with their own password as on any day.
    await promptPage.goto("/login");
    await memberLogin(promptPage, prompt.userId, "River&stone82");
    await promptPage.getByText(ko.home.hello(prompt.name)).waitFor();
    await step(promptPage, "registered-member-next-day");
    await promptPage.context().close();

    // Back at the branch, the console shows the lapse.
    const counter = await (await e2e.context(viewport)).newPage();
    await tellerLogin(counter);
    await findMember(counter, late);
    const facts = counter.getByRole("region", { name: ko.teller.memberFacts });
    expect(await fact(facts, ko.teller.ib)).toBe(`${late.userId} · ${ko.teller.ibLapsed}`);
    await step(counter, "teller-sees-lapse");
    await counter.context().close();
  });
});

interface Person {
  name: string;
  rrn: string;
  userId: string;
  phone: string;
  address: string;
}
