// An amount in won: digits with thousands commas as the member types, "원" after the box, and
// the Korean unit form under it (1,000,000원 → 100만원) so a zero too many is seen at once.
import { useId } from "react";
import { addWon, amountDigits, formatNumber, formatWonUnits } from "../lib/won.ts";
import { Field } from "./Field.tsx";

export function AmountField({
  label,
  digits,
  onChange,
  error,
  hint,
  id,
  quickAdd,
  quickAddLabel,
  lang,
  unitLabel,
}: {
  label: string;
  /** The amount as plain digits ("" when empty). */
  digits: string;
  onChange(digits: string): void;
  error?: string | null | undefined;
  hint?: string;
  id?: string;
  /** Buttons that add to the amount: [won, label]. */
  quickAdd?: [bigint, string][];
  quickAddLabel?: string;
  lang: "ko" | "en";
  unitLabel: string;
}) {
  const generated = useId();
  const inputId = id ?? generated;
  const unitsId = `${inputId}-units`;
  return (
    <Field
      id={inputId}
      label={label}
      hint={hint}
      error={error}
      suffix={lang === "ko" ? "원" : "KRW"}
      inputMode="numeric"
      autoComplete="off"
      value={digits === "" ? "" : formatNumber(digits)}
      onChange={(e) => onChange(amountDigits(e.target.value).slice(0, 16))}
      describedBy={unitsId}
      below={
        <>
          <p className="amount-units" id={unitsId}>
            <span className="visually-hidden">{unitLabel} </span>
            {digits === "" ? "\u00a0" : formatWonUnits(digits)}
          </p>
          {quickAdd ? (
            <fieldset className="quick-add">
              <legend className="visually-hidden">{quickAddLabel}</legend>
              {quickAdd.map(([won, text]) => (
                <button
                  key={text}
                  type="button"
                  className="chip"
                  onClick={() => onChange(won === 0n ? "" : addWon(digits, won))}
                >
                  {text}
                </button>
              ))}
            </fieldset>
          ) : null}
        </>
      }
    />
  );
}
