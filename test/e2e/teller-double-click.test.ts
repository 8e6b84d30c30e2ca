// A double click at the counter does a thing once: on "open account" (계좌 개설) the member gets one
// account, and on "issue security card" (보안카드 발급) one card; each button sends one request, and
// the audit log records one of each. At a desktop and a phone width, and with two clicks that land
// in one task, before the page has redrawn its button as disabled (only the form's guard stops those).
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { listMemberAccounts } from "../../src/bank/accounts.ts";
import { findMemberByRrn } from "../../src/bank/members.ts";
import { e2eForFile, steps, type Viewport, viewportNames } from "./support/harness.ts";
import { action, fact, ko, type Person, registerMember, shownText, tellerLogin } from "./support/ui.ts";

const e2e = e2eForFile();

const people = {
  desktop: { name: "정다은", rrn: "920315-2456783", phone: "010-3342-1187" },
  phone: { name: "윤지호", rrn: "870722-1567894", phone: "010-6613-2290" },
  sameTask: { name: "한서윤", rrn: "990101-2678905", phone: "010-7724-3301" },
};

/** How the teller presses a button twice. */
type Press = (button: Locator) => Promise<void>;
const doubleClick: Press = (button) => button.dblclick();
const twoClicksInOneTask: Press = (button) =>
  button.evaluate((b: HTMLElement) => {
    b.click();
    b.click();
  });

/** The POST requests the page sends to paths ending in `suffix`. */
function postsTo(page: Page, suffix: string): string[] {
  const posted: string[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST" && new URL(request.url()).pathname.endsWith(suffix)) {
      posted.push(request.url());
    }
  });
  return posted;
}

/** The audit entries of one action about one member, as the log holds them. */
async function auditedActions(action: string, subject: string): Promise<{ payload: string }[]> {
  const { rows } = await e2e.app.db.query<{ payload: string }>(
    "SELECT payload FROM audit_log WHERE action = $1 AND subject = $2 ORDER BY seq",
    [action, subject],
  );
  return rows;
}

async function openAccountAndIssueCard(
  flow: string,
  viewport: Viewport,
  person: Omit<Person, "address">,
  press: Press,
): Promise<void> {
  const step = steps(flow, viewport);
  const page = await (await e2e.context(viewport)).newPage();
  const accountPosts = postsTo(page, "/accounts");
  const cardPosts = postsTo(page, "/security-card");
  await tellerLogin(page);
  await registerMember(page, { ...person, address: "부산광역시 해운대구 해운대로 1" });
  const member = await findMemberByRrn(e2e.app.bank, 1, person.rrn);
  if (!member) throw new Error(`${person.name} was not registered`);
  const subject = `${member.cooperativeId}:${member.id}`;

  // Open account: the form's submit button, pressed twice.
  const accountPanel = await action(page, ko.teller.actions.account);
  await accountPanel.getByLabel(ko.teller.accountKind, { exact: true }).selectOption("demand");
  await accountPanel.getByLabel(ko.teller.pin, { exact: true }).fill("5820");
  await accountPanel.getByLabel(ko.teller.pinAgain, { exact: true }).fill("5820");
  await press(accountPanel.getByRole("button", { name: ko.teller.openSubmit, exact: true }));
  const notice = accountPanel.getByRole("status");
  await notice.waitFor();
  const number = /\d{4}-\d{4}-\d{4}-\d/.exec(await shownText(notice))?.[0];
  expect(number).toBeDefined();
  await page.getByRole("region", { name: ko.teller.memberFacts }).getByText(number!).waitFor();
  await step(page, "account-opened");

  expect(accountPosts).toHaveLength(1);
  const accounts = await listMemberAccounts(e2e.app.db, member.cooperativeId, member.id);
  expect(accounts.map((a) => a.number)).toEqual([number!.replace(/-/g, "")]);
  expect(await auditedActions("teller.account_open", subject)).toHaveLength(1);

  // Issue security card: the panel's button, pressed twice.
  const cardPanel = await action(page, ko.teller.actions.card);
  await press(cardPanel.getByRole("button", { name: ko.teller.cardSubmit, exact: true }));
  const slip = page.getByRole("region", { name: ko.teller.cardSlipTitle });
  await slip.waitFor();
  const serial = await fact(slip, ko.teller.cardSerial);
  await step(page, "card-slip");

  // A second card would replace the first in security_media, so the requests and the audit log
  // are what count the cards made.
  expect(cardPosts).toHaveLength(1);
  const cards = await auditedActions("teller.card_issue", subject);
  expect(cards).toHaveLength(1);
  expect(JSON.parse(cards[0]!.payload).details.cardSerial).toBe(serial);
  const { rows: media } = await e2e.app.db.query<{ kind: string; card_serial: string }>(
    "SELECT kind, card_serial FROM security_media WHERE cooperative_id = $1 AND member_id = $2",
    [member.cooperativeId, member.id],
  );
  expect(media).toEqual([{ kind: "card", card_serial: serial }]);
  await page.context().close();
}

describe("a double click at the counter makes one account and one security card", () => {
  it.each(viewportNames)("at %s width", async (viewport) => {
    await openAccountAndIssueCard("teller-double-click", viewport, people[viewport], doubleClick);
  });

  it("with both clicks in one task, before the button shows as disabled", async () => {
    await openAccountAndIssueCard("teller-two-clicks", "desktop", people.sameTask, twoClicksInOneTask);
  });
});
