// Labelled inputs with their hint and error tied to them (aria-describedby, aria-invalid): a text
// input, a select, a tick box, a short secret of digits.
import { type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, useId } from "react";

export interface FieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, "id"> {
  label: string;
  hint?: ReactNode;
  error?: string | null | undefined;
  /** Shown after the input inside its box ("원"). */
  suffix?: string;
  id?: string;
  /** Extra ids that describe the input (a live rule list). */
  describedBy?: string;
  below?: ReactNode;
}

export function Field({
  label,
  hint,
  error,
  suffix,
  id,
  describedBy,
  below,
  className,
  ...input
}: FieldProps) {
  const generated = useId();
  const inputId = id ?? generated;
  const hintId = `${inputId}-hint`;
  const errorId = `${inputId}-error`;
  const described = [hint ? hintId : null, error ? errorId : null, describedBy ?? null]
    .filter(Boolean)
    .join(" ");
  return (
    <div className={`field${error ? " field-invalid" : ""}${className ? ` ${className}` : ""}`}>
      <label htmlFor={inputId}>{label}</label>
      {hint ? (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      <div className={suffix ? "input-box has-suffix" : "input-box"}>
        <input
          id={inputId}
          aria-invalid={error ? true : undefined}
          aria-describedby={described || undefined}
          {...input}
        />
        {suffix ? (
          <span className="input-suffix" aria-hidden="true">
            {suffix}
          </span>
        ) : null}
      </div>
      {below}
      {error ? (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function SelectField({
  label,
  hint,
  error,
  children,
  id,
  ...select
}: {
  label: string;
  hint?: ReactNode;
  error?: string | null | undefined;
  id?: string;
} & Omit<SelectHTMLAttributes<HTMLSelectElement>, "id">) {
  const generated = useId();
  const selectId = id ?? generated;
  const hintId = `${selectId}-hint`;
  const errorId = `${selectId}-error`;
  const described = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ");
  return (
    <div className={`field${error ? " field-invalid" : ""}`}>
      <label htmlFor={selectId}>{label}</label>
      {hint ? (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      <div className="input-box">
        <select
          id={selectId}
          aria-invalid={error ? true : undefined}
          aria-describedby={described || undefined}
          {...select}
        >
          {children}
        </select>
      </div>
      {error ? (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

/**
 * A tick box with its words beside it (the label wraps the box, so the words tick it too) and its
 * error under it.
 */
export function CheckField({
  label,
  error,
  id,
  ...input
}: {
  label: string;
  error?: string | null | undefined;
  id?: string;
} & Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "type">) {
  const generated = useId();
  const inputId = id ?? generated;
  const errorId = `${inputId}-error`;
  return (
    <div className={`field field-check${error ? " field-invalid" : ""}`}>
      <label className="check">
        <input
          id={inputId}
          type="checkbox"
          className="check-box"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          {...input}
        />
        {label}
      </label>
      {error ? (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

/**
 * A short secret of digits (a passbook PIN, half a security-card code): hidden, digits only
 * whatever is typed or pasted, at most `digits` long.
 */
export function SecretDigitsField({
  digits,
  value,
  onDigits,
  ...field
}: Omit<FieldProps, "onChange" | "type" | "inputMode" | "maxLength"> & {
  digits: number;
  value: string;
  onDigits(digits: string): void;
}) {
  return (
    <Field
      {...field}
      type="password"
      inputMode="numeric"
      autoComplete="off"
      maxLength={digits}
      value={value}
      onChange={(e) => onDigits(e.target.value.replace(/\D/g, ""))}
    />
  );
}
