// What a teller does for the member in front of them, one panel at a time, each with its result
// (and the printable slip the member takes home).
import { type FormEvent, type ReactNode, useState } from "react";
import { useI18n } from "../i18n/index.tsx";
import { formatAccountNumber } from "../lib/account-number.ts";
import { formatDateTime, lastDayBefore } from "../lib/dates.ts";
import { isValidUserId } from "../lib/user-id.ts";
import { ErrorMessage, ErrorSummary, type FieldProblem, Notice } from "../ui/Alerts.tsx";
import { Field, SecretDigitsField, SelectField } from "../ui/Field.tsx";
import { QrCode } from "../ui/QrCode.tsx";
import { Facts, Slip } from "../ui/Slip.tsx";
import { branchLine, tellerApi } from "./TellerApp.tsx";
import type {
  CertificateAuthorization,
  Enrolment,
  OtpDevice,
  SecurityCard,
  TellerAccount,
  TellerMember,
  TellerSession,
} from "./types.ts";

const actions = ["account", "enrol", "otp", "card", "unlock", "reset", "certificate"] as const;
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
        {action === "enrol" ? <Enrol key={action} {...props} /> : null}
        {action === "otp" ? <RegisterOtp key={action} {...props} /> : null}
        {action === "card" ? <IssueCard key={action} {...props} /> : null}
        {action === "unlock" ? <Unlock key={action} {...props} /> : null}
        {action === "reset" ? <ResetPassword key={action} {...props} /> : null}
        {action === "certificate" ? <AuthorizeCertificate key={action} {...props} /> : null}
      </div>
    </section>
  );
}

interface PanelProps {
  member: TellerMember;
  teller: TellerSession;
  base: string;
  refresh(): Promise<void>;
}

/** A panel's request: sending flag, the server's refusal, one request at a time. */
function useAction() {
  const [sending, setSending] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  async function run<T>(request: () => Promise<T>, after?: () => Promise<void>): Promise<T | null> {
    if (sending) return null;
    setSending(true);
    setFailure(null);
    try {
      const result = await request();
      await after?.().catch(() => undefined);
      return result;
    } catch (error) {
      setFailure(error);
      return null;
    } finally {
      setSending(false);
    }
  }
  return { sending, failure, run };
}

function Failure({ failure }: { failure: unknown }) {
  const { errorText } = useI18n();
  if (!failure) return null;
  return (
    <ErrorMessage>
      <p>{errorText(failure)}</p>
    </ErrorMessage>
  );
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
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [opened, setOpened] = useState<TellerAccount | null>(null);
  const { sending, failure, run } = useAction();

  async function submit(e: FormEvent): Promise<void> {
    e.preventDefault();
    const found: FieldProblem[] = [];
    if (!/^\d{4}$/.test(pin)) found.push({ field: "a-pin", text: t.teller.pinProblem });
    else if (/^(\d)\1{3}$/.test(pin)) found.push({ field: "a-pin", text: t.teller.pinWeak });
    if (pinAgain !== pin) found.push({ field: "a-pin2", text: t.teller.pinMismatch });
    setProblems(found);
    if (found.length > 0) return;
    const account = await run(
      () => tellerApi.post<TellerAccount>(`${base}/accounts`, { kind, pin }),
      refresh,
    );
    if (account) {
      setOpened(account);
      setPin("");
      setPinAgain("");
    }
  }

  const errorOf = (field: string) => problems.find((p) => p.field === field)?.text;
  return (
    <Panel title={t.teller.actions.account}>
      {opened ? <Notice>{t.teller.accountOpened(formatAccountNumber(opened.number))}</Notice> : null}
      <ErrorSummary title={t.common.checkFields} problems={problems} />
      <Failure failure={failure} />
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
          error={errorOf("a-pin")}
        />
        <SecretDigitsField
          digits={4}
          id="a-pin2"
          label={t.teller.pinAgain}
          value={pinAgain}
          onDigits={setPinAgain}
          error={errorOf("a-pin2")}
        />
        <button type="submit" className="button" disabled={sending}>
          {sending ? t.common.sending : t.teller.openSubmit}
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
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const { sending, failure, run } = useAction();

  async function submit(e: FormEvent): Promise<void> {
    e.preventDefault();
    const found: FieldProblem[] = [];
    if (!isValidUserId(userId)) found.push({ field: "e-user", text: t.teller.userIdProblem });
    setProblems(found);
    if (found.length > 0) return;
    const answer = await run(() => tellerApi.post<Enrolment>(`${base}/enrolment`, { userId }), refresh);
    if (answer) setEnrolment(answer);
  }

  if (enrolment) return <EnrolmentSlip member={member} teller={teller} enrolment={enrolment} reset={false} />;
  return (
    <Panel title={t.teller.actions.enrol}>
      <ErrorSummary title={t.common.checkFields} problems={problems} />
      <Failure failure={failure} />
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
          error={problems[0]?.text}
        />
        <button type="submit" className="button" disabled={sending}>
          {sending ? t.common.sending : t.teller.enrolSubmit}
        </button>
      </form>
    </Panel>
  );
}

function RegisterOtp({ member, base, refresh }: PanelProps) {
  const { t } = useI18n();
  const [device, setDevice] = useState<OtpDevice | null>(null);
  const { sending, failure, run } = useAction();
  async function submit(): Promise<void> {
    const answer = await run(() => tellerApi.post<OtpDevice>(`${base}/otp`), refresh);
    if (answer) setDevice(answer);
  }
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
      <Failure failure={failure} />
      <button type="button" className="button" disabled={sending} onClick={() => void submit()}>
        {sending ? t.common.sending : t.teller.otpSubmit}
      </button>
    </Panel>
  );
}

