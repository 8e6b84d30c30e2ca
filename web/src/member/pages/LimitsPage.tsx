// Transfer limits: what they are with the member's medium, what is used today, and a form to
// lower them (raising is a branch matter).
import { useEffect, useState } from "react";
import { useI18n } from "../../i18n/index.tsx";
import { useLoad } from "../../lib/use-load.ts";
import { formatWon } from "../../lib/won.ts";
import { ErrorMessage, type FieldProblem, Notice } from "../../ui/Alerts.tsx";
import { AmountField } from "../../ui/AmountField.tsx";
import { Page } from "../../ui/Page.tsx";
import { Facts } from "../../ui/Slip.tsx";
import { FormAlerts, useForm } from "../../ui/use-form.tsx";
import { api } from "../session.tsx";
import type { Limits } from "../types.ts";

export function LimitsPage() {
  const { t, lang, errorText } = useI18n();
  const limits = useLoad(() => api.get<Limits>("/api/limits"), []);
  const [perTransfer, setPerTransfer] = useState("");
  const [perDay, setPerDay] = useState("");
  const form = useForm();
  const [saved, setSaved] = useState(false);
  const current = limits.data;

  useEffect(() => {
    if (current) {
      setPerTransfer(current.perTransfer);
      setPerDay(current.perDay);
    }
  }, [current]);

  const submit = form.onSubmit(
    () => {
      if (!current) return undefined;
      const found: FieldProblem[] = [];
      const pt = perTransfer === "" ? null : BigInt(perTransfer);
      const pd = perDay === "" ? null : BigInt(perDay);
      if (pt === null) found.push({ field: "lim-transfer", text: t.limits.missing });
      else if (pt > BigInt(current.perTransfer))
        found.push({ field: "lim-transfer", text: t.limits.raiseAtBranch });
      if (pd === null) found.push({ field: "lim-day", text: t.limits.missing });
      else if (pd > BigInt(current.perDay)) found.push({ field: "lim-day", text: t.limits.raiseAtBranch });
      if (pt !== null && pd !== null && found.length === 0 && pt > pd)
        found.push({ field: "lim-transfer", text: t.limits.transferOverDay });
      setSaved(false);
      return found;
    },
    async () => {
      const answer = await api.put<Limits | undefined>("/api/limits", { perTransfer, perDay });
      if (answer && typeof answer === "object" && "perDay" in answer) limits.setData(answer);
      else limits.reload();
      setSaved(true);
    },
  );

  return (
    <Page title={t.limits.title} siteName={t.app.name}>
      <div className="narrow">
        {limits.error ? (
          <ErrorMessage>
            <p>{errorText(limits.error)}</p>
          </ErrorMessage>
        ) : null}
        <section className="card" aria-labelledby="lim-now">
          <h2 id="lim-now">{t.limits.current}</h2>
          {current ? (
            <Facts
              rows={[
                [t.limits.medium, current.medium ? t.limits.media[current.medium] : t.limits.noMedium],
                [t.limits.perTransfer, formatWon(current.perTransfer, lang)],
                [t.limits.perDay, formatWon(current.perDay, lang)],
                [t.limits.usedToday, formatWon(current.usedToday, lang)],
                [
                  t.limits.remainingToday,
                  formatWon(BigInt(current.perDay) - BigInt(current.usedToday), lang),
                ],
              ]}
            />
          ) : (
            <div className="facts-skeleton" aria-hidden="true" />
          )}
        </section>
        {saved ? <Notice>{t.limits.saved}</Notice> : null}
        <FormAlerts form={form} />
        <form className="card form" onSubmit={submit} noValidate>
          <h2>{t.limits.lowerTitle}</h2>
          <p className="field-hint">{t.limits.lowerHelp}</p>
          <AmountField
            id="lim-transfer"
            label={t.limits.perTransfer}
            digits={perTransfer}
            onChange={setPerTransfer}
            error={form.errorOf("lim-transfer")}
            lang={lang}
            unitLabel={t.transfer.unitsLabel}
          />
          <AmountField
            id="lim-day"
            label={t.limits.perDay}
            digits={perDay}
            onChange={setPerDay}
            error={form.errorOf("lim-day")}
            lang={lang}
            unitLabel={t.transfer.unitsLabel}
          />
          <button type="submit" className="button button-block" disabled={form.sending || !current}>
            {form.sending ? t.common.sending : t.limits.save}
          </button>
        </form>
      </div>
    </Page>
  );
}
