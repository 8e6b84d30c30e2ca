// What a teller does for the member in front of them, one panel at a time, each with its result
// (and the printable slip the member takes home).
import { type ReactNode, useState } from "react";
import { useI18n } from "../i18n/index.tsx";
import { formatAccountNumber } from "../lib/account-number.ts";
import { formatDateTime, lastDayBefore } from "../lib/dates.ts";
import { isValidUserId } from "../lib/user-id.ts";
import { type FieldProblem, Notice } from "../ui/Alerts.tsx";
import { Field, SecretDigitsField, SelectField } from "../ui/Field.tsx";
import { QrCode } from "../ui/QrCode.tsx";
import { Facts, Slip } from "../ui/Slip.tsx";
import { FormAlerts, useForm } from "../ui/use-form.tsx";
import { CloseAccount } from "./CloseAccount.tsx";
import { EndInternetBanking } from "./EndInternetBanking.tsx";
import { branchLine, tellerApi } from "./TellerApp.tsx";
import type {
  CertificateAuthorization,
  Enrolment,
  MemberPanelProps,
  OtpDevice,
  SecurityCard,
  TellerAccount,
  TellerMember,
  TellerSession,
  Unlocked,
} from "./types.ts";

const actions = [
  "account",
  "close",
  "enrol",
  "otp",
  "card",
  "unlock",
  "reset",
  "certificate",
  "endBanking",
] as const;
type Action = (typeof actions)[number];

export function MemberActions({
  member,
  teller,
  refresh,
}: {
  member: TellerMember;
  teller: TellerSession;
  refresh(): Promise<void>;
}) {
  const { t } = useI18n();
  const [action, setAction] = useState<Action | null>(null);
  const base = `/api/teller/members/${encodeURIComponent(member.id)}`;
  const props = { member, teller, base, refresh };
  return (
    <section className="card" aria-labelledby="actions-title">
      <h2 id="actions-title">{t.teller.actionsTitle}</h2>
      <div className="action-grid">
        {actions.map((a) => (
          <button
            key={a}
            type="button"
            className="action-button"
            aria-pressed={action === a}
            aria-controls="action-panel"
            onClick={() => setAction(a)}
          >
            {t.teller.actions[a]}
          </button>
        ))}
      </div>
      <div id="action-panel" className="action-panel">
        {action === "account" ? <OpenAccount key={action} {...props} /> : null}
        {action === "close" ? <CloseAccount key={action} {...props} /> : null}
        {action === "enrol" ? <Enrol key={action} {...props} /> : null}
        {action === "otp" ? <RegisterOtp key={action} {...props} /> : null}
        {action === "card" ? <IssueCard key={action} {...props} /> : null}
        {action === "unlock" ? <Unlock key={action} {...props} /> : null}
        {action === "reset" ? <ResetPassword key={action} {...props} /> : null}
        {action === "certificate" ? <AuthorizeCertificate key={action} {...props} /> : null}
        {action === "endBanking" ? <EndInternetBanking key={action} {...props} /> : null}
      </div>
    </section>
  );
}

interface PanelProps extends MemberPanelProps {
  teller: TellerSession;
}

/**
 * After an action the console fetches the member again, so the summary shows what changed; the
 * action has happened whether or not that fetch succeeds.
 */
async function refreshed(refresh: () => Promise<void>): Promise<void> {
  await refresh().catch(() => undefined);
}

function Panel({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="panel">
      <h3>{title}</h3>
      {children}
    </div>
  );
}

