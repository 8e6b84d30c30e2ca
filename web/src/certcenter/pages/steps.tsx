// The pieces every issuance-like flow shares: the step list at the top, the certificate password
// set with its live rules, the storage choice, the progress list, and the issuance under way that
// leaving the page ends (asked first when it is a link in the app).
import { type FormEvent, type ReactNode, useEffect, useId, useRef } from "react";
import {
  type CertificatePasswordViolation,
  checkCertificatePassword,
} from "../../../../src/pki/password-rules.ts";
import { useI18n } from "../../i18n/index.tsx";
import { formatAccountNumber } from "../../lib/account-number.ts";
import { formatWon } from "../../lib/won.ts";
import { accountName } from "../../member/pages/HomePage.tsx";
import type { Account } from "../../member/types.ts";
import { SelectField } from "../../ui/Field.tsx";
import { CertificatePasswordField } from "../CertificatePasswordField.tsx";
import { useCertcenterWords } from "../i18n/index.ts";
import type { IssueProgress, StorageChoice } from "../wiring.ts";

export function StepList<S extends string>({ steps, current }: { steps: readonly S[]; current: S }) {
  const cc = useCertcenterWords();
  const words = cc.steps as Record<string, string>;
  return (
    <ol className="steps cc-steps" aria-label={cc.steps.label}>
      {steps.map((s) => (
        <li key={s} aria-current={s === current ? "step" : undefined}>
          <span className="cc-step-label">{words[s]}</span>
        </li>
      ))}
    </ol>
  );
}

export interface StepFormProps {
  onSubmit(event: FormEvent<HTMLFormElement>): void;
  /** Back a step (from the first: out of the flow). */
  onBack(): void;
  /** A submission is under way: both buttons wait. */
  sending: boolean;
  title?: string;
  lead?: string;
  /** The next button's label; "다음" when absent. */
  next?: string;
  children: ReactNode;
}

/** One step of a flow as a card form: its heading and lead, its fields, then back and next. */
export function StepForm({ onSubmit, onBack, sending, title, lead, next, children }: StepFormProps) {
  const { t } = useI18n();
  const cc = useCertcenterWords();
  return (
    <form className="card form" onSubmit={onSubmit} noValidate>
      {title ? <h2>{title}</h2> : null}
      {lead ? <p className="field-hint">{lead}</p> : null}
      {children}
      <div className="button-row">
        <button type="button" className="button button-secondary" onClick={onBack} disabled={sending}>
          {cc.issue.back}
        </button>
        <button type="submit" className="button" disabled={sending} aria-disabled={sending}>
          {sending ? t.common.sending : (next ?? cc.issue.next)}
        </button>
      </div>
    </form>
  );
}

/** The rules in the order the list shows them; too_long only appears once broken. */
const ruleOrder: CertificatePasswordViolation[] = [
  "too_short",
  "needs_letter",
  "needs_digit",
  "needs_symbol",
  "forbidden_character",
  "repeated_characters",
  "sequential_characters",
];

export function passwordProblems(password: string): CertificatePasswordViolation[] {
  return checkCertificatePassword(password);
}

export function NewPasswordFields({
  password,
  again,
  setPassword,
  setAgain,
  errorOf,
}: {
  password: string;
  again: string;
  setPassword(v: string): void;
  setAgain(v: string): void;
  errorOf(field: string): string | undefined;
}) {
  const cc = useCertcenterWords();
  const rulesId = useId();
  const broken = new Set(checkCertificatePassword(password));
  const shown = broken.has("too_long") ? [...ruleOrder, "too_long" as const] : ruleOrder;
  return (
    <>
      <CertificatePasswordField
        id="cc-new-password"
        label={cc.issue.password}
        value={password}
        onChange={setPassword}
        autoComplete="new-password"
        error={errorOf("cc-new-password")}
        describedBy={rulesId}
        below={
          <ul className="rules" id={rulesId} aria-label={cc.issue.passwordRules}>
            {shown.map((rule) => {
              const ok = password !== "" && !broken.has(rule);
              return (
                <li key={rule} className={ok ? "rule rule-ok" : "rule"}>
                  <span className="rule-mark" aria-hidden="true">
                    {ok ? "✓" : "·"}
                  </span>
                  {cc.issue.rules[rule]}
                  <span className="visually-hidden">{ok ? " ✓" : ""}</span>
                </li>
              );
            })}
          </ul>
        }
      />
      <CertificatePasswordField
        id="cc-new-password-again"
        label={cc.issue.passwordAgain}
        value={again}
        onChange={setAgain}
        autoComplete="new-password"
        error={errorOf("cc-new-password-again")}
      />
    </>
  );
}

export const storageChoices: StorageChoice[] = ["browser", "folder", "zip", "pfx"];

export function canPickFolder(): boolean {
  return typeof window !== "undefined" && "showDirectoryPicker" in window;
}

