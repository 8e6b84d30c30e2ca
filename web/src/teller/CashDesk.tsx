// The teller's cash at the counter: the drawer (시재) opened and closed with a count, its cash by the
// ledger and the day's postings, and the cash deposit and withdrawal forms with a printable receipt. A
// withdrawal held for a manager's approval waits on screen for the decision (ApprovalWait.tsx).
import { type ReactNode, useCallback, useEffect, useRef, useState } from "react";
import { useI18n } from "../i18n/index.tsx";
import { formatAccountNumber } from "../lib/account-number.ts";
import { ApiError, newIdempotencyKey } from "../lib/api.ts";
import { formatDateTime } from "../lib/dates.ts";
import { amountDigits, formatWon } from "../lib/won.ts";
import { ErrorMessage, type FieldProblem, Notice } from "../ui/Alerts.tsx";
import { Field } from "../ui/Field.tsx";
import { Facts, Slip } from "../ui/Slip.tsx";
import { FormAlerts, useForm } from "../ui/use-form.tsx";
import { ApprovalWait, type ApprovalWaitWords } from "./ApprovalWait.tsx";
import { useHolderPin, useIdCheck } from "./IdCheck.tsx";
import { tellerApi } from "./TellerApp.tsx";
import type { Approval, CashAnswer, CashReceipt, Drawer, DrawerDay, PendingApproval } from "./types.ts";

const base = "/api/teller/cash";

/**
 * One idempotency key per form submission: kept while the outcome is unknown (no answer, a server
 * failure, or the same request still running), so that sending again answers with the first receipt
 * and moves the money once; dropped after a receipt or a refusal, which moved nothing.
 */
export function useSubmissionKey() {
  const key = useRef<string | null>(null);
  return {
    /** Sends `post` with the key; its failure is thrown on, after the key is kept or dropped. */
    async send<T>(post: (idempotencyKey: string) => Promise<T>): Promise<T> {
      key.current ??= newIdempotencyKey();
      try {
        const answer = await post(key.current);
        key.current = null;
        return answer;
      } catch (error) {
        const refused =
          error instanceof ApiError &&
          error.status >= 400 &&
          error.status < 500 &&
          error.code !== "transfer_in_progress";
        if (refused) key.current = null;
        throw error;
      }
    },
  };
}

