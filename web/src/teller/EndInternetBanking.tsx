// Ending the member's internet banking at the counter (인터넷뱅킹 해지): what it ends said first
// (sessions, certificates, unused codes and held fees, the user ID) and what stays, the ID check,
// the tick that the member was told it cannot be undone, and what the server did.
import { useState } from "react";
import { useI18n } from "../i18n/index.tsx";
import { Notice } from "../ui/Alerts.tsx";
import { CheckField } from "../ui/Field.tsx";
import { FormAlerts, useForm } from "../ui/use-form.tsx";
import { useIdCheck } from "./IdCheck.tsx";
import { tellerApi } from "./TellerApp.tsx";
import type { EndedInternetBanking, MemberPanelProps } from "./types.ts";

export function EndInternetBanking({ member, base, refresh }: MemberPanelProps) {
  const { t } = useI18n();
  const e = t.teller.endBanking;
  const words = t.teller.limits;
  const id = useIdCheck("eb", {
    document: words.idDocument,
    checked: words.idChecked,
    problem: words.idProblem,
  });
  const [confirmed, setConfirmed] = useState(false);
  const [ended, setEnded] = useState<EndedInternetBanking | null>(null);
  const form = useForm();

  const submit = form.onSubmit(
    () => [...id.problems(), ...(confirmed ? [] : [{ field: "eb-confirm", text: e.confirmProblem }])],
    async () => {
      const answer = await tellerApi.post<EndedInternetBanking>(`${base}/internet-banking/end`, {
        idCheck: id.value,
      });
      setEnded(answer);
      id.reset();
      setConfirmed(false);
      await refresh().catch(() => undefined);
    },
  );

  if (ended) {
    const lines = [e.done(ended.userId), e.revoked(ended.certificatesRevoked.length)];
    if (ended.feesReleased > 0) lines.push(e.released(ended.feesReleased));
    if (!ended.statusPublished) lines.push(e.statusLate);
    lines.push(ended.memberTold.includes("sms") ? e.told : e.notTold);
    return (
      <div className="panel">
        <h3>{e.title}</h3>
        <Notice>{lines.join(" ")}</Notice>
      </div>
    );
  }
  return (
    <div className="panel">
      <h3>{e.title}</h3>
      {member.internetBanking ? (
        <>
          <p>{e.intro}</p>
          <ul>
            {e.effects.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
          <p>{e.keeps}</p>
          <FormAlerts form={form} />
          <form className="form" onSubmit={submit} noValidate>
            {id.fields(form.errorOf)}
            <CheckField
              id="eb-confirm"
              label={e.confirm}
              checked={confirmed}
              onChange={(event) => setConfirmed(event.target.checked)}
              error={form.errorOf("eb-confirm")}
            />
            <button type="submit" className="button" disabled={form.sending}>
              {form.sending ? t.common.sending : e.submit}
            </button>
          </form>
        </>
      ) : (
        <p className="empty">{e.notEnrolled}</p>
      )}
    </div>
  );
}
