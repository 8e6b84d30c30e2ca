// StepForm, the card every form step of issuance, slip and reissue is drawn with (IssuePage's
// formSteps), in Chromium: heading, lead and fields in order; back and next (or the step's own
// label) reach the page; while a submission is under way both buttons wait and next says so.
import { createElement } from "react";
import { describe, expect, it } from "vitest";
import { userEvent } from "vitest/browser";
import { ko as cc } from "../../web/src/certcenter/i18n/ko.ts";
import { StepForm, type StepFormProps } from "../../web/src/certcenter/pages/steps.tsx";
import { I18nProvider } from "../../web/src/i18n/index.tsx";
import { ko } from "../../web/src/i18n/ko.ts";
import { mountPerTest } from "./support/mount.ts";

const mount = mountPerTest();

function render(props: Omit<StepFormProps, "children">): void {
  mount.render(
    createElement(
      I18nProvider,
      null,
      // The fields go in as createElement's children argument, which the props type cannot see.
      createElement(
        StepForm,
        props as StepFormProps,
        createElement("input", { id: "field", "aria-label": "field" }),
      ),
    ),
  );
}

async function until<T>(find: () => T | null | undefined): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const found = find();
    if (found) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("not found in time");
}

const buttons = () => [...mount.host!.querySelectorAll<HTMLButtonElement>("button")];

describe("a step's form", () => {
  it("draws heading, lead and fields, sends next and back to the page, and waits while sending", async () => {
    localStorage.setItem("geumgo.lang", "ko");
    const seen = { submitted: 0, back: 0 };
    const props = {
      onSubmit: (e: { preventDefault(): void }) => {
        e.preventDefault();
        seen.submitted++;
      },
      onBack: () => {
        seen.back++;
      },
      title: cc.issue.passwordTitle,
      lead: cc.issue.passwordLead,
    };
    render({ ...props, sending: false });
    const form = await until(() => mount.host!.querySelector<HTMLFormElement>("form.card.form"));
    expect(form.noValidate).toBe(true);
    // Heading, lead, the step's fields, then the buttons: the order the steps always had.
    expect([...form.children].map((el) => el.tagName)).toEqual(["H2", "P", "INPUT", "DIV"]);
    expect(form.querySelector("h2")?.textContent).toBe(cc.issue.passwordTitle);
    expect(form.querySelector("p.field-hint")?.textContent).toBe(cc.issue.passwordLead);
    expect(buttons().map((b) => [b.type, b.textContent])).toEqual([
      ["button", cc.issue.back],
      ["submit", cc.issue.next],
    ]);
    await userEvent.click(buttons()[1]!);
    await userEvent.click(buttons()[0]!);
    expect(seen).toEqual({ submitted: 1, back: 1 });

    // The storage step's own label; without heading or lead, the fields come first.
    render({ onSubmit: props.onSubmit, onBack: props.onBack, next: cc.steps.progress, sending: false });
    await until(() => (buttons()[1]?.textContent === cc.steps.progress ? true : null));
    expect([...mount.host!.querySelector("form")!.children].map((el) => el.tagName)).toEqual([
      "INPUT",
      "DIV",
    ]);

    // Sending: both wait, and next says it is at work.
    render({ ...props, sending: true });
    await until(() => (buttons()[1]?.textContent === ko.common.sending ? true : null));
    expect(buttons().every((b) => b.disabled)).toBe(true);
    expect(buttons()[1]!.getAttribute("aria-disabled")).toBe("true");
  });
});