export function CashDesk() {
  const { t, lang, errorText } = useI18n();
  const a = t.teller.approvals;
  const waitWords: ApprovalWaitWords = {
    pending: (r) => a.waitingText(formatWon(r.amount, lang)),
    approved: (_r, manager) => a.waitingApproved(manager),
    rejected: a.waitingRejected,
    expired: a.waitingExpired,
  };
  const [drawer, setDrawer] = useState<Drawer | null>(null);
  const [loadFailure, setLoadFailure] = useState<unknown>(null);
  const [receipt, setReceipt] = useState<CashAnswer | null>(null);

  const reload = useCallback(async (): Promise<void> => {
    try {
      setDrawer(await tellerApi.get<Drawer>(`${base}/drawer`));
      setLoadFailure(null);
    } catch (error) {
      setLoadFailure(error);
    }
  }, []);

  useEffect(() => {
    void reload();
  }, [reload]);

  const [waiting, setWaiting] = useState<Approval | null>(null);

  async function moved(answer: CashAnswer | PendingApproval): Promise<void> {
    if ("approval" in answer) {
      // Held for a manager: nothing moved yet; the receipt comes with the approval.
      setReceipt(null);
      setWaiting(answer.approval);
      return;
    }
    setWaiting(null);
    setReceipt(answer);
    await reload();
  }

  // Approved, the withdrawal was paid in the manager's transaction: its receipt is shown and printed.
  function paid(approval: Approval): void {
    if (!approval.receipt) return;
    setReceipt({ receipt: approval.receipt, replayed: false });
    void reload();
  }

  return (
    <div className="cash-desk" aria-busy={drawer === null && !loadFailure ? true : undefined}>
      {loadFailure ? (
        <ErrorMessage>
          <p>{errorText(loadFailure)}</p>
        </ErrorMessage>
      ) : null}
      {drawer ? <DrawerPanel drawer={drawer} reload={reload} /> : null}
      {/* A drawer not open, or closed for the day, takes and pays no cash: no forms to send it (when
          the drawer could not be read, the forms stay and the server's refusal says why). */}
      {(drawer === null && loadFailure) || drawer?.day?.status === "open" ? (
        <div className="cash-forms">
          <DepositForm onDone={moved} />
          <WithdrawalForm onDone={moved} />
        </div>
      ) : null}
      {waiting ? <ApprovalWait approval={waiting} words={waitWords} onApproved={paid} /> : null}
      {receipt ? <ReceiptSlip receipt={receipt.receipt} replayed={receipt.replayed} /> : null}
      <Reprint
        onFound={(r) => {
          setWaiting(null);
          setReceipt({ receipt: r, replayed: false });
        }}
      />
    </div>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

function CountForm({
  id,
  submitLabel,
  path,
  onDone,
}: {
  id: string;
  submitLabel: string;
  path: string;
  onDone(): Promise<void>;
}) {
  const { t } = useI18n();
  const c = t.teller.cash;
  const [count, setCount] = useState("");
  const form = useForm();
  const submit = form.onSubmit(
    () => (/^\d+$/.test(count) ? [] : [{ field: id, text: c.countProblem }]),
    async () => {
      await tellerApi.post<DrawerDay>(`${base}/${path}`, { count });
      setCount("");
      await onDone();
    },
  );
  return (
    <>
      <FormAlerts form={form} />
      <form className="form" onSubmit={submit} noValidate>
        <Field
          id={id}
          label={c.count}
          hint={c.countHint}
          inputMode="numeric"
          autoComplete="off"
          value={count}
          onChange={(e) => setCount(amountDigits(e.target.value))}
          error={form.errorOf(id)}
        />
        <button type="submit" className="button" disabled={form.sending}>
          {form.sending ? t.common.sending : submitLabel}
        </button>
      </form>
    </>
  );
}

function differenceText(
  difference: string,
  lang: "ko" | "en",
  words: (a: string, s: number) => string,
): string {
  const n = BigInt(difference);
  const sign = n > 0n ? 1 : n < 0n ? -1 : 0;
  return words(formatWon(n < 0n ? -n : n, lang), sign);
}

function DrawerPanel({ drawer, reload }: { drawer: Drawer; reload(): Promise<void> }) {
  const { t, lang } = useI18n();
  const c = t.teller.cash;
  const day = drawer.day;
  return (
    <Section id="drawer-title" title={c.drawerTitle}>
      {day === null ? (
        <>
          <p>{c.noDrawer}</p>
          <CountForm id="d-open" submitLabel={c.openSubmit} path="drawer/open" onDone={reload} />
        </>
      ) : (
        <>
          <Facts
            rows={[
              [c.day, day.day],
              [c.status, day.status === "open" ? c.statusOpen : c.statusClosed],
              [c.ledgerCash, formatWon(drawer.cash, lang)],
              [c.openingCount, formatWon(day.openingCount, lang)],
              ...(day.fromVault !== "0"
                ? ([[c.fromVault, formatWon(day.fromVault, lang)]] as [string, string][])
                : []),
              ...(day.status === "closed"
                ? ([
                    [c.closingCount, formatWon(day.closingCount ?? "0", lang)],
                    [c.closingLedger, formatWon(day.closingLedger ?? "0", lang)],
                  ] as [string, string][])
                : []),
            ]}
          />
          {day.status === "closed" && day.difference !== null ? (
            <p className={`cash-difference${day.difference === "0" ? "" : " cash-difference-off"}`}>
              <strong>{c.difference}</strong>{" "}
              <span data-testid="cash-difference">
                {differenceText(day.difference, lang, c.differenceText)}
              </span>
            </p>
          ) : null}
          {day.status === "closed" ? <Notice>{c.closedNote}</Notice> : null}
          <DrawerLines drawer={drawer} />
          {day.status === "open" ? (
            <>
              <h3>{c.closeTitle}</h3>
              <CountForm id="d-close" submitLabel={c.closeSubmit} path="drawer/close" onDone={reload} />
            </>
          ) : null}
        </>
      )}
    </Section>
  );
}

function DrawerLines({ drawer }: { drawer: Drawer }) {
  const { t, lang } = useI18n();
  const c = t.teller.cash;
  if (drawer.lines.length === 0) return <p className="empty">{c.noLines}</p>;
  return (
    <div className="cash-lines-wrap">
      <table className="cash-lines">
        <caption>{c.linesTitle}</caption>
        <thead>
          <tr>
            <th scope="col">{c.lineTime}</th>
            <th scope="col">{c.lineKind}</th>
            <th scope="col">{c.lineCash}</th>
            <th scope="col">{c.lineAccount}</th>
            <th scope="col">{c.lineReceipt}</th>
          </tr>
        </thead>
        <tbody>
          {drawer.lines.map((l) => (
            <tr key={`${l.at}-${l.kind}-${l.receipt ?? l.cash}`}>
              <td>{formatDateTime(l.at, lang)}</td>
              <td>{c.kinds[l.kind]}</td>
              <td className="num">{formatWon(l.cash, lang)}</td>
              <td>{l.account ? formatAccountNumber(l.account) : ""}</td>
              <td>{l.receipt ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Account and amount, as both cash forms ask for them. */
function useAccountAmount(prefix: string) {
  const { t, lang } = useI18n();
  const c = t.teller.cash;
  const [account, setAccount] = useState("");
  const [amount, setAmount] = useState("");
  const digits = account.replace(/\D/g, "");
  function problems(): FieldProblem[] {
    const found: FieldProblem[] = [];
    if (!/^\d{10,16}$/.test(digits)) found.push({ field: `${prefix}-account`, text: c.accountProblem });
    if (!/^[1-9]\d*$/.test(amount)) found.push({ field: `${prefix}-amount`, text: c.amountProblem });
    return found;
  }
  function fields(errorOf: (f: string) => string | undefined): ReactNode {
    return (
      <>
        <Field
          id={`${prefix}-account`}
          label={c.account}
          inputMode="numeric"
          autoComplete="off"
          maxLength={20}
          value={account}
          onChange={(e) => setAccount(e.target.value.replace(/[^\d-]/g, ""))}
          error={errorOf(`${prefix}-account`)}
        />
        <Field
          id={`${prefix}-amount`}
          label={c.amount}
          hint={amount ? formatWon(amount, lang) : undefined}
          inputMode="numeric"
          autoComplete="off"
          value={amount}
          onChange={(e) => setAmount(amountDigits(e.target.value))}
          error={errorOf(`${prefix}-amount`)}
        />
      </>
    );
  }
  function reset(): void {
    setAccount("");
    setAmount("");
  }
  return { digits, amount, problems, fields, reset };
}

function DepositForm({ onDone }: { onDone(a: CashAnswer): Promise<void> }) {
  const { t } = useI18n();
  const c = t.teller.cash;
  const aa = useAccountAmount("cd");
  const [depositor, setDepositor] = useState("");
  const key = useSubmissionKey();
  const form = useForm();
  const submit = form.onSubmit(
    () => aa.problems(),
    async () => {
      const answer = await key.send((idempotencyKey) =>
        tellerApi.post<CashAnswer>(`${base}/deposits`, {
          idempotencyKey,
          account: aa.digits,
          amount: aa.amount,
          ...(depositor.trim() ? { depositorName: depositor.trim() } : {}),
        }),
      );
      aa.reset();
      setDepositor("");
      await onDone(answer);
    },
  );
  return (
    <Section id="deposit-title" title={c.depositTitle}>
      <FormAlerts form={form} />
      <form className="form" onSubmit={submit} noValidate>
        {aa.fields(form.errorOf)}
        <Field
          id="cd-depositor"
          label={c.depositorName}
          hint={c.depositorHint}
          autoComplete="off"
          maxLength={20}
          value={depositor}
          onChange={(e) => setDepositor(e.target.value)}
        />
        <button type="submit" className="button" disabled={form.sending}>
          {form.sending ? t.common.sending : c.depositSubmit}
        </button>
      </form>
    </Section>
  );
}

function WithdrawalForm({ onDone }: { onDone(a: CashAnswer | PendingApproval): Promise<void> }) {
  const { t } = useI18n();
  const c = t.teller.cash;
  const aa = useAccountAmount("cw");
  const id = useIdCheck("cw", { document: c.idDocument, checked: c.idChecked, problem: c.idProblem });
  const pin = useHolderPin("cw");
  const key = useSubmissionKey();
  const form = useForm();
  const submit = form.onSubmit(
    () => {
      return [...aa.problems(), ...id.problems(), ...pin.problems()];
    },
    async () => {
      const answer = await pin.sending(() =>
        key.send((idempotencyKey) =>
          tellerApi.post<CashAnswer | PendingApproval>(`${base}/withdrawals`, {
            idempotencyKey,
            account: aa.digits,
            amount: aa.amount,
            pin: pin.value,
            idCheck: id.value,
          }),
        ),
      );
      aa.reset();
      id.reset();
      await onDone(answer);
    },
  );
  return (
    <Section id="withdrawal-title" title={c.withdrawalTitle}>
      <FormAlerts form={form} />
      <form className="form" onSubmit={submit} noValidate>
        {aa.fields(form.errorOf)}
        {id.fields(form.errorOf)}
        {pin.field(form.errorOf)}
        <button type="submit" className="button" disabled={form.sending}>
          {form.sending ? t.common.sending : c.withdrawalSubmit}
        </button>
      </form>
    </Section>
  );
}

export function ReceiptSlip({ receipt, replayed }: { receipt: CashReceipt; replayed: boolean }) {
  const { t, lang } = useI18n();
  const c = t.teller.cash;
  return (
    <>
      {replayed ? <Notice>{c.replayed}</Notice> : null}
      <Slip title={c.receiptTitle(receipt.kind)} printLabel={c.print}>
        <Facts
          rows={[
            [c.receiptNumber, receipt.number],
            [c.account, formatAccountNumber(receipt.account)],
            [c.holder, receipt.holderName],
            [c.receiptAmount, formatWon(receipt.amount, lang)],
            [c.balanceAfter, formatWon(receipt.balanceAfter, lang)],
            ...(receipt.depositorName
              ? ([[c.receiptDepositor, receipt.depositorName]] as [string, string][])
              : []),
            ...(receipt.idDocument
              ? ([[c.idDocument, c.idDocuments[receipt.idDocument]]] as [string, string][])
              : []),
            [c.at, formatDateTime(receipt.at, lang)],
            [c.branch, `${receipt.cooperative} ${receipt.branch.name}`],
            [c.tellerId, receipt.tellerId],
          ]}
        />
      </Slip>
    </>
  );
}

/** Finds a receipt of the cooperative by its number; it is shown (one slip on screen, one on paper). */
function Reprint({ onFound }: { onFound(r: CashReceipt): void }) {
  const { t } = useI18n();
  const c = t.teller.cash;
  const [number, setNumber] = useState("");
  const form = useForm();
  const submit = form.onSubmit(
    () => (/^\d{8}-\d{8,12}$/.test(number.trim()) ? [] : [{ field: "rp-number", text: c.reprintProblem }]),
    async () => {
      onFound(await tellerApi.get<CashReceipt>(`${base}/receipts/${encodeURIComponent(number.trim())}`));
    },
  );
  return (
    <Section id="reprint-title" title={c.reprintTitle}>
      <FormAlerts form={form} />
      <form className="form" onSubmit={submit} noValidate>
        <Field
          id="rp-number"
          label={c.receiptNumber}
          autoComplete="off"
          maxLength={21}
          value={number}
          onChange={(e) => setNumber(e.target.value)}
          error={form.errorOf("rp-number")}
        />
        <button type="submit" className="button button-secondary" disabled={form.sending}>
          {form.sending ? t.common.loading : c.reprintSubmit}
        </button>
      </form>
    </Section>
  );
}
