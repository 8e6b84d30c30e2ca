// Login with user ID and password, or with a 공동인증서: the button loads the certificate
// selection window on demand (the first page stays small), the window hands back a one-shot
// signer, and the login form (src/pki/login-form.ts) signed over a fresh challenge logs in
// (docs/api.md, "Certificate login"); the session then starts as after a password login. A locked
// login or a lapsed enrolment gets its own box saying what to do (a teller unlocks; a lapsed
// enrolment starts again at the branch).
import { lazy, Suspense, useState } from "react";
import { signLoginForm } from "../../../../src/pki/login-form.ts";
import type { Signer } from "../../certcenter/storage/types.ts";
import { useI18n } from "../../i18n/index.tsx";
import { ApiError } from "../../lib/api.ts";
import { Link, navigate } from "../../lib/router.tsx";
import { ErrorMessage, ErrorSummary, type FieldProblem, Notice } from "../../ui/Alerts.tsx";
import { Field } from "../../ui/Field.tsx";
import { Page } from "../../ui/Page.tsx";
import { useForm } from "../../ui/use-form.tsx";
import { api, type LoggedOutReason, useSession } from "../session.tsx";
import type { LoginAnswer } from "../types.ts";

const UseWindow = lazy(() => import("../../certcenter/UseWindow.tsx"));

export function LoginPage({ reason }: { reason?: LoggedOutReason | undefined }) {
  const { t, errorText } = useI18n();
  const session = useSession();
  const [userId, setUserId] = useState("");
  const [password, setPassword] = useState("");
  const form = useForm();
  const [windowOpen, setWindowOpen] = useState(false);
  const [certSending, setCertSending] = useState(false);
  const [certFailure, setCertFailure] = useState<unknown>(null);

  function start(answer: LoginAnswer): void {
    session.loggedIn(answer);
    navigate(answer.mustChangePassword ? "/register" : "/", { replace: true });
  }

  // The challenge is asked for once the certificate is open: its two minutes are not spent while
  // the member looks for the certificate and types its password.
  async function certificateLogin(signer: Signer): Promise<void> {
    setWindowOpen(false);
    setCertSending(true);
    setCertFailure(null);
    form.clear();
    try {
      const { challenge } = await api.post<{ challenge: string; expiresAt: string }>(
        "/api/auth/certificate/challenge",
        undefined,
        { keep401: true },
      );
      const body = await signLoginForm(signer, { challenge, origin: location.origin });
      start(await api.post<LoginAnswer>("/api/auth/certificate/login", body, { keep401: true }));
    } catch (error) {
      setCertFailure(error);
    } finally {
      setCertSending(false);
    }
  }
  const submit = form.onSubmit(
    () => {
      const found: FieldProblem[] = [];
      if (userId.trim() === "") found.push({ field: "login-user", text: t.login.userIdMissing });
      if (password === "") found.push({ field: "login-password", text: t.login.passwordMissing });
      return found;
    },
    async () => {
      setCertFailure(null);
      try {
        const answer = await api.post<LoginAnswer>(
          "/api/auth/login",
          { userId: userId.trim(), password },
          { keep401: true },
        );
        start(answer);
      } catch (error) {
        setPassword("");
        throw error;
      }
    },
  );

  const failure = form.failure ?? certFailure;
  const code = failure instanceof ApiError ? failure.code : null;
  const notice =
    reason === "expired"
      ? t.login.expired
      : reason === "unauthorized"
        ? t.login.sessionEnded
        : reason === "logged_out"
          ? t.login.loggedOut
          : null;

  return (
    <Page title={t.login.title} siteName={t.app.name}>
      <div className="narrow">
        <Notice>{notice}</Notice>
        <ErrorSummary title={t.common.checkFields} problems={form.problems} />
        {failure ? (
          <ErrorMessage
            title={
              code === "login_locked"
                ? t.login.lockedTitle
                : code === "enrolment_lapsed"
                  ? t.login.lapsedTitle
                  : undefined
            }
          >
            <p>{errorText(failure)}</p>
            {code === "login_locked" ? <p>{t.login.lockedHelp}</p> : null}
            {code === "enrolment_lapsed" ? <p>{t.login.lapsedHelp}</p> : null}
          </ErrorMessage>
        ) : null}
        <form className="card form" onSubmit={submit} noValidate>
          <Field
            id="login-user"
            label={t.login.userId}
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            maxLength={30}
            value={userId}
            onChange={(e) => setUserId(e.target.value)}
            error={form.errorOf("login-user")}
          />
          <Field
            id="login-password"
            label={t.login.password}
            type="password"
            autoComplete="current-password"
            maxLength={64}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={form.errorOf("login-password")}
          />
          <button
            type="submit"
            className="button button-block"
            disabled={form.sending}
            aria-disabled={form.sending}
          >
            {form.sending ? t.login.sending : t.login.submit}
          </button>
        </form>
        <div className="login-alternative">
          <p className="login-or">{t.login.or}</p>
          <button
            type="button"
            className="button button-secondary button-block"
            disabled={certSending || form.sending}
            aria-disabled={certSending || form.sending}
            onClick={() => {
              setCertFailure(null);
              setWindowOpen(true);
            }}
          >
            {certSending ? t.login.certificateSending : t.login.certificateLogin}
          </button>
        </div>
        {windowOpen ? (
          <Suspense fallback={<p className="empty">{t.login.certificateLoading}</p>}>
            <UseWindow
              open
              onClose={() => setWindowOpen(false)}
              onSigner={(signer) => void certificateLogin(signer)}
              purpose={t.login.certificatePurpose}
            />
          </Suspense>
        ) : null}
        <div className="help">
          <h2>{t.login.firstTimeTitle}</h2>
          <p>{t.login.firstTime}</p>
          <h2>{t.login.forgotTitle}</h2>
          <p>{t.login.forgot}</p>
          <h2>{t.login.certificateTitle}</h2>
          <ul className="plain-list">
            <li>
              <Link to="/certcenter/guide">{t.login.certificateGuide}</Link>
            </li>
            <li>
              <Link to="/certcenter/faq">{t.login.certificateFaq}</Link>
            </li>
          </ul>
        </div>
      </div>
    </Page>
  );
}
