// A new login password: the online user registration after branch enrolment (the temporary
// password must go) and a plain change later. The rules tick as the member types.
import { useState } from "react";
import { useI18n } from "../../i18n/index.tsx";
import { checkPassword, passwordRules } from "../../lib/password-rules.ts";
import { navigate } from "../../lib/router.tsx";
import { type FieldProblem, Notice } from "../../ui/Alerts.tsx";
import { Field } from "../../ui/Field.tsx";
import { Page } from "../../ui/Page.tsx";
import { FormAlerts, useForm } from "../../ui/use-form.tsx";
import { api, useMember, useSession } from "../session.tsx";

export function PasswordPage({ registration }: { registration: boolean }) {
  const { t } = useI18n();
  const member = useMember();
  const session = useSession();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [again, setAgain] = useState("");
  const form = useForm();
  const [done, setDone] = useState(false);
  const rules = checkPassword(next, member.userId);
  const allKept = passwordRules.every((r) => rules[r]);

  const submit = form.onSubmit(
    () => {
      const found: FieldProblem[] = [];
      if (current === "") found.push({ field: "pw-current", text: t.password.currentMissing });
      if (!allKept) found.push({ field: "pw-new", text: t.password.rulesBroken });
      else if (next === current) found.push({ field: "pw-new", text: t.password.sameAsOld });
      if (again !== next) found.push({ field: "pw-again", text: t.password.mismatch });
      return found;
    },
    async () => {
      await api.post("/api/auth/password", { currentPassword: current, newPassword: next });
      setCurrent("");
      setNext("");
      setAgain("");
      if (registration) {
        session.passwordChanged();
        navigate("/", { replace: true });
      } else setDone(true);
    },
  );

  return (
    <Page title={registration ? t.password.registerTitle : t.password.changeTitle} siteName={t.app.name}>
      <div className="narrow">
        {registration ? <p className="lead">{t.password.registerLead(member.name)}</p> : null}
        {done ? <Notice>{t.password.changed}</Notice> : null}
        <FormAlerts form={form} />
        <form className="card form" onSubmit={submit} noValidate>
          <input type="text" name="username" autoComplete="username" value={member.userId} readOnly hidden />
          <Field
            id="pw-current"
            label={registration ? t.password.temporary : t.password.current}
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            error={form.errorOf("pw-current")}
          />
          <Field
            id="pw-new"
            label={t.password.new}
            type="password"
            autoComplete="new-password"
            maxLength={40}
            value={next}
            onChange={(e) => setNext(e.target.value)}
            error={form.errorOf("pw-new")}
            describedBy="pw-rules"
          />
          <ul className="rules" id="pw-rules" aria-label={t.password.rulesTitle}>
            {passwordRules.map((rule) => {
              const ok = next !== "" && rules[rule];
              return (
                <li key={rule} className={ok ? "rule rule-ok" : "rule"}>
                  <span className="rule-mark" aria-hidden="true">
                    {ok ? "✓" : "·"}
                  </span>
                  {t.password.rules[rule]}
                  <span className="visually-hidden">
                    {" "}
                    ({ok ? t.password.ruleKept : t.password.ruleNotKept})
                  </span>
                </li>
              );
            })}
          </ul>
          <Field
            id="pw-again"
            label={t.password.again}
            type="password"
            autoComplete="new-password"
            value={again}
            onChange={(e) => setAgain(e.target.value)}
            error={form.errorOf("pw-again")}
          />
          <button type="submit" className="button button-block" disabled={form.sending}>
            {form.sending
              ? t.common.sending
              : registration
                ? t.password.registerSubmit
                : t.password.changeSubmit}
          </button>
        </form>
      </div>
    </Page>
  );
}
