// A member's address changed at the counter in the console: the demo member found, the change
// refused until their ID is ticked as checked, then made and shown; the name-change form asks for
// its document; and the member, online, finds the change in their notifications, masked.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoLogins } from "../../src/demo/seed.ts";
import { demoRrn } from "./support/certcenter.ts";
import { type E2e, startE2e, steps } from "./support/harness.ts";
import { fact, findMember, ko, memberLogin, shownText, tellerLogin } from "./support/ui.ts";

let e2e: E2e;
beforeAll(async () => {
  e2e = await startE2e();
});
afterAll(async () => {
  await e2e?.close();
});

const d = ko.teller.details;

describe("member details at the counter", () => {
  it("changes the demo member's address with the ID checked, and the member sees the notification", async () => {
    const step = steps("teller-details", "desktop");
    const page = await (await e2e.context("desktop")).newPage();
    await tellerLogin(page);
    await findMember(page, { name: "홍길동", rrn: demoRrn });
    const details = page.getByRole("region", { name: d.title });
    expect(await fact(details, d.fields.address)).toBe("서울특별시 강남구 테헤란로 1");
    await step(page, "details");

    // The new address, sent without the ID check: the form says so and sends nothing.
    let posted = 0;
    page.on("request", (r) => {
      if (r.method() === "POST" && r.url().endsWith("/details")) posted++;
    });
    await details.getByLabel(d.fields.address, { exact: true }).fill("서울특별시 종로구 세종대로 209");
    await details.getByRole("button", { name: d.contactsSubmit, exact: true }).click();
    await details.getByText(d.idProblem).first().waitFor();
    expect(posted).toBe(0);
    await step(page, "id-not-checked");

    await details.getByLabel(d.idChecked, { exact: true }).first().check();
    await details.getByRole("button", { name: d.contactsSubmit, exact: true }).click();
    await details.getByText(d.changed([d.fields.address])).waitFor();
    await expect.poll(() => fact(details, d.fields.address)).toBe("서울특별시 종로구 세종대로 209");
    expect(posted).toBe(1);
    await step(page, "address-changed");

    // The name changes only with its document: the form asks for the reference first.
    await details.getByRole("button", { name: d.nameTitle, exact: true }).click();
    await details.getByLabel(d.newName, { exact: true }).fill("홍길순");
    await details.getByRole("button", { name: d.nameSubmit, exact: true }).click();
    await details.getByText(d.referenceProblem).first().waitFor();
    await step(page, "name-needs-document");
    await page.context().close();

    const member = await (await e2e.context("desktop")).newPage();
    await member.goto("/login");
    await memberLogin(member, demoLogins.member.userId, demoLogins.member.password);
    await member.goto("/notifications");
    const notice = member.getByRole("main").getByText("회원 정보 변경").first();
    await notice.waitFor();
    const text = await shownText(member.getByRole("main"));
    expect(text).toContain("주소 서울특별시 종로구 …");
    expect(text).not.toContain("세종대로");
    await step(member, "member-notification");
    // My information shows the address as it is now.
    await member.goto("/me");
    await expect
      .poll(() => fact(member.getByRole("main"), ko.me.address))
      .toBe("서울특별시 종로구 세종대로 209");
    await step(member, "my-info");
    await member.context().close();
  });
});
