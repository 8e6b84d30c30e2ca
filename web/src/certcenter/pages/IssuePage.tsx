// Issuance, issuance with a branch slip, and reissue: one page that walks the steps of its mode.
// Issue: terms → use (bank free / universal 4,400 won on an account) → identity (RRN, account and
// passbook PIN, OTP or card; the server then makes a 10-minute web authorisation bound to the
// session) → certificate password (rules checked live) → where to keep it → progress → done,
// with a backup offer. Slip: the reference number and authorisation code in place of the first
// three. Reissue: terms → identity + which certificate and why → a code to the registered phone →
// the rest as issue. The key is made and used only in this browser (wiring.ts). Each form step is
// declared once (formSteps) and drawn by StepForm (steps.tsx).
import { type ReactNode, useState } from "react";
import { useI18n } from "../../i18n/index.tsx";
import { Link, navigate } from "../../lib/router.tsx";
import { checkRrn, formatRrnInput } from "../../lib/rrn.ts";
import { serverNow } from "../../lib/server-time.ts";
import { useLoad } from "../../lib/use-load.ts";
import { formatWon } from "../../lib/won.ts";
import { api } from "../../member/session.tsx";
import type { Account } from "../../member/types.ts";
import { ErrorMessage, type FieldProblem } from "../../ui/Alerts.tsx";
import { Field, SecretDigitsField, SelectField } from "../../ui/Field.tsx";
import { MediumFields, type MediumValues } from "../../ui/MediumFields.tsx";
import { Page } from "../../ui/Page.tsx";
import { FormAlerts, useForm } from "../../ui/use-form.tsx";
import {
  type CertificateList,
  certcenterApi,
  type IdentityProof,
  type IssueAuthorization,
  type MediumChallenge,
  type Purpose,
  type ReissueRequest,
} from "../api.ts";
import { isRetryableFailure } from "../ca-certificate.ts";
import { classifyOurs } from "../describe.ts";
import { certcenterErrorText } from "../failure-words.ts";
import { useCertcenterWords } from "../i18n/index.ts";
import { universalFeeWon } from "../purpose.ts";
import { enrolAndStore, isNotWired, type StorageChoice } from "../wiring.ts";
import {
  AccountSelect,
  canPickFolder,
  NewPasswordFields,
  ProgressList,
  type ProgressStep,
  passwordProblems,
  StepForm,
  type StepFormProps,
  StepList,
  StorageChoiceField,
  useRunUnderWay,
} from "./steps.tsx";

export type IssueMode = "issue" | "slip" | "reissue";

type Step =
  | "terms"
  | "purpose"
  | "identity"
  | "slip"
  | "phone"
  | "password"
  | "storage"
  | "progress"
  | "done";

const stepsOf: Record<IssueMode, readonly Step[]> = {
  issue: ["terms", "purpose", "identity", "password", "storage", "progress", "done"],
  slip: ["slip", "password", "storage", "progress", "done"],
  reissue: ["terms", "identity", "phone", "password", "storage", "progress", "done"],
};

const progressSteps: Record<IssueMode, readonly ProgressStep[]> = {
  issue: ["keys", "enrol", "store", "confirm"],
  slip: ["keys", "enrol", "store", "confirm"],
  reissue: ["keys", "enrol", "store", "confirm"],
};

const noMedium: MediumValues = { otp: "", cardFirst: "", cardSecond: "" };

type Authorization = Pick<IssueAuthorization, "referenceNumber" | "authorizationCode">;

/** A form step: StepForm's words and handler, and its fields, drawn only while it is the step. */
type FormStep = Pick<StepFormProps, "onSubmit" | "title" | "lead" | "next"> & { fields(): ReactNode };

