// Closing one of the member's accounts (해지): the account with its balance and holds, the payout in
// cash from the teller's drawer or to another of the member's accounts, the ID check and the PIN the
// holder types, and the answer with the printable receipt of a cash payout.
import { useState } from "react";
import { useI18n } from "../i18n/index.tsx";
import { formatAccountNumber } from "../lib/account-number.ts";
import { formatWon } from "../lib/won.ts";
import { Notice } from "../ui/Alerts.tsx";
import { CheckField, SelectField } from "../ui/Field.tsx";
import { Facts } from "../ui/Slip.tsx";
import { FormAlerts, useForm } from "../ui/use-form.tsx";
import { ReceiptSlip, useSubmissionKey } from "./CashDesk.tsx";
import { useHolderPin, useIdCheck } from "./IdCheck.tsx";
import { tellerApi } from "./TellerApp.tsx";
import type { Closing, MemberPanelProps } from "./types.ts";

export function CloseAccount({ member, base, refresh }: MemberPanelProps) {
  const { t, lang } = useI18n();
  const c = t.teller.closing;
  const open = member.accounts.filter((a) => a.status !== "closed");
  const [number, setNumber] = useState(open[0]?.number ?? "");
  const [payout, setPayout] = useState("cash");
  const cash = t.teller.cash;
  const id = useIdCheck("ca", {
    document: cash.idDocument,
    checked: cash.idChecked,
    problem: cash.idProblem,
  });
  const [confirmed, setConfirmed] = useState(false);
  const pin = useHolderPin("ca");
  const [closed, setClosed] = useState<Closing | null>(null);
  const key = useSubmissionKey();
  const form = useForm();
  const account = open.find((a) => a.number === number);
  const targets = open.filter((a) => a.number !== number && a.status === "active");

  const submit = form.onSubmit(
    () => {
      const found = [...id.problems(), ...pin.problems()];
      if (!confirmed) found.push({ field: "ca-confirm", text: c.confirmProblem });
      return found;
    },
    async () => {
      const answer = await pin.sending(() =>
        key.send((idempotencyKey) =>
          tellerApi.post<Closing>(`${base}/accounts/${encodeURIComponent(number)}/close`, {
            idempotencyKey,
            payout: payout === "cash" ? { kind: "cash" } : { kind: "transfer", to: payout },
            pin: pin.value,
            idCheck: id.value,
          }),
        ),
      );
      setClosed(answer);
      id.reset();
      setConfirmed(false);
      setPayout("cash");
      setNumber(open.find((a) => a.number !== number)?.number ?? "");
      await refresh().catch(() => undefined);
    },
  );

  return (
    <div className="panel">
      <h3>{c.title}</h3>
      {closed ? <ClosingResult closing={closed} /> : null}
      <p>{c.intro}</p>
      <FormAlerts form={form} />
      {open.length === 0 ? (
        <p className="empty">{c.noAccounts}</p>
      ) : (
        <form className="form" onSubmit={submit} noValidate>
          <SelectField
            id="ca-account"
            label={c.account}
            value={number}
            onChange={(e) => {
              setNumber(e.target.value);
              setPayout("cash");
            }}
          >
            {open.map((a) => (
              <option key={a.number} value={a.number}>
                {formatAccountNumber(a.number)} {a.name}
              </option>
            ))}
          </SelectField>
          {account ? (
            <Facts
              rows={[
                [c.balance, formatWon(account.balance, lang)],
                [c.held, formatWon(account.held, lang)],
              ]}
            />
          ) : null}
          {account && account.held !== "0" ? <p className="field-hint">{c.heldNote}</p> : null}
          <SelectField
            id="ca-payout"
            label={c.payout}
            value={payout}
            onChange={(e) => setPayout(e.target.value)}
          >
            <option value="cash">{c.payoutCash}</option>
            {targets.map((a) => (
              <option key={a.number} value={a.number}>
                {c.payoutTransfer(formatAccountNumber(a.number))}
              </option>
            ))}
          </SelectField>
          {id.fields(form.errorOf)}
          {pin.field(form.errorOf)}
          <CheckField
            id="ca-confirm"
            label={c.confirm}
            checked={confirmed}
            onChange={(e) => setConfirmed(e.target.checked)}
            error={form.errorOf("ca-confirm")}
          />
          <button type="submit" className="button" disabled={form.sending}>
            {form.sending ? t.common.sending : c.submit}
          </button>
        </form>
      )}
    </div>
  );
}

function ClosingResult({ closing }: { closing: Closing }) {
  const { t, lang } = useI18n();
  const c = t.teller.closing;
  const amount = formatWon(closing.amount, lang);
  const lines = [c.done(formatAccountNumber(closing.account.number))];
  if (closing.transferredTo) lines.push(c.moved(amount, formatAccountNumber(closing.transferredTo)));
  else if (closing.amount !== "0") lines.push(c.paidCash(amount));
  if (closing.releasedHolds.count > 0) {
    lines.push(c.released(closing.releasedHolds.count, formatWon(closing.releasedHolds.amount, lang)));
  }
  return (
    <>
      {closing.replayed ? <Notice>{c.replayed}</Notice> : null}
      <Notice>{lines.join(" ")}</Notice>
      {closing.receipt ? <ReceiptSlip receipt={closing.receipt} replayed={false} /> : null}
    </>
  );
}