function IssueCard({ member, base, refresh }: PanelProps) {
  const { t } = useI18n();
  const [card, setCard] = useState<SecurityCard | null>(null);
  const { sending, failure, run } = useAction();
  async function submit(): Promise<void> {
    const answer = await run(() => tellerApi.post<SecurityCard>(`${base}/security-card`), refresh);
    if (answer) setCard(answer);
  }
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
      <Failure failure={failure} />
      <button type="button" className="button" disabled={sending} onClick={() => void submit()}>
        {sending ? t.common.sending : t.teller.cardSubmit}
      </button>
    </Panel>
  );
}

function Unlock({ base, refresh }: PanelProps) {
  const { t } = useI18n();
  const [done, setDone] = useState<{ login: string; medium: string } | null>(null);
  const { sending, failure, run } = useAction();
  async function submit(): Promise<void> {
    const answer = await run(
      () => tellerApi.post<{ login: string; medium: string }>(`${base}/unlock`),
      refresh,
    );
    if (answer) setDone(answer);
  }
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
      <Failure failure={failure} />
      <button type="button" className="button" disabled={sending} onClick={() => void submit()}>
        {sending ? t.common.sending : t.teller.unlockSubmit}
      </button>
    </Panel>
  );
}

function ResetPassword({ member, teller, base, refresh }: PanelProps) {
  const { t } = useI18n();
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [sure, setSure] = useState(false);
  const { sending, failure, run } = useAction();
  async function submit(): Promise<void> {
    const answer = await run(() => tellerApi.post<Partial<Enrolment>>(`${base}/password-reset`), refresh);
    if (answer?.temporaryPassword) {
      setEnrolment({
        userId: answer.userId ?? member.internetBanking?.userId ?? "",
        temporaryPassword: answer.temporaryPassword,
        ...(answer.enrolledAt ? { enrolledAt: answer.enrolledAt } : {}),
        ...(answer.deadline ? { deadline: answer.deadline } : {}),
      });
    }
  }
  if (enrolment) return <EnrolmentSlip member={member} teller={teller} enrolment={enrolment} reset />;
  return (
    <Panel title={t.teller.actions.reset}>
      <p>{t.teller.resetLead}</p>
      <Failure failure={failure} />
      <label className="check">
        <input
          type="checkbox"
          className="check-box"
          checked={sure}
          onChange={(e) => setSure(e.target.checked)}
        />
        {t.teller.resetConfirm}
      </label>
      <button type="button" className="button" disabled={sending || !sure} onClick={() => void submit()}>
        {sending ? t.common.sending : t.teller.resetSubmit}
      </button>
    </Panel>
  );
}

function AuthorizeCertificate({ member, teller, base }: PanelProps) {
  const { t, lang } = useI18n();
  const [purpose, setPurpose] = useState<"bank" | "universal">("bank");
  const [answer, setAnswer] = useState<CertificateAuthorization | null>(null);
  const { sending, failure, run } = useAction();
  async function submit(e: FormEvent): Promise<void> {
    e.preventDefault();
    const result = await run(() =>
      tellerApi.post<CertificateAuthorization>(`${base}/certificate-authorization`, { purpose }),
    );
    if (result) setAnswer(result);
  }
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
        <p className="slip-note">{t.teller.certHelp}</p>
      </Slip>
    );
  }
  return (
    <Panel title={t.teller.actions.certificate}>
      <Failure failure={failure} />
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
        <button type="submit" className="button" disabled={sending}>
          {sending ? t.common.sending : t.teller.certSubmit}
        </button>
      </form>
    </Panel>
  );
}
