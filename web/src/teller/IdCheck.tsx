// Who stands at the counter, as a form there proves it: the ID check it sends with what it asks (cash
// out, a closing, new limits, changed details), which document the teller looked at and the tick that
// they looked at it and at the person; and for cash out of an account, the PIN the holder types. The
// server refuses a request without them; the form asks for them first.
import { type ReactNode, useState } from "react";
import { useI18n } from "../i18n/index.tsx";
import type { FieldProblem } from "../ui/Alerts.tsx";
import { CheckField, SecretDigitsField, SelectField } from "../ui/Field.tsx";

const idDocuments = ["resident_card", "driver_license", "passport", "other"] as const;
export type IdDocument = (typeof idDocuments)[number];

/** The words of one form's check: whom the tick names differs (holder, member, customer). */
export interface IdCheckWords {
  document: string;
  checked: string;
  problem: string;
  /** A legend that groups the two fields. */
  legend?: string;
}

/**
 * The check's state for one form; its fields' ids are `<prefix>-document` and `<prefix>-checked`
 * (the tick's problem is named by the latter).
 */
export function useIdCheck(prefix: string, words: IdCheckWords) {
  const { t } = useI18n();
  const [document, setDocument] = useState<IdDocument>("resident_card");
  const [checked, setChecked] = useState(false);
  const tick = `${prefix}-checked`;
  function fields(errorOf: (field: string) => string | undefined): ReactNode {
    const both = (
      <>
        <SelectField
          id={`${prefix}-document`}
          label={words.document}
          value={document}
          onChange={(e) => setDocument(idDocuments.find((d) => d === e.target.value) ?? "other")}
        >
          {idDocuments.map((d) => (
            <option key={d} value={d}>
              {t.teller.cash.idDocuments[d]}
            </option>
          ))}
        </SelectField>
        <CheckField
          id={tick}
          label={words.checked}
          checked={checked}
          onChange={(e) => setChecked(e.target.checked)}
          error={errorOf(tick)}
        />
      </>
    );
    if (!words.legend) return both;
    return (
      <fieldset className="id-check">
        <legend>{words.legend}</legend>
        {both}
      </fieldset>
    );
  }
  return {
    /** As the server takes it (`idCheck`). */
    value: { document, checked },
    problems: (): FieldProblem[] => (checked ? [] : [{ field: tick, text: words.problem }]),
    /** After a request went through: the next one is checked again (the document stays chosen). */
    reset: () => setChecked(false),
    fields,
  };
}

/** The holder's 4-digit PIN for cash out of their account (a withdrawal, a closing); field `<prefix>-pin`. */
export function useHolderPin(prefix: string) {
  const { t } = useI18n();
  const c = t.teller.cash;
  const [pin, setPin] = useState("");
  const field = `${prefix}-pin`;
  return {
    value: pin,
    problems: (): FieldProblem[] => (/^\d{4}$/.test(pin) ? [] : [{ field, text: c.pinProblem }]),
    /** Sends with the PIN and clears it whatever the answer: the PIN is the member's, not kept on screen. */
    async sending<T>(send: () => Promise<T>): Promise<T> {
      try {
        return await send();
      } finally {
        setPin("");
      }
    },
    field: (errorOf: (field: string) => string | undefined): ReactNode => (
      <SecretDigitsField
        digits={4}
        id={field}
        label={c.pin}
        value={pin}
        onDigits={setPin}
        error={errorOf(field)}
      />
    ),
  };
}