function OpenAccount({ base, refresh }: PanelProps) {
  const { t } = useI18n();
  const [kind, setKind] = useState<"demand" | "savings">("demand");
  const [pin, setPin] = useState("");
  const [pinAgain, setPinAgain] = useState("");
  const [opened, setOpened] = useState<TellerAccount | null>(null);
  const form = useForm();
  const submit = form.onSubmit(
    () => {
      const found: FieldProblem[] = [];
      if (!/^\d{4}$/.test(pin)) found.push({ field: "a-pin", text: t.teller.pinProblem });
      else if (/^(\d)\1{3}$/.test(pin)) found.push({ field: "a-pin", text: t.teller.pinWeak });
      if (pinAgain !== pin) found.push({ field: "a-pin2", text: t.teller.pinMismatch });
      return found;
    },
    async () => {
      const account = await tellerApi.post<TellerAccount>(`${base}/accounts`, { kind, pin });
      await refreshed(refresh);
      setOpened(account);
      setPin("");
      setPinAgain("");
    },
  );

  return (
    <Panel title={t.teller.actions.account}>
      {opened ? <Notice>{t.teller.accountOpened(formatAccountNumber(opened.number))}</Notice> : null}
      <FormAlerts form={form} />
      <form className="form" onSubmit={submit} noValidate>
        <SelectField
          id="a-kind"
          label={t.teller.accountKind}
          value={kind}
          onChange={(e) => setKind(e.target.value === "savings" ? "savings" : "demand")}
        >
          <option value="demand">{t.accountKinds.demand}</option>
          <option value="savings">{t.accountKinds.savings}</option>
        </SelectField>
        <SecretDigitsField
          digits={4}
          id="a-pin"
          label={t.teller.pin}
          hint={t.teller.pinHint}
          value={pin}
          onDigits={setPin}
          error={form.errorOf("a-pin")}
        />
        <SecretDigitsField
          digits={4}
          id="a-pin2"
          label={t.teller.pinAgain}
          value={pinAgain}
          onDigits={setPinAgain}
          error={form.errorOf("a-pin2")}
        />
        <button type="submit" className="button" disabled={form.sending}>
          {form.sending ? t.common.sending : t.teller.openSubmit}
        </button>
      </form>
    </Panel>
  );
}

/** The 신청확인증: what the member needs to complete online registration at home. */
function EnrolmentSlip({
  member,
  teller,
  enrolment,
  reset,
}: {
  member: TellerMember;
  teller: TellerSession;
  enrolment: Enrolment;
  reset: boolean;
}) {
  const { t, lang } = useI18n();
  const deadline = enrolment.deadline ? lastDayBefore(enrolment.deadline) : "";
  return (
    <Slip title={reset ? t.teller.resetSlipTitle : t.teller.slipTitle} printLabel={t.common.print}>
      <Facts
        rows={[
          [t.teller.branch, branchLine(teller)],
          [t.teller.name, member.name],
          [t.teller.rrn, member.rrnMasked],
          [t.teller.userId, enrolment.userId],
          [
            t.teller.temporaryPassword,
            <code key="pw" className="secret">
              {enrolment.temporaryPassword}
            </code>,
          ],
          ...(enrolment.enrolledAt
            ? ([[t.teller.enrolledAt, formatDateTime(enrolment.enrolledAt, lang)]] as [string, string][])
            : []),
          ...(deadline ? ([[t.teller.deadline, deadline]] as [string, string][]) : []),
        ]}
      />
      <p className="slip-note">{t.teller.slipSteps(location.origin, deadline)}</p>
      <p className="slip-note">{t.teller.slipKeep}</p>
      <div className="slip-sign">
        <span>{t.teller.tellerSign(teller.name)}</span>
        <span>{t.teller.memberSign}</span>
      </div>
    </Slip>
  );
}

