// A transfer in three steps: details (from, to, amount with its Korean unit form, limits shown),
// confirmation of the recipient's name with PIN and OTP or security card, then the receipt. One
// idempotency key per confirmed form: a double click or a retry sends the same transfer once.
// A member holding a 공동인증서 in force signs each transfer: Send opens the selection window
// (loaded on demand), the signer signs the canonical form, and the receipt offers the signature
// and the signed content for download (docs/api.md, "Transfer signatures").
import { lazy, Suspense, useRef, useState } from "react";
import type { Signer } from "../../certcenter/storage/types.ts";
import { useI18n } from "../../i18n/index.tsx";
import { checkAccountNumber, formatAccountNumber } from "../../lib/account-number.ts";
import { ApiError, newIdempotencyKey } from "../../lib/api.ts";
import { formatDateTime } from "../../lib/dates.ts";
import { Link } from "../../lib/router.tsx";
import { serverNow } from "../../lib/server-time.ts";
import { useLoad } from "../../lib/use-load.ts";
import { formatWon, formatWonUnits } from "../../lib/won.ts";
import { ErrorMessage, type FieldProblem } from "../../ui/Alerts.tsx";
import { AmountField } from "../../ui/AmountField.tsx";
import { Field, SecretDigitsField, SelectField } from "../../ui/Field.tsx";
import { MediumFields } from "../../ui/MediumFields.tsx";
import { Page } from "../../ui/Page.tsx";
import { Facts } from "../../ui/Slip.tsx";
import { FormAlerts, useForm } from "../../ui/use-form.tsx";
import { holdsCertificateInForce, signTransfer, type TransferSignature } from "../certificate-step.ts";
import { api } from "../session.tsx";
import type { Account, Challenge, Limits, Receipt, Recipient } from "../types.ts";
import { accountName } from "./HomePage.tsx";

const UseWindow = lazy(() => import("../../certcenter/UseWindow.tsx"));

type Step =
  | { name: "details" }
  | { name: "confirm"; recipient: Recipient; challenge: Challenge; key: string; mustSign: boolean }
  | { name: "done"; receipt: Receipt; signed: boolean };

/** Whether the member holds a certificate in force; a list that cannot be read says no (the server still judges). */
async function mustSignTransfers(): Promise<boolean> {
  try {
    const list = await api.get<{ certificates: { status: string }[] }>("/api/certcenter/certificates");
    return holdsCertificateInForce(list.certificates);
  } catch {
    return false;
  }
}

const quickAmounts = [10_000n, 50_000n, 100_000n, 1_000_000n] as const;

