// The security medium's inputs, as the bank asks for them (a transfer's confirmation, the
// certificate centre's identity proofing): the OTP code, or two digits each of two security-card
// positions the server chose.
import { useI18n } from "../i18n/index.tsx";
import { Field, SecretDigitsField } from "./Field.tsx";

export type MediumAsked = { medium: "otp" } | { medium: "card"; first: number; second: number };

export interface MediumValues {
  otp: string;
  cardFirst: string;
  cardSecond: string;
}

export function MediumFields({
  asked,
  ids,
  values,
  onChange,
  errorOf,
}: {
  asked: MediumAsked;
  /** The inputs' ids (error summaries link to them). */
  ids: { otp: string; cardFirst: string; cardSecond: string };
  values: MediumValues;
  onChange(values: MediumValues): void;
  errorOf(field: string): string | undefined;
}) {
  const { t } = useI18n();
  if (asked.medium === "otp")
    return (
      <Field
        id={ids.otp}
        label={t.transfer.otp}
        hint={t.transfer.otpHint}
        inputMode="numeric"
        autoComplete="one-time-code"
        maxLength={6}
        value={values.otp}
        onChange={(e) => onChange({ ...values, otp: e.target.value.replace(/\D/g, "") })}
        error={errorOf(ids.otp)}
      />
    );
  return (
    <fieldset className="card-challenge">
      <legend>{t.transfer.card}</legend>
      <div className="date-row">
        <SecretDigitsField
          id={ids.cardFirst}
          digits={2}
          label={t.transfer.cardFirst(asked.first)}
          value={values.cardFirst}
          onDigits={(cardFirst) => onChange({ ...values, cardFirst })}
          error={errorOf(ids.cardFirst)}
        />
        <SecretDigitsField
          id={ids.cardSecond}
          digits={2}
          label={t.transfer.cardSecond(asked.second)}
          value={values.cardSecond}
          onDigits={(cardSecond) => onChange({ ...values, cardSecond })}
          error={errorOf(ids.cardSecond)}
        />
      </div>
    </fieldset>
  );
}
