// The member's transfer limits at the counter: the registered medium's limits, today's use and the
// cooperative's maximums, and the form that sets new ones with the member's ID checked and a reason. A
// raise above the cooperative's approval amount waits on screen for a manager (ApprovalWait.tsx).
import { useState } from "react";
import type { Static } from "typebox";
import type { branchLimitsAnswer, changeLimitsAnswer } from "../../../src/server/teller/schemas.ts";
import { useI18n } from "../i18n/index.tsx";
import { useLoad } from "../lib/use-load.ts";
import { amountDigits, formatWon } from "../lib/won.ts";
import { ErrorMessage, type FieldProblem, Notice } from "../ui/Alerts.tsx";
import { Field, SelectField } from "../ui/Field.tsx";
import { Facts } from "../ui/Slip.tsx";
import { FormAlerts, useForm } from "../ui/use-form.tsx";
import { ApprovalWait, type ApprovalWaitWords } from "./ApprovalWait.tsx";
import { useSubmissionKey } from "./CashDesk.tsx";
import { useIdCheck } from "./IdCheck.tsx";
import { tellerApi } from "./TellerApp.tsx";
import type { Approval, PendingApproval, TellerMember } from "./types.ts";

type BranchLimits = Static<typeof branchLimitsAnswer>;
type LimitsAnswer = Static<typeof changeLimitsAnswer>;

const reasons = ["member_request", "lower_request", "fraud_prevention", "business", "other"] as const;
type Reason = (typeof reasons)[number];
/** The server takes 200 characters; the chosen reason's words go in front of the details. */
const detailMax = 150;

export function LimitsPanel({ member }: { member: TellerMember }) {
  const { t, lang, errorText } = useI18n();
  const l = t.teller.limits;
  const url = `/api/teller/members/${encodeURIComponent(member.id)}/limits`;
  // Read again when the services panel registers or replaces the medium.
  const current = useLoad(() => tellerApi.get<BranchLimits>(url), [url, member.securityMedium?.kind]);
  const limits = current.data;
  const won = (amount: string) => formatWon(amount, lang);
  return (
    <section className="card" aria-labelledby="limits-title">
      <h2 id="limits-title">{l.title}</h2>
      {current.error ? (
        <ErrorMessage>
          <p>{errorText(current.error)}</p>
        </ErrorMessage>
      ) : null}
      {limits ? (
        <>
          <Facts
            rows={[
              [l.medium, limits.medium ? l.media[limits.medium] : t.teller.noMedium],
              [l.perTransfer, won(limits.perTransfer)],
              [l.perDay, won(limits.perDay)],
              [l.usedToday, won(limits.usedToday)],
              ...(limits.maximum
                ? [
                    [
                      l.maximum,
                      l.maximumLine(won(limits.maximum.perTransfer), won(limits.maximum.perDay)),
                    ] as [string, string],
                  ]
                : []),
            ]}
          />
          {limits.maximum ? (
            <ChangeForm
              url={url}
              maximum={limits.maximum}
              onChanged={(a) => current.setData(a.limits)}
              onApproved={() => current.reload()}
            />
          ) : (
            <p>{l.noMedium}</p>
          )}
        </>
      ) : null}
    </section>
  );
}

