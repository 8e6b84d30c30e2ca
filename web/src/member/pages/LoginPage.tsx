// Login with user ID and password. A locked login or a lapsed enrolment gets its own box saying
// what to do (a teller unlocks; a lapsed enrolment starts again at the branch).
import { type FormEvent, useState } from "react";
import { useI18n } from "../../i18n/index.tsx";
import { ApiError } from "../../lib/api.ts";
import { navigate } from "../../lib/router.tsx";
import { ErrorMessage, ErrorSummary, type FieldProblem, Notice } from "../../ui/Alerts.tsx";
import { Field } from "../../ui/Field.tsx";
import { Page } from "../../ui/Page.tsx";
import { api, type LoggedOutReason, useSession } from "../session.tsx";
import type { LoginAnswer } from "../types.ts";

export function LoginPage({ reason }: { reason?: LoggedOutReason | undefined }) {
  const { t, errorText } = useI18n();
  const session = useSession();
  const [userId, setUserId] = useState("");
  const [password, setPassword] = useState("");
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [failure, setFailure] = useState<ApiError | Error | null>(null);
  const [sending, setSending] = useState(false);

  async function submit(e: FormEvent): Promise<void> {
    e.preventDefault();
    if (sending) return;
    const found: FieldProblem[] = [];
    if (userId.trim() === "") found.push({ field: "login-user", text: t.login.userIdMissing });
    if (password === "") found.push({ field: "login-password", text: t.login.passwordMissing });
    setProblems(found);
    setFailure(null);
    if (found.length > 0) return;
    setSending(true);
    try {
      const answer = await api.post<LoginAnswer>(
        "/api/auth/login",
        { userId: userId.trim(), password },
        { keep401: true },
      );
      session.loggedIn(answer);
      navigate(answer.mustChangePassword ? "/register" : "/", { replace: true });
    } catch (error) {
      setPassword("");
      setFailure(error instanceof Error ? error : new Error(String(error)));
    } finally {
      setSending(false);
    }
  }

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
        <ErrorSummary title={t.common.checkFields} problems={problems} />
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
            value={userId}
            onChange={(e) => setUserId(e.target.value)}
            error={problems.find((p) => p.field === "login-user")?.text}
          />
          <Field
            id="login-password"
            label={t.login.password}
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={problems.find((p) => p.field === "login-password")?.text}
          />
          <button type="submit" className="button button-block" disabled={sending} aria-disabled={sending}>
            {sending ? t.login.sending : t.login.submit}
          </button>
        </form>
        <div className="help">
          <h2>{t.login.firstTimeTitle}</h2>
          <p>{t.login.firstTime}</p>
          <h2>{t.login.forgotTitle}</h2>
          <p>{t.login.forgot}</p>
        </div>
      </div>
    </Page>
  );
}