export function StorageChoiceField({
  value,
  onChange,
}: {
  value: StorageChoice;
  onChange(choice: StorageChoice): void;
}) {
  const cc = useCertcenterWords();
  const s = cc.issue.storage;
  const words: Record<StorageChoice, [string, string]> = {
    browser: [s.browser, s.browserText],
    folder: [s.folder, canPickFolder() ? s.folderText : s.folderUnsupported],
    zip: [s.zip, s.zipText],
    pfx: [s.pfx, s.pfxText],
  };
  return (
    <fieldset className="cc-choices">
      <legend>{cc.issue.storageTitle}</legend>
      {storageChoices.map((choice) => {
        const disabled = choice === "folder" && !canPickFolder();
        return (
          <label key={choice} className={`cc-choice${disabled ? " cc-choice-off" : ""}`}>
            <input
              type="radio"
              name="cc-storage"
              value={choice}
              checked={value === choice}
              disabled={disabled}
              onChange={() => onChange(choice)}
            />
            <span>
              <strong>{words[choice][0]}</strong>
              <span className="cc-choice-text">{words[choice][1]}</span>
            </span>
          </label>
        );
      })}
      <label className="cc-choice cc-choice-off">
        <input type="radio" name="cc-storage" value="phone" disabled />
        <span>
          <strong>
            {s.phone} <span className="tag cc-coming">{s.coming}</span>
          </strong>
          <span className="cc-choice-text">{s.phoneText}</span>
        </span>
      </label>
    </fieldset>
  );
}

export type ProgressStep = "authorize" | IssueProgress;

export function ProgressList({
  steps,
  at,
  failed = false,
}: {
  steps: readonly ProgressStep[];
  /** The step under way (or where it stopped); null once all are done. */
  at: ProgressStep | null;
  failed?: boolean;
}) {
  const cc = useCertcenterWords();
  const index = at === null ? steps.length : steps.indexOf(at);
  return (
    <>
      <ol className="cc-progress">
        {steps.map((s, i) => (
          <li
            key={s}
            className={
              i < index
                ? "cc-progress-done"
                : i === index
                  ? failed
                    ? "cc-progress-failed"
                    : "cc-progress-now"
                  : undefined
            }
            aria-current={i === index && !failed ? "step" : undefined}
          >
            {cc.issue.progress[s]}
          </li>
        ))}
      </ol>
      <p className="visually-hidden" role="status">
        {at && !failed ? cc.issue.progressLive(cc.issue.progress[at]) : ""}
      </p>
    </>
  );
}

/** One of the member's active accounts (identity proofing, the fee), with its balance when asked. */
export function AccountSelect({
  id,
  label,
  hint,
  accounts,
  value,
  onChange,
  error,
  showAvailable = false,
}: {
  id: string;
  label: string;
  hint?: ReactNode;
  accounts: Account[];
  value: Account | undefined;
  onChange(number: string): void;
  error?: string | undefined;
  showAvailable?: boolean;
}) {
  const { t, lang } = useI18n();
  return (
    <SelectField
      id={id}
      label={label}
      hint={hint}
      value={value?.number ?? ""}
      onChange={(e) => onChange(e.target.value)}
      error={error}
    >
      {accounts.map((a) => (
        <option key={a.number} value={a.number}>
          {accountName(a, t.accountKinds, lang)} {formatAccountNumber(a.number)}
          {showAvailable ? ` (${formatWon(a.available, lang)})` : ""}
        </option>
      ))}
    </SelectField>
  );
}

/** A link the app's router follows (same origin, same tab, a plain left click), from a click. */
function inAppLink(event: MouseEvent): HTMLAnchorElement | null {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return null;
  const a = event.target instanceof Element ? event.target.closest<HTMLAnchorElement>("a[href]") : null;
  if (!a || a.target || a.hasAttribute("download") || a.origin !== location.origin) return null;
  return a;
}

/**
 * An issuance or renewal under way on this page. `start` gives the signal for one run; leaving the
 * page (a link, the back button, anything that unmounts it) aborts it, as closing the tab would:
 * the key worker ends and no request is sent after that (wiring.ts). While `underWay`, a link in
 * the app asks first, as a bank's page does before it throws away what the member is in the middle of.
 */
export function useRunUnderWay(underWay: boolean, question: string): { start(): AbortSignal } {
  const running = useRef<AbortController | null>(null);
  useEffect(() => () => running.current?.abort(new DOMException("the page was left", "AbortError")), []);
  useEffect(() => {
    if (!underWay) return;
    const ask = (event: MouseEvent) => {
      if (!inAppLink(event) || window.confirm(question)) return;
      // Before the router's own handler (on the app's root) sees it: the page stays, the run goes on.
      event.preventDefault();
      event.stopPropagation();
    };
    document.addEventListener("click", ask, true);
    return () => document.removeEventListener("click", ask, true);
  }, [underWay, question]);
  return {
    start() {
      running.current?.abort(new DOMException("a new run started", "AbortError"));
      const controller = new AbortController();
      running.current = controller;
      return controller.signal;
    },
  };
}