function Enrol({ member, teller, base, refresh }: PanelProps) {
  const { t } = useI18n();
  const [userId, setUserId] = useState("");
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const form = useForm();
  const submit = form.onSubmit(
    () => (isValidUserId(userId) ? [] : [{ field: "e-user", text: t.teller.userIdProblem }]),
    async () => {
      const answer = await tellerApi.post<Enrolment>(`${base}/enrolment`, { userId });
      await refreshed(refresh);
      setEnrolment(answer);
    },
  );

  if (enrolment) return <EnrolmentSlip member={member} teller={teller} enrolment={enrolment} reset={false} />;
  return (
    <Panel title={t.teller.actions.enrol}>
      <FormAlerts form={form} />
      <form className="form" onSubmit={submit} noValidate>
        <Field
          id="e-user"
          label={t.teller.userId}
          hint={t.teller.userIdHint}
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          maxLength={12}
          value={userId}
          onChange={(e) => setUserId(e.target.value.replace(/[^A-Za-z0-9]/g, ""))}
          error={form.errorOf("e-user")}
        />
        <button type="submit" className="button" disabled={form.sending}>
          {form.sending ? t.common.sending : t.teller.enrolSubmit}
        </button>
      </form>
    </Panel>
  );
}

function RegisterOtp({ member, base, refresh }: PanelProps) {
  const { t } = useI18n();
  const [device, setDevice] = useState<OtpDevice | null>(null);
  const form = useForm();
  const submit = form.onSubmit(
    () => [],
    async () => {
      const answer = await tellerApi.post<OtpDevice>(`${base}/otp`);
      await refreshed(refresh);
      setDevice(answer);
    },
  );
  if (device) {
    return (
      <Slip title={t.teller.otpSlipTitle} printLabel={t.common.print}>
        <QrCode value={device.uri} label={t.teller.otpQr} className="qr slip-qr" />
        <Facts
          rows={[
            [t.teller.name, member.name],
            [
              t.teller.otpSecret,
              <code key="s" className="secret">
                {device.secret.replace(/(.{4})(?=.)/g, "$1 ")}
              </code>,
            ],
            [
              t.teller.otpUri,
              <code key="u" className="uri">
                {device.uri}
              </code>,
            ],
          ]}
        />
        <p className="slip-note">{t.teller.otpHelp}</p>
      </Slip>
    );
  }
  return (
    <Panel title={t.teller.actions.otp}>
      <p>{t.teller.otpLead}</p>
      <FormAlerts form={form} />
      <button type="button" className="button" disabled={form.sending} onClick={(e) => void submit(e)}>
        {form.sending ? t.common.sending : t.teller.otpSubmit}
      </button>
    </Panel>
  );
}

function IssueCard({ member, base, refresh }: PanelProps) {
  const { t } = useI18n();
  const [card, setCard] = useState<SecurityCard | null>(null);
  const form = useForm();
  const submit = form.onSubmit(
    () => [],
    async () => {
      const answer = await tellerApi.post<SecurityCard>(`${base}/security-card`);
      await refreshed(refresh);
      setCard(answer);
    },
  );
  if (card) {
    return (
      <Slip title={t.teller.cardSlipTitle} printLabel={t.common.print}>
        <Facts
          rows={[
            [t.teller.name, member.name],
            [t.teller.cardSerial, card.serial],
          ]}
        />
        <ol className="card-codes">
          {card.codes.map((code, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the position is the code's number
            <li key={i}>
              <span className="code-no">{i + 1}</span>
              <span className="code">{code}</span>
            </li>
          ))}
        </ol>
        <p className="slip-note">{t.teller.cardHelp}</p>
      </Slip>
    );
  }
  return (
    <Panel title={t.teller.actions.card}>
      <p>{t.teller.cardLead}</p>
      <FormAlerts form={form} />
      <button type="button" className="button" disabled={form.sending} onClick={(e) => void submit(e)}>
        {form.sending ? t.common.sending : t.teller.cardSubmit}
      </button>
    </Panel>
  );
}