function ChangeForm({
  url,
  maximum,
  onChanged,
  onApproved,
}: {
  url: string;
  maximum: { perTransfer: string; perDay: string };
  onChanged(answer: LimitsAnswer): void;
  /** A held raise was approved and applied: the limits are read again. */
  onApproved(): void;
}) {
  const { t, lang } = useI18n();
  const l = t.teller.limits;
  const [perTransfer, setPerTransfer] = useState("");
  const [perDay, setPerDay] = useState("");
  const [reason, setReason] = useState<Reason>("member_request");
  const [detail, setDetail] = useState("");
  const id = useIdCheck("lim", { document: l.idDocument, checked: l.idChecked, problem: l.idProblem });
  const [answer, setAnswer] = useState<LimitsAnswer | null>(null);
  const [waiting, setWaiting] = useState<Approval | null>(null);
  const key = useSubmissionKey();
  const form = useForm();
  const won = (amount: string) => formatWon(amount, lang);
  const asked = (r: Approval) =>
    [won(r.request.perTransfer ?? "0"), won(r.request.perDay ?? r.amount)] as const;
  const waitWords: ApprovalWaitWords = {
    pending: (r) => l.waitingText(...asked(r)),
    approved: (r, manager) => l.waitingApproved(manager, ...asked(r)),
    rejected: l.waitingRejected,
    expired: l.waitingExpired,
  };

  function amountProblem(field: string, digits: string, max: string): FieldProblem | null {
    if (!/^[1-9]\d*$/.test(digits)) return { field, text: l.amountProblem };
    if (BigInt(digits) > BigInt(max)) return { field, text: l.aboveMaximum(won(max)) };
    return null;
  }
  const submit = form.onSubmit(
    () => {
      const found = [
        amountProblem("lim-per-transfer", perTransfer, maximum.perTransfer),
        amountProblem("lim-per-day", perDay, maximum.perDay),
      ].filter((p): p is FieldProblem => p !== null);
      if (found.length === 0 && BigInt(perTransfer) > BigInt(perDay)) {
        found.push({ field: "lim-per-transfer", text: l.perTransferAboveDay });
      }
      if (reason === "other" && !detail.trim()) found.push({ field: "lim-detail", text: l.reasonProblem });
      return [...found, ...id.problems()];
    },
    async () => {
      setAnswer(null);
      setWaiting(null);
      const words = l.reasons[reason];
      const changed = await key.send((idempotencyKey) =>
        tellerApi.post<LimitsAnswer | PendingApproval>(url, {
          idempotencyKey,
          perTransfer,
          perDay,
          reason: detail.trim() ? `${words}: ${detail.trim()}` : words,
          idCheck: id.value,
        }),
      );
      setPerTransfer("");
      setPerDay("");
      setDetail("");
      id.reset();
      // Held for a manager: nothing changed yet; the limits are read again once approved.
      if ("approval" in changed) setWaiting(changed.approval);
      else {
        setAnswer(changed);
        onChanged(changed);
      }
    },
  );
  return (
    <>
      <p>{l.lead}</p>
      {answer ? (
        <Notice>
          <p>
            {answer.changed
              ? l.changed(won(answer.limits.perTransfer), won(answer.limits.perDay))
              : l.unchanged}
          </p>
        </Notice>
      ) : null}
      {waiting ? <ApprovalWait approval={waiting} words={waitWords} onApproved={onApproved} /> : null}
      <FormAlerts form={form} />
      <form className="form" onSubmit={submit} noValidate>
        <Field
          id="lim-per-transfer"
          label={l.newPerTransfer}
          hint={perTransfer ? won(perTransfer) : undefined}
          inputMode="numeric"
          autoComplete="off"
          value={perTransfer}
          onChange={(e) => setPerTransfer(amountDigits(e.target.value))}
          error={form.errorOf("lim-per-transfer")}
        />
        <Field
          id="lim-per-day"
          label={l.newPerDay}
          hint={perDay ? won(perDay) : undefined}
          inputMode="numeric"
          autoComplete="off"
          value={perDay}
          onChange={(e) => setPerDay(amountDigits(e.target.value))}
          error={form.errorOf("lim-per-day")}
        />
        <SelectField
          id="lim-reason"
          label={l.reason}
          value={reason}
          onChange={(e) => setReason(reasons.find((r) => r === e.target.value) ?? "other")}
        >
          {reasons.map((r) => (
            <option key={r} value={r}>
              {l.reasons[r]}
            </option>
          ))}
        </SelectField>
        <Field
          id="lim-detail"
          label={l.reasonDetail}
          hint={l.reasonDetailHint}
          autoComplete="off"
          maxLength={detailMax}
          value={detail}
          onChange={(e) => setDetail(e.target.value)}
          error={form.errorOf("lim-detail")}
        />
        {id.fields(form.errorOf)}
        <button type="submit" className="button" disabled={form.sending}>
          {form.sending ? t.common.sending : l.submit}
        </button>
      </form>
    </>
  );
}
