// The fields of web/src/ui/Field.tsx in Chromium. CheckField: the words beside the box name it and
// tick it, and an error stands under it, marks the box invalid and is its accessible description;
// without an error the box claims neither. Field and SelectField: labelled, described by their hint,
// their error and any ids given, invalid while the error stands.
import "../../web/src/styles/app.css";
import { createElement, useState } from "react";
import { describe, expect, it } from "vitest";
import { page, userEvent } from "vitest/browser";
import { CheckField, Field, SelectField } from "../../web/src/ui/Field.tsx";
import { mountPerTest } from "./support/mount.ts";

const mount = mountPerTest();
const host = () => mount.host;

const label = "I checked the holder and their ID";
const problem = "Check the holder and their ID, then tick this.";

/** A form's use of it: the error goes once the box is ticked, as useForm drops a field put right. */
function Ticked({ id, error }: { id?: string; error: string | null }) {
  const [checked, setChecked] = useState(false);
  return createElement(CheckField, {
    ...(id ? { id } : {}),
    label,
    checked,
    onChange: (e) => setChecked(e.target.checked),
    error: checked ? null : error,
  });
}

function render(props: { id?: string; error: string | null }): void {
  mount.render(createElement(Ticked, props));
}

describe("CheckField", () => {
  it("is a tick box named by its words, which tick it; without an error it claims none", async () => {
    render({ id: "x-checked", error: null });
    const box = page.getByRole("checkbox", { name: label });
    await expect.element(box).not.toBeChecked();
    const input = document.getElementById("x-checked");
    expect(input).toBeInstanceOf(HTMLInputElement);
    expect(input?.getAttribute("aria-invalid")).toBeNull();
    expect(input?.getAttribute("aria-describedby")).toBeNull();
    expect(host()?.querySelector(".field-error")).toBeNull();
    await userEvent.click(page.getByText(label));
    await expect.element(box).toBeChecked();
  });

  it("announces its error: invalid, described by the error under it, which goes once ticked", async () => {
    render({ id: "x-checked", error: problem });
    const box = page.getByRole("checkbox", { name: label });
    await expect.element(box).toHaveAttribute("aria-invalid", "true");
    await expect.element(box).toHaveAttribute("aria-describedby", "x-checked-error");
    await expect.element(box).toHaveAccessibleDescription(problem);
    expect(document.getElementById("x-checked-error")?.textContent).toBe(problem);
    expect(host()?.querySelector(".field")?.classList.contains("field-invalid")).toBe(true);
    await userEvent.click(box);
    await expect.element(box).toBeChecked();
    await expect.element(box).not.toHaveAttribute("aria-invalid");
    await expect.element(box).not.toHaveAttribute("aria-describedby");
    expect(host()?.querySelector(".field-error")).toBeNull();
  });

  it("ties its error to the box by an id of its own when given none", async () => {
    render({ error: problem });
    const box = page.getByRole("checkbox", { name: label });
    await expect.element(box).toHaveAccessibleDescription(problem);
    const input = host()?.querySelector("input");
    expect(input?.id).not.toBe("");
    expect(input?.getAttribute("aria-describedby")).toBe(`${input?.id}-error`);
  });
});

describe("Field and SelectField", () => {
  it("are labelled, described by hint, error and the ids given, and invalid while the error stands", async () => {
    mount.render(
      createElement(
        "div",
        null,
        createElement(Field, {
          id: "f-amount",
          label: "Amount",
          hint: "In won",
          error: "Type an amount.",
          describedBy: "f-rules",
          value: "",
          onChange: () => undefined,
        }),
        createElement("p", { id: "f-rules" }, "Up to 10,000,000"),
        createElement(
          SelectField,
          { id: "f-kind", label: "Kind", error: "Choose a kind.", value: "a", onChange: () => undefined },
          createElement("option", { value: "a" }, "A"),
        ),
        createElement(Field, { label: "Memo", value: "", onChange: () => undefined }),
      ),
    );
    const amount = page.getByRole("textbox", { name: "Amount" });
    await expect.element(amount).toHaveAttribute("aria-invalid", "true");
    await expect.element(amount).toHaveAttribute("aria-describedby", "f-amount-hint f-amount-error f-rules");
    await expect.element(amount).toHaveAccessibleDescription("In won Type an amount. Up to 10,000,000");
    const kind = page.getByRole("combobox", { name: "Kind" });
    await expect.element(kind).toHaveAttribute("aria-invalid", "true");
    await expect.element(kind).toHaveAccessibleDescription("Choose a kind.");
    const memo = page.getByRole("textbox", { name: "Memo" });
    await expect.element(memo).not.toHaveAttribute("aria-invalid");
    await expect.element(memo).not.toHaveAttribute("aria-describedby");
    expect(host()?.querySelectorAll(".field-invalid")).toHaveLength(2);
  });
});
