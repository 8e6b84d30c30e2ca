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

type FieldErrorText = string | null | undefined;

/**
 * A field's ids (its control's, given or made, its hint's and its error's) and the control's ARIA:
 * invalid while there is an error, described by the hint, the error and any `also`.
 */
function useFieldIds(id: string | undefined, hint: ReactNode, error: FieldErrorText, also?: string) {
  const generated = useId();
  const control = id ?? generated;
  const hintId = `${control}-hint`;
  const errorId = `${control}-error`;
  const described = [hint ? hintId : null, error ? errorId : null, also ?? null].filter(Boolean).join(" ");
  return {
    control,
    hintId,
    errorId,
    aria: { "aria-invalid": error ? true : undefined, "aria-describedby": described || undefined },
  };
}

function fieldClass(error: FieldErrorText, extra?: string): string {
  return `field${error ? " field-invalid" : ""}${extra ? ` ${extra}` : ""}`;
}

function ErrorText({ id, error }: { id: string; error: FieldErrorText }) {
  return error ? (
    <p className="field-error" id={id}>
      {error}
    </p>
  ) : null;
}

/** The label above the control, the hint under the label, the error under it all. */
function Labelled({
  ids,
  label,
  hint,
  error,
  className,
  children,
}: {
  ids: ReturnType<typeof useFieldIds>;
  label: string;
  hint: ReactNode;
  error: FieldErrorText;
  className?: string | undefined;
  children: ReactNode;
}) {
  return (
    <div className={fieldClass(error, className)}>
      <label htmlFor={ids.control}>{label}</label>
      {hint ? (
        <p className="field-hint" id={ids.hintId}>
          {hint}
        </p>
      ) : null}
      {children}
      <ErrorText id={ids.errorId} error={error} />
    </div>
  );
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
  const ids = useFieldIds(id, hint, error, describedBy);
  return (
    <Labelled ids={ids} label={label} hint={hint} error={error} className={className}>
      <div className={suffix ? "input-box has-suffix" : "input-box"}>
        <input id={ids.control} {...ids.aria} {...input} />
        {suffix ? (
          <span className="input-suffix" aria-hidden="true">
            {suffix}
          </span>
        ) : null}
      </div>
      {below}
    </Labelled>
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
  error?: FieldErrorText;
  id?: string;
} & Omit<SelectHTMLAttributes<HTMLSelectElement>, "id">) {
  const ids = useFieldIds(id, hint, error);
  return (
    <Labelled ids={ids} label={label} hint={hint} error={error}>
      <div className="input-box">
        <select id={ids.control} {...ids.aria} {...select}>
          {children}
        </select>
      </div>
    </Labelled>
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
  error?: FieldErrorText;
  id?: string;
} & Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "type">) {
  const ids = useFieldIds(id, null, error);
  return (
    <div className={fieldClass(error, "field-check")}>
      <label className="check">
        <input id={ids.control} type="checkbox" className="check-box" {...ids.aria} {...input} />
        {label}
      </label>
      <ErrorText id={ids.errorId} error={error} />
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