function Unlock({ base, refresh }: PanelProps) {
  const { t } = useI18n();
  const [done, setDone] = useState<Unlocked | null>(null);
  const form = useForm();
  const submit = form.onSubmit(
    () => [],
    async () => {
      const answer = await tellerApi.post<Unlocked>(`${base}/unlock`);
      await refreshed(refresh);
      setDone(answer);
    },
  );
  const results = t.teller.unlockResults;
  return (
    <Panel title={t.teller.actions.unlock}>
      <p>{t.teller.unlockLead}</p>
      {done ? (
        <Notice>
          <p>{results.login[done.login] ?? t.teller.unlocked}</p>
          <p>{results.medium[done.medium] ?? ""}</p>
        </Notice>
      ) : null}
      <FormAlerts form={form} />
      <button type="button" className="button" disabled={form.sending} onClick={(e) => void submit(e)}>
        {form.sending ? t.common.sending : t.teller.unlockSubmit}
      </button>
    </Panel>
  );
}

function ResetPassword({ member, teller, base, refresh }: PanelProps) {
  const { t } = useI18n();
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [sure, setSure] = useState(false);
  const form = useForm();
  const submit = form.onSubmit(
    () => (sure ? [] : undefined),
    async () => {
      const answer = await tellerApi.post<Enrolment>(`${base}/password-reset`);
      await refreshed(refresh);
      setEnrolment(answer);
    },
  );
  if (enrolment) return <EnrolmentSlip member={member} teller={teller} enrolment={enrolment} reset />;
  return (
    <Panel title={t.teller.actions.reset}>
      <p>{t.teller.resetLead}</p>
      <FormAlerts form={form} />
      <label className="check">
        <input
          type="checkbox"
          className="check-box"
          checked={sure}
          onChange={(e) => setSure(e.target.checked)}
        />
        {t.teller.resetConfirm}
      </label>
      <button
        type="button"
        className="button"
        disabled={form.sending || !sure}
        onClick={(e) => void submit(e)}
      >
        {form.sending ? t.common.sending : t.teller.resetSubmit}
      </button>
    </Panel>
  );
}

function AuthorizeCertificate({ member, teller, base }: PanelProps) {
  const { t, lang } = useI18n();
  const [purpose, setPurpose] = useState<"bank" | "universal">("bank");
  const [answer, setAnswer] = useState<CertificateAuthorization | null>(null);
  const [validDays, setValidDays] = useState(0);
  const form = useForm();
  const submit = form.onSubmit(
    () => [],
    async () => {
      const issued = await tellerApi.post<CertificateAuthorization>(`${base}/certificate-authorization`, {
        purpose,
      });
      setAnswer(issued);
      // Counted on the server's clock, so the slip's days match the date printed beside them.
      const now = Date.now() + tellerApi.serverClockOffset;
      setValidDays(Math.max(1, Math.round((Date.parse(issued.expiresAt) - now) / 86_400_000)));
    },
  );
  if (answer) {
    return (
      <Slip title={t.teller.certSlipTitle} printLabel={t.common.print}>
        <Facts
          rows={[
            [t.teller.branch, branchLine(teller)],
            [t.teller.name, member.name],
            [t.teller.certPurpose, t.teller.purposes[purpose]],
            [
              t.teller.referenceNumber,
              <code key="r" className="secret">
                {answer.referenceNumber}
              </code>,
            ],
            [
              t.teller.authorizationCode,
              <code key="c" className="secret">
                {answer.authorizationCode}
              </code>,
            ],
            [t.teller.expiresAt, formatDateTime(answer.expiresAt, lang)],
          ]}
        />
        <p className="slip-note">{t.teller.certHelp(validDays)}</p>
      </Slip>
    );
  }
  return (
    <Panel title={t.teller.actions.certificate}>
      <FormAlerts form={form} />
      <form className="form" onSubmit={submit} noValidate>
        <SelectField
          id="cert-purpose"
          label={t.teller.certPurpose}
          value={purpose}
          onChange={(e) => setPurpose(e.target.value === "universal" ? "universal" : "bank")}
        >
          <option value="bank">{t.teller.purposes.bank}</option>
          <option value="universal">{t.teller.purposes.universal}</option>
        </SelectField>
        <button type="submit" className="button" disabled={form.sending}>
          {form.sending ? t.common.sending : t.teller.certSubmit}
        </button>
      </form>
    </Panel>
  );
}