export function TransferPage() {
  const { t, lang, errorText } = useI18n();
  const accounts = useLoad(() => api.get<{ accounts: Account[] }>("/api/accounts"), []);
  const limits = useLoad(() => api.get<Limits>("/api/limits"), []);
  const [step, setStep] = useState<Step>({ name: "details" });
  const [from, setFrom] = useState(() => new URLSearchParams(location.search).get("from") ?? "");
  const [to, setTo] = useState("");
  const [amount, setAmount] = useState("");
  const [memo, setMemo] = useState("");
  const [pin, setPin] = useState("");
  const [otp, setOtp] = useState("");
  const [cardFirst, setCardFirst] = useState("");
  const [cardSecond, setCardSecond] = useState("");
  // One submission at a time, whichever step's button (a double-click sends once).
  const form = useForm();
  // The selection window, open while a send waits for the member's certificate (null: cancelled).
  const [signing, setSigning] = useState(false);
  const [cancelled, setCancelled] = useState(false);
  const waiting = useRef<((signer: Signer | null) => void) | null>(null);
  const askSigner = () =>
    new Promise<Signer | null>((resolve) => {
      waiting.current = resolve;
      setSigning(true);
    });
  const answerSigner = (signer: Signer | null) => {
    setSigning(false);
    waiting.current?.(signer);
    waiting.current = null;
  };

  const usable = accounts.data?.accounts.filter((a) => a.status === "active") ?? [];
  const fromAccount = usable.find((a) => a.number === from) ?? usable[0] ?? null;
  const remainingToday =
    limits.data !== null ? BigInt(limits.data.perDay) - BigInt(limits.data.usedToday) : null;

  const toConfirm = form.onSubmit(
    () => {
      const found: FieldProblem[] = [];
      if (!fromAccount) found.push({ field: "tr-from", text: t.transfer.fromMissing });
      const checked = checkAccountNumber(to);
      if ("problem" in checked) found.push({ field: "tr-to", text: t.transfer.toProblems[checked.problem] });
      else if (fromAccount && checked.digits === fromAccount.number.replace(/-/g, ""))
        found.push({ field: "tr-to", text: t.transfer.toSelf });
      if (amount === "") found.push({ field: "tr-amount", text: t.transfer.amountMissing });
      else {
        const won = BigInt(amount);
        if (fromAccount && won > BigInt(fromAccount.available))
          found.push({ field: "tr-amount", text: t.transfer.overBalance });
        else if (limits.data && won > BigInt(limits.data.perTransfer))
          found.push({ field: "tr-amount", text: t.transfer.overPerTransfer });
        else if (remainingToday !== null && won > remainingToday)
          found.push({ field: "tr-amount", text: t.transfer.overToday });
      }
      if ([...memo].length > 20) found.push({ field: "tr-memo", text: t.transfer.memoTooLong });
      return found;
    },
    async () => {
      const checked = checkAccountNumber(to);
      // Both were checked above: no problems means an account to send from and a number to send to.
      if (!fromAccount || "problem" in checked) return;
      const recipient = await api.post<Recipient>("/api/transfers/recipient", {
        fromAccount: fromAccount.number,
        toAccount: formatAccountNumber(checked.digits),
        amount,
      });
      const challenge = await api.get<Challenge>("/api/transfers/challenge");
      const mustSign = await mustSignTransfers();
      setCancelled(false);
      setPin("");
      setOtp("");
      setCardFirst("");
      setCardSecond("");
      // A new key for each confirmed set of details; kept across retries of this confirmation.
      setStep({ name: "confirm", recipient, challenge, key: newIdempotencyKey(), mustSign });
    },
  );

  const send = form.onSubmit(
    () => {
      if (step.name !== "confirm" || !fromAccount) return undefined;
      const found: FieldProblem[] = [];
      if (!/^\d{4}$/.test(pin)) found.push({ field: "tr-pin", text: t.transfer.pinProblem });
      if (step.challenge.medium === "otp") {
        if (!/^\d{6}$/.test(otp)) found.push({ field: "tr-otp", text: t.transfer.otpProblem });
      } else {
        if (!/^\d{2}$/.test(cardFirst)) found.push({ field: "tr-card1", text: t.transfer.cardProblem });
        if (!/^\d{2}$/.test(cardSecond)) found.push({ field: "tr-card2", text: t.transfer.cardProblem });
      }
      return found;
    },
    async () => {
      if (step.name !== "confirm" || !fromAccount) return;
      const transfer = {
        idempotencyKey: step.key,
        fromAccount: fromAccount.number,
        toAccount: step.recipient.toAccount,
        amount: step.recipient.amount,
        memo: memo.trim() === "" ? null : memo.trim(),
      };
      setCancelled(false);
      let signature: TransferSignature | undefined;
      if (step.mustSign) {
        const signer = await askSigner();
        if (!signer) {
          setCancelled(true);
          return;
        }
        signature = await signTransfer(
          signer,
          { ...transfer, nonce: step.challenge.signatureNonce },
          // The bank's time, not this computer's: the bank refuses a signature far from its own clock.
          serverNow(),
        );
      }
      try {
        const receipt = await api.post<Receipt>("/api/transfers", {
          idempotencyKey: transfer.idempotencyKey,
          fromAccount: transfer.fromAccount,
          toAccount: transfer.toAccount,
          amount: transfer.amount,
          ...(transfer.memo ? { memo: transfer.memo } : {}),
          pin,
          ...(step.challenge.medium === "otp" ? { otp } : { card: { first: cardFirst, second: cardSecond } }),
          ...(signature ?? {}),
        });
        setPin("");
        setOtp("");
        setStep({ name: "done", receipt, signed: signature !== undefined });
        accounts.reload();
        limits.reload();
      } catch (error) {
        // The codes are single-use; the PIN stays only if the server found nothing wrong with it.
        setOtp("");
        setCardFirst("");
        setCardSecond("");
        if (error instanceof ApiError && error.code.includes("pin")) setPin("");
        // The member holds a certificate the list did not show (issued meanwhile): sign from now on.
        if (error instanceof ApiError && error.code === "signature_required")
          setStep({ ...step, mustSign: true });
        throw error;
      }
    },
  );

  function again(): void {
    setStep({ name: "details" });
    setTo("");
    setAmount("");
    setMemo("");
    form.clear();
  }

  if (step.name === "done") {
    const r = step.receipt;
    return (
      <Page title={t.transfer.doneTitle} siteName={t.app.name}>
        <div className="narrow">
          <div className="card receipt print-area">
            <p className="receipt-amount">{formatWon(r.amount, lang)}</p>
            <p className="receipt-lead">{t.transfer.doneLead(r.recipientName)}</p>
            <Facts
              rows={[
                [t.transfer.receiptId, r.id],
                [t.transfer.at, formatDateTime(r.at, lang)],
                [t.transfer.from, formatAccountNumber(r.fromAccount)],
                [t.transfer.to, `${formatAccountNumber(r.toAccount)} (${r.recipientName})`],
                [t.transfer.amount, `${formatWon(r.amount, lang)} (${formatWonUnits(r.amount)})`],
                [t.transfer.balanceAfter, formatWon(r.balanceAfter, lang)],
                ...(r.memo ? ([[t.transfer.memo, r.memo]] as [string, string][]) : []),
              ]}
            />
          </div>
          {step.signed ? (
            <section className="card no-print" aria-labelledby="signature-title">
              <h2 id="signature-title">{t.transfer.signatureTitle}</h2>
              <p>{t.transfer.signatureLead}</p>
              <ul className="plain-list">
                <li>
                  <a
                    href={`/api/transfers/${encodeURIComponent(r.id)}/signature`}
                    download={`transfer-${r.id}.p7s`}
                  >
                    {t.transfer.signatureDownload}
                  </a>
                </li>
                <li>
                  <a
                    href={`/api/transfers/${encodeURIComponent(r.id)}/signed-content`}
                    download={`transfer-${r.id}.json`}
                  >
                    {t.transfer.signedContentDownload}
                  </a>
                </li>
              </ul>
            </section>
          ) : null}
          <div className="button-row no-print">
            <button type="button" className="button button-secondary" onClick={() => window.print()}>
              {t.common.print}
            </button>
            <button type="button" className="button button-secondary" onClick={again}>
              {t.transfer.another}
            </button>
            <Link to="/" className="button">
              {t.nav.home}
            </Link>
          </div>
        </div>
      </Page>
    );
  }

  if (step.name === "confirm") {
    const { recipient, challenge } = step;
    return (
      <Page title={t.transfer.confirmTitle} siteName={t.app.name}>
        <div className="narrow">
          <ol className="steps" aria-label={t.transfer.stepsLabel}>
            <li>{t.transfer.steps[0]}</li>
            <li aria-current="step">{t.transfer.steps[1]}</li>
            <li>{t.transfer.steps[2]}</li>
          </ol>
          <section className="card confirm" aria-labelledby="confirm-q">
            <p className="confirm-name">
              <strong>{recipient.recipientName}</strong>
              <span>{recipient.cooperativeName}</span>
            </p>
            <p className="confirm-account">{formatAccountNumber(recipient.toAccount)}</p>
            <p className="confirm-amount">
              {formatWon(recipient.amount, lang)}
              <span className="confirm-units">{formatWonUnits(recipient.amount)}</span>
            </p>
            <p id="confirm-q" className="confirm-question">
              {t.transfer.confirmQuestion(recipient.recipientName)}
            </p>
            <Facts
              rows={[
                [t.transfer.from, fromAccount ? formatAccountNumber(fromAccount.number) : ""],
                [t.transfer.fee, formatWon(recipient.fee, lang)],
                ...(memo.trim() ? ([[t.transfer.memo, memo.trim()]] as [string, string][]) : []),
              ]}
            />
          </section>
          <FormAlerts form={form} />
          {cancelled ? (
            <p className="field-hint" role="status">
              {t.transfer.signCancelled}
            </p>
          ) : null}
          <form className="card form" onSubmit={send} noValidate>
            <h2>{t.transfer.authTitle}</h2>
            <SecretDigitsField
              digits={4}
              id="tr-pin"
              label={t.transfer.pin}
              hint={t.transfer.pinHint}
              value={pin}
              onDigits={setPin}
              error={form.errorOf("tr-pin")}
            />
            <MediumFields
              asked={challenge}
              ids={{ otp: "tr-otp", cardFirst: "tr-card1", cardSecond: "tr-card2" }}
              values={{ otp, cardFirst, cardSecond }}
              onChange={(v) => {
                setOtp(v.otp);
                setCardFirst(v.cardFirst);
                setCardSecond(v.cardSecond);
              }}
              errorOf={form.errorOf}
            />
            {step.mustSign ? (
              <div className="sign-step">
                <h2>{t.transfer.signTitle}</h2>
                <p className="field-hint">{t.transfer.signHint}</p>
              </div>
            ) : null}
            <div className="button-row">
              <button
                type="button"
                className="button button-secondary"
                disabled={form.sending}
                onClick={() => {
                  form.clear();
                  setStep({ name: "details" });
                }}
              >
                {t.common.back}
              </button>
              <button type="submit" className="button" disabled={form.sending} aria-disabled={form.sending}>
                {form.sending ? t.common.sending : t.transfer.send(formatWon(recipient.amount, lang))}
              </button>
            </div>
          </form>
          {signing ? (
            <Suspense fallback={null}>
              <UseWindow
                open
                onClose={() => answerSigner(null)}
                onSigner={(signer) => answerSigner(signer)}
                purpose={t.transfer.signPurpose(formatWon(recipient.amount, lang), recipient.recipientName)}
              />
            </Suspense>
          ) : null}
        </div>
      </Page>
    );
  }

  return (
    <Page title={t.transfer.title} siteName={t.app.name}>
      <div className="narrow">
        <ol className="steps" aria-label={t.transfer.stepsLabel}>
          <li aria-current="step">{t.transfer.steps[0]}</li>
          <li>{t.transfer.steps[1]}</li>
          <li>{t.transfer.steps[2]}</li>
        </ol>
        <FormAlerts form={form} />
        {limits.data && limits.data.medium === null ? (
          <ErrorMessage title={t.transfer.noMediumTitle}>
            <p>{t.transfer.noMedium}</p>
          </ErrorMessage>
        ) : null}
        {accounts.error || limits.error ? (
          <ErrorMessage>
            <p>{errorText(accounts.error ?? limits.error)}</p>
          </ErrorMessage>
        ) : null}
        <form className="card form" onSubmit={toConfirm} noValidate>
          <SelectField
            id="tr-from"
            label={t.transfer.from}
            value={fromAccount?.number ?? ""}
            onChange={(e) => setFrom(e.target.value)}
            error={form.errorOf("tr-from")}
            hint={fromAccount ? t.transfer.availableNow(formatWon(fromAccount.available, lang)) : "\u00a0"}
          >
            {accounts.data === null ? <option value="">{t.common.loading}</option> : null}
            {usable.map((a) => (
              <option key={a.number} value={a.number}>
                {accountName(a, t.accountKinds, lang)} {formatAccountNumber(a.number)}
              </option>
            ))}
          </SelectField>
          <Field
            id="tr-to"
            label={t.transfer.to}
            hint={t.transfer.toHint}
            inputMode="numeric"
            autoComplete="off"
            maxLength={20}
            value={to}
            onChange={(e) => setTo(e.target.value.replace(/[^\d-\s]/g, ""))}
            error={form.errorOf("tr-to")}
          />
          <AmountField
            id="tr-amount"
            label={t.transfer.amount}
            digits={amount}
            onChange={setAmount}
            error={form.errorOf("tr-amount")}
            lang={lang}
            unitLabel={t.transfer.unitsLabel}
            quickAdd={[
              ...quickAmounts.map((won, i): [bigint, string] => [won, t.transfer.quick[i] ?? ""]),
              [0n, t.transfer.clear],
            ]}
            quickAddLabel={t.transfer.quickAdd}
          />
          <Field
            id="tr-memo"
            label={t.transfer.memoOptional}
            hint={t.transfer.memoHint}
            autoComplete="off"
            maxLength={40}
            value={memo}
            onChange={(e) => setMemo(e.target.value)}
            error={form.errorOf("tr-memo")}
          />
          <section className="limits-box" aria-labelledby="limits-title">
            <h2 id="limits-title">{t.transfer.limitsTitle}</h2>
            {limits.data ? (
              <Facts
                rows={[
                  [t.limits.perTransfer, formatWon(limits.data.perTransfer, lang)],
                  [t.limits.perDay, formatWon(limits.data.perDay, lang)],
                  [t.limits.remainingToday, formatWon(remainingToday ?? 0n, lang)],
                ]}
              />
            ) : (
              <div className="facts-skeleton" aria-hidden="true" />
            )}
          </section>
          <button
            type="submit"
            className="button button-block"
            disabled={form.sending}
            aria-disabled={form.sending}
          >
            {form.sending ? t.common.loading : t.transfer.next}
          </button>
        </form>
      </div>
    </Page>
  );
}
