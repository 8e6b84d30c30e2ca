// The certificate password input of the selection window and of issuance: says the password is
// case-sensitive, warns while Caps Lock is on or the keyboard is in Korean (한글) mode, and ties
// every note to the input (aria-describedby) so a screen reader reads them with it.
import { type KeyboardEvent, type ReactNode, useId, useState } from "react";
import { useCertcenterWords } from "./i18n/index.ts";
import {
  capsLockOn,
  containsHangul,
  isImeKey,
  noWarnings,
  type PasswordWarnings,
} from "./password-warnings.ts";

export interface CertificatePasswordFieldProps {
  id?: string;
  label: string;
  value: string;
  onChange(value: string): void;
  error?: string | null | undefined;
  autoComplete?: "current-password" | "new-password" | "off";
  disabled?: boolean;
  autoFocus?: boolean;
  /** More notes under the input (the live rule list when a password is set). */
  below?: ReactNode;
  describedBy?: string;
}

export function CertificatePasswordField({
  id,
  label,
  value,
  onChange,
  error,
  autoComplete = "off",
  disabled,
  autoFocus,
  below,
  describedBy,
}: CertificatePasswordFieldProps) {
  const w = useCertcenterWords().window;
  const generated = useId();
  const inputId = id ?? generated;
  const [warnings, setWarnings] = useState<PasswordWarnings>(noWarnings);
  const [composing, setComposing] = useState(false);
  const korean = warnings.korean || composing || containsHangul(value);
  const ids = {
    hint: `${inputId}-case`,
    warn: `${inputId}-warn`,
    error: `${inputId}-error`,
  };
  const described = [
    ids.hint,
    warnings.capsLock || korean ? ids.warn : null,
    error ? ids.error : null,
    describedBy,
  ]
    .filter(Boolean)
    .join(" ");
  function fromKey(event: KeyboardEvent<HTMLInputElement>): void {
    const caps = capsLockOn(event.nativeEvent);
    const ime = isImeKey(event.nativeEvent);
    setWarnings((prev) => {
      const next = {
        capsLock: caps ?? prev.capsLock,
        // A plain printable key typed outside composition means the keyboard is back in English.
        korean: ime ? true : event.key.length === 1 && !containsHangul(event.key) ? false : prev.korean,
      };
      return next.capsLock === prev.capsLock && next.korean === prev.korean ? prev : next;
    });
  }
  return (
    <div className={`field${error ? " field-invalid" : ""}`}>
      <label htmlFor={inputId}>{label}</label>
      <p className="field-hint" id={ids.hint}>
        {w.caseSensitive}
      </p>
      <div className="input-box">
        <input
          id={inputId}
          type="password"
          // biome-ignore lint/a11y/noAutofocus: the password is the one thing left to type once a certificate is chosen
          autoFocus={autoFocus}
          autoComplete={autoComplete}
          autoCapitalize="none"
          spellCheck={false}
          maxLength={64}
          value={value}
          disabled={disabled}
          aria-invalid={error ? true : undefined}
          aria-describedby={described}
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={fromKey}
          onKeyUp={fromKey}
          onCompositionStart={() => setComposing(true)}
          onCompositionEnd={() => setComposing(false)}
          onBlur={() => setComposing(false)}
        />
      </div>
      {/* Always in the page, so a screen reader hears a warning the moment it appears. */}
      <div className="cc-warnings" id={ids.warn} role="status">
        {warnings.capsLock ? <p className="cc-warning">{w.capsLock}</p> : null}
        {korean ? <p className="cc-warning">{w.korean}</p> : null}
      </div>
      {below}
      {error ? (
        <p className="field-error" id={ids.error}>
          {error}
        </p>
      ) : null}
    </div>
  );
}