export function IssuePage({ mode }: { mode: IssueMode }) {
  const { t, lang, errorText } = useI18n();
  const cc = useCertcenterWords();
  const client = certcenterApi(api);
  const steps = stepsOf[mode];
  const [step, setStep] = useState<Step>(steps[0]!);
  const form = useForm();
  const needsAccounts = mode !== "slip";
  const accounts = useLoad(
    () =>
      needsAccounts ? api.get<{ accounts: Account[] }>("/api/accounts") : Promise.resolve({ accounts: [] }),
    [needsAccounts],
  );
  const usable = accounts.data?.accounts.filter((a) => a.status === "active") ?? [];

  const [terms, setTerms] = useState(false);
  const [privacy, setPrivacy] = useState(false);
  const [purpose, setPurpose] = useState<Purpose>("bank");
  const [feeAccount, setFeeAccount] = useState("");
  const [rrn, setRrn] = useState("");
  const [account, setAccount] = useState("");
  const [pin, setPin] = useState("");
  const [challenge, setChallenge] = useState<MediumChallenge | null>(null);
  const [medium, setMedium] = useState<MediumValues>(noMedium);
  const [referenceNumber, setReferenceNumber] = useState("");
  const [authorizationCode, setAuthorizationCode] = useState("");
  const [serial, setSerial] = useState(() => new URLSearchParams(location.search).get("serial") ?? "");
  const [reason, setReason] = useState<ReissueRequest["reason"]>("forgotten");
  const [phoneSent, setPhoneSent] = useState<string | null>(null);
  const [phoneCode, setPhoneCode] = useState("");
  const [identity, setIdentity] = useState<IdentityProof | null>(null);
  const [authorization, setAuthorization] = useState<Authorization | null>(null);
  const [password, setPassword] = useState("");
  const [again, setAgain] = useState("");
  const [storage, setStorage] = useState<StorageChoice>("browser");
  const [progress, setProgress] = useState<ProgressStep | null>(null);
  const [failure, setFailure] = useState<unknown>(null);

  const mine = useLoad<CertificateList | null>(
    () => (mode === "reissue" ? client.certificates() : Promise.resolve(null)),
    [mode],
  );
  const reissuable = mine.data?.certificates.filter((c) => classifyOurs(c, serverNow()).usable) ?? [];
  const reissueSerial = reissuable.some((c) => c.serial === serial) ? serial : (reissuable[0]?.serial ?? "");
  // The server reissues the member's certificate of a purpose (one of each at a time).
  const reissuePurpose: Purpose = reissuable.find((c) => c.serial === reissueSerial)?.purpose ?? "bank";

  const title =
    mode === "slip" ? cc.issue.slipTitle : mode === "reissue" ? cc.issue.reissueTitle : cc.issue.title;
  const fee = purpose === "universal" ? universalFeeWon : "0";
  const chosenAccount = usable.find((a) => a.number === account) ?? usable[0];
  const chosenFeeAccount = usable.find((a) => a.number === feeAccount) ?? usable[0];

  // Leaving while the key is made or the CA is asked ends the issuance (asked first for a link).
  const issuance = useRunUnderWay(step === "progress" && failure === null, cc.issue.leaveConfirm);

  function next(): void {
    const i = steps.indexOf(step);
    form.clear();
    setStep(steps[i + 1]!);
  }
  function back(): void {
    const i = steps.indexOf(step);
    form.clear();
    if (i > 0) setStep(steps[i - 1]!);
    else navigate("/certcenter");
  }

  async function loadChallenge(): Promise<void> {
    setChallenge(await client.mediumChallenge());
  }

  const submitTerms = form.onSubmit(
    () => (terms && privacy ? [] : [{ field: "cc-terms", text: cc.issue.termsMissing }]),
    async () => {
      // The server keeps which versions the member agreed to; a web issuance is refused without.
      await client.agreeToTerms();
      next();
      if (steps[steps.indexOf(step) + 1] === "identity")
        await loadChallenge().catch((e: unknown) => setFailure(e));
    },
  );

  const submitPurpose = form.onSubmit(
    () =>
      purpose === "universal" && !chosenFeeAccount
        ? [{ field: "cc-fee-account", text: cc.issue.noAccount }]
        : [],
    async () => {
      next();
      await loadChallenge().catch((e: unknown) => setFailure(e));
    },
  );

  function identityProblems(): FieldProblem[] {
    const found: FieldProblem[] = [];
    if ("problem" in checkRrn(rrn)) found.push({ field: "cc-rrn", text: cc.issue.rrnProblem });
    if (!/^\d{4}$/.test(pin)) found.push({ field: "cc-pin", text: cc.issue.pinProblem });
    if (challenge?.medium === "otp" && !/^\d{6}$/.test(medium.otp))
      found.push({ field: "cc-otp", text: t.transfer.otpProblem });
    if (challenge?.medium === "card") {
      if (!/^\d{2}$/.test(medium.cardFirst)) found.push({ field: "cc-card1", text: t.transfer.cardProblem });
      if (!/^\d{2}$/.test(medium.cardSecond)) found.push({ field: "cc-card2", text: t.transfer.cardProblem });
    }
    return found;
  }

  const submitIdentity = form.onSubmit(
    () => (challenge && chosenAccount ? identityProblems() : undefined),
    async () => {
      const checked = checkRrn(rrn);
      if ("problem" in checked || !challenge || !chosenAccount) return;
      const proof: IdentityProof = {
        rrn: checked.digits,
        account: chosenAccount.number,
        pin,
        medium:
          challenge.medium === "otp"
            ? { otp: medium.otp }
            : { card: { first: medium.cardFirst, second: medium.cardSecond } },
      };
      try {
        if (mode === "issue") {
          const answer = await client.authorizeIssue({
            purpose,
            ...(purpose === "universal" && chosenFeeAccount ? { feeAccount: chosenFeeAccount.number } : {}),
            identity: proof,
          });
          setAuthorization(answer);
        } else {
          // Reissue: the proof goes with the phone code in one request (the next step).
          setIdentity(proof);
        }
        setRrn("");
        setPin("");
        next();
      } finally {
        // Single-use codes: a refusal asks for fresh ones.
        setMedium(noMedium);
      }
    },
  );

  const submitSlip = form.onSubmit(
    () => {
      const found: FieldProblem[] = [];
      if (!/^\d{4,}$/.test(referenceNumber.trim()))
        found.push({ field: "cc-reference", text: cc.issue.referenceProblem });
      if (authorizationCode.trim() === "")
        found.push({ field: "cc-authorization", text: cc.issue.authorizationProblem });
      return found;
    },
    async () => {
      setAuthorization({
        referenceNumber: referenceNumber.trim(),
        authorizationCode: authorizationCode.trim(),
      });
      next();
    },
  );

  const sendPhoneCode = async () => {
    try {
      setFailure(null);
      const sent = await client.sendReissueCode(reissuePurpose);
      setPhoneSent(sent.sentTo);
    } catch (e) {
      setFailure(e);
    }
  };

  const submitPhone = form.onSubmit(
    () => (/^\d{6}$/.test(phoneCode) ? [] : [{ field: "cc-phone-code", text: cc.issue.phoneCodeProblem }]),
    async () => {
      if (!identity) return;
      const answer = await client.authorizeReissue({
        purpose: reissuePurpose,
        reason,
        identity,
        phoneCode,
      });
      setIdentity(null);
      setPhoneCode("");
      setAuthorization(answer);
      next();
    },
  );

  const submitPassword = form.onSubmit(
    () => {
      const found: FieldProblem[] = [];
      if (passwordProblems(password).length > 0)
        found.push({ field: "cc-new-password", text: cc.issue.passwordBroken });
      else if (again !== password)
        found.push({ field: "cc-new-password-again", text: cc.issue.passwordMismatch });
      return found;
    },
    async () => next(),
  );

  async function run(): Promise<void> {
    if (!authorization) return;
    let directory: FileSystemDirectoryHandle | undefined;
    if (storage === "folder" && canPickFolder()) {
      const picker = (
        window as unknown as { showDirectoryPicker(o: object): Promise<FileSystemDirectoryHandle> }
      ).showDirectoryPicker;
      try {
        directory = await picker.call(window, { id: "npki", mode: "readwrite" });
      } catch (e) {
        // The member closed the picker: still on the storage step, nothing started.
        if (e instanceof DOMException && e.name === "AbortError") return;
        throw e;
      }
    }
    setFailure(null);
    setProgress("keys");
    setStep("progress");
    const signal = issuance.start();
    try {
      await enrolAndStore({
        authorization,
        password,
        storage,
        ...(directory ? { directory } : {}),
        onProgress: setProgress,
        signal,
      });
      setPassword("");
      setAgain("");
      setProgress(null);
      setStep("done");
    } catch (e) {
      // Left: nothing to show. Else the progress list keeps the step it stopped at.
      if (!signal.aborted) setFailure(e);
    }
  }

  /** After a failure: the authorisation is spent or stale, so everything starts from the first step. */
  function startAgain(): void {
    setAuthorization(null);
    setFailure(null);
    setProgress(null);
    setPassword("");
    setAgain("");
    setPhoneSent(null);
    form.clear();
    setStep(steps[0]!);
  }

  const submitStorage = form.onSubmit(
    () => [],
    async () => run(),
  );

  const failureText = failure
    ? isNotWired(failure)
      ? cc.unavailable
      : certcenterErrorText(failure, lang, errorText)
    : null;
  /**
   * Every form step, declared once: its heading and lead, its fields, and its submit handler (the
   * handlers above); StepForm draws the card and the back and next buttons, one submission at a time.
   */
  const formSteps: Partial<Record<Step, FormStep>> = {
    terms: {
      onSubmit: submitTerms,
      title: cc.issue.termsTitle,
      fields: () => (
        <>
          <div className="cc-terms" id="cc-terms" tabIndex={-1}>
            <p>{cc.issue.termsText}</p>
            <p>{cc.issue.privacyText}</p>
          </div>
          <label className="check">
            <input
              type="checkbox"
              className="check-box"
              checked={terms && privacy}
              onChange={(e) => {
                setTerms(e.target.checked);
                setPrivacy(e.target.checked);
              }}
            />
            <strong>{cc.issue.agreeAll}</strong>
          </label>
          <label className="check">
            <input
              type="checkbox"
              className="check-box"
              checked={terms}
              onChange={(e) => setTerms(e.target.checked)}
            />
            {cc.issue.agreeTerms}
          </label>
          <label className="check">
            <input
              type="checkbox"
              className="check-box"
              checked={privacy}
              onChange={(e) => setPrivacy(e.target.checked)}
            />
            {cc.issue.agreePrivacy}
          </label>
        </>
      ),
    },
    purpose: {
      onSubmit: submitPurpose,
      fields: () => (
        <>
          <fieldset className="cc-choices">
            <legend>{cc.issue.purposeTitle}</legend>
            {(["bank", "universal"] as const).map((p) => (
              <label key={p} className="cc-choice">
                <input
                  type="radio"
                  name="cc-purpose"
                  value={p}
                  checked={purpose === p}
                  onChange={() => setPurpose(p)}
                />
                <span>
                  <strong>{cc.purposeLong[p]}</strong>
                  <span className="cc-choice-text">
                    {p === "bank" ? cc.issue.purposeBankText : cc.issue.purposeUniversalText}
                  </span>
                </span>
              </label>
            ))}
          </fieldset>
          {purpose === "universal" ? (
            <>
              <AccountSelect
                id="cc-fee-account"
                label={cc.issue.feeAccount}
                hint={cc.issue.feeHeld}
                accounts={usable}
                value={chosenFeeAccount}
                onChange={setFeeAccount}
                error={form.errorOf("cc-fee-account")}
                showAvailable
              />
              <p className="cc-fee">{cc.issue.feeLine(formatWon(fee, lang))}</p>
            </>
          ) : null}
        </>
      ),
    },
    identity: {
      onSubmit: submitIdentity,
      title: cc.issue.identityTitle,
      lead: cc.issue.identityLead,
      fields: () => (
        <>
          {mode === "reissue" ? (
            <>
              <SelectField
                id="cc-reissue-which"
                label={cc.issue.reissueWhich}
                value={reissueSerial}
                onChange={(e) => setSerial(e.target.value)}
              >
                {reissuable.map((c) => (
                  <option key={c.serial} value={c.serial}>
                    {cc.purpose[c.purpose]} · {c.subject} · {c.notAfter.slice(0, 10)}
                  </option>
                ))}
              </SelectField>
              {mine.data && reissuable.length === 0 ? (
                <p className="field-error">
                  {cc.issue.reissueNone} <Link to="/certcenter/issue">{cc.menu.issue}</Link>
                </p>
              ) : null}
              {mine.error ? <p className="field-error">{errorText(mine.error)}</p> : null}
              <SelectField
                id="cc-reissue-reason"
                label={cc.issue.reissueReason}
                value={reason}
                onChange={(e) => setReason(e.target.value as ReissueRequest["reason"])}
              >
                {(["forgotten", "lost", "damaged"] as const).map((r) => (
                  <option key={r} value={r}>
                    {cc.issue.reasons[r]}
                  </option>
                ))}
              </SelectField>
            </>
          ) : null}
          <Field
            id="cc-rrn"
            label={cc.issue.rrn}
            hint={cc.issue.rrnHint}
            inputMode="numeric"
            autoComplete="off"
            maxLength={14}
            value={formatRrnInput(rrn)}
            onChange={(e) => setRrn(e.target.value.replace(/\D/g, "").slice(0, 13))}
            error={form.errorOf("cc-rrn")}
          />
          <AccountSelect
            id="cc-account"
            label={cc.issue.account}
            accounts={usable}
            value={chosenAccount}
            onChange={setAccount}
          />
          <SecretDigitsField
            id="cc-pin"
            digits={4}
            label={cc.issue.pin}
            hint={cc.issue.pinHint}
            value={pin}
            onDigits={setPin}
            error={form.errorOf("cc-pin")}
          />
          {challenge ? (
            <MediumFields
              asked={challenge}
              ids={{ otp: "cc-otp", cardFirst: "cc-card1", cardSecond: "cc-card2" }}
              values={medium}
              onChange={setMedium}
              errorOf={form.errorOf}
            />
          ) : null}
          {!challenge && !failure ? <div className="facts-skeleton" aria-hidden="true" /> : null}
        </>
      ),
    },
    slip: {
      onSubmit: submitSlip,
      lead: cc.issue.slipLead,
      fields: () => (
        <>
          <Field
            id="cc-reference"
            label={cc.issue.referenceNumber}
            hint={cc.issue.referenceHint}
            inputMode="numeric"
            autoComplete="off"
            maxLength={20}
            value={referenceNumber}
            onChange={(e) => setReferenceNumber(e.target.value.replace(/\D/g, ""))}
            error={form.errorOf("cc-reference")}
          />
          <Field
            id="cc-authorization"
            label={cc.issue.authorizationCode}
            hint={cc.issue.authorizationHint}
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            maxLength={40}
            value={authorizationCode}
            onChange={(e) => setAuthorizationCode(e.target.value.replace(/\s/g, ""))}
            error={form.errorOf("cc-authorization")}
          />
        </>
      ),
    },
    phone: {
      onSubmit: submitPhone,
      title: cc.issue.phoneTitle,
      lead: phoneSent ? cc.issue.phoneSent(phoneSent) : cc.issue.phoneLead,
      fields: () => (
        <>
          <button type="button" className="button button-secondary" onClick={() => void sendPhoneCode()}>
            {cc.issue.phoneSend}
          </button>
          <Field
            id="cc-phone-code"
            label={cc.issue.phoneCode}
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            value={phoneCode}
            onChange={(e) => setPhoneCode(e.target.value.replace(/\D/g, ""))}
            error={form.errorOf("cc-phone-code")}
          />
        </>
      ),
    },
    password: {
      onSubmit: submitPassword,
      title: cc.issue.passwordTitle,
      lead: cc.issue.passwordLead,
      fields: () => (
        <>
          <NewPasswordFields
            password={password}
            again={again}
            setPassword={setPassword}
            setAgain={setAgain}
            errorOf={form.errorOf}
          />
        </>
      ),
    },
    storage: {
      onSubmit: submitStorage,
      next: cc.steps.progress,
      fields: () => (
        <>
          <StorageChoiceField value={storage} onChange={setStorage} />
        </>
      ),
    },
  };
  const shownForm = formSteps[step];

  return (
    <Page title={title} siteName={t.app.name}>
      <div className="narrow">
        <StepList steps={steps} current={step} />
        {mode === "reissue" && step === steps[0] ? <p className="lead">{cc.issue.reissueLead}</p> : null}
        <FormAlerts form={form} />
        {failureText && step !== "progress" ? (
          <ErrorMessage>
            <p>{failureText}</p>
          </ErrorMessage>
        ) : null}

        {shownForm ? (
          <StepForm
            // A step's fields are its own: none is carried over (its state, its focus) to the next.
            key={step}
            onSubmit={shownForm.onSubmit}
            onBack={back}
            sending={form.sending}
            {...(shownForm.title ? { title: shownForm.title } : {})}
            {...(shownForm.lead ? { lead: shownForm.lead } : {})}
            {...(shownForm.next ? { next: shownForm.next } : {})}
          >
            {shownForm.fields()}
          </StepForm>
        ) : null}

        {step === "progress" ? (
          <section
            className="card"
            aria-labelledby="cc-progress-h"
            aria-busy={progress && !failure ? true : undefined}
          >
            <h2 id="cc-progress-h">{failure ? cc.issue.failedTitle : cc.issue.progressTitle}</h2>
            <ProgressList steps={progressSteps[mode]} at={progress} failed={failure !== null} />
            {failureText ? (
              <ErrorMessage>
                <p>{failureText}</p>
                <p>{cc.issue.failedNothing}</p>
              </ErrorMessage>
            ) : null}
            {failure ? (
              <div className="button-row">
                <Link to="/certcenter" className="button button-secondary">
                  {cc.issue.toCentre}
                </Link>
                {isRetryableFailure(failure) ? (
                  // Nothing reached the CA: the authorisation still holds, so the same step runs again.
                  <button type="button" className="button" onClick={() => void run()}>
                    {cc.issue.retrySame}
                  </button>
                ) : (
                  <button type="button" className="button" onClick={startAgain}>
                    {cc.issue.retry}
                  </button>
                )}
              </div>
            ) : null}
          </section>
        ) : null}

        {step === "done" ? (
          <section className="card receipt" aria-labelledby="cc-done-h">
            <h2 id="cc-done-h">{cc.issue.doneTitle}</h2>
            <p>{cc.issue.doneText(storage)}</p>
            <div className="alert alert-ok">
              <p className="alert-title">{cc.issue.backupTitle}</p>
              <p>{cc.issue.backupText}</p>
            </div>
            <div className="button-row">
              <Link to="/certcenter" className="button button-secondary">
                {cc.issue.toCentre}
              </Link>
              <Link to="/certcenter/manage" className="button">
                {cc.issue.backupButton}
              </Link>
            </div>
          </section>
        ) : null}
      </div>
    </Page>
  );
}
