// The teller console: login, then the counter page (find or register a member and act for them).
import { useCallback, useEffect, useState } from "react";
import { useI18n } from "../i18n/index.tsx";
import { ApiClient, ApiError } from "../lib/api.ts";
import { IdleClock } from "../lib/idle-clock.ts";
import { navigate, usePath } from "../lib/router.tsx";
import { type FieldProblem, Notice } from "../ui/Alerts.tsx";
import { Field } from "../ui/Field.tsx";
import { IdleWatch } from "../ui/IdleWatch.tsx";
import { LangSwitch } from "../ui/LangSwitch.tsx";
import { Page } from "../ui/Page.tsx";
import { FormAlerts, useForm } from "../ui/use-form.tsx";
import { CounterPage } from "./CounterPage.tsx";
import type { TellerSession } from "./types.ts";

export const tellerApi = new ApiClient();
const idleClock = new IdleClock("geumgo.teller.idle");

type State =
  | { status: "loading" }
  | { status: "out"; notice?: string }
  | { status: "in"; teller: TellerSession };

export function branchLine(s: TellerSession): string {
  return `${s.cooperative.name} ${s.branch.name}`;
}

export function TellerApp() {
  const { t } = useI18n();
  const path = usePath();
  const [state, setState] = useState<State>({ status: "loading" });

  const end = useCallback((notice?: string) => {
    tellerApi.csrfToken = null;
    idleClock.stop();
    setState(notice ? { status: "out", notice } : { status: "out" });
    navigate("/teller/login", { replace: true });
  }, []);

  useEffect(() => {
    tellerApi.hooks = {
      onUnauthorized: () => end(t.teller.sessionEnded),
      onActivity: () => idleClock.touch(),
    };
  }, [end, t]);

  useEffect(() => {
    tellerApi
      .get<TellerSession>("/api/teller/session", { keep401: true, passive: true })
      .then((s) => {
        tellerApi.csrfToken = s.csrfToken;
        idleClock.idleMs = s.idleTimeoutSeconds * 1000;
        if (s.expiresAt) idleClock.setFromServer(s.expiresAt, tellerApi.serverClockOffset);
        else idleClock.start();
        setState({ status: "in", teller: s });
      })
      .catch(() => setState({ status: "out" }));
  }, []);

  useEffect(() => {
    if (state.status === "out" && path !== "/teller/login") navigate("/teller/login", { replace: true });
    if (state.status === "in" && path !== "/teller") navigate("/teller", { replace: true });
  }, [state.status, path]);

  async function logout(notice?: string): Promise<void> {
    try {
      await tellerApi.post("/api/teller/logout", undefined, { keep401: true, passive: true });
    } catch {
      // The session is gone either way.
    }
    end(notice);
  }

  async function extend(): Promise<void> {
    const answer = await tellerApi.post<{ expiresAt?: string }>("/api/teller/session/extend");
    if (answer?.expiresAt) idleClock.setFromServer(answer.expiresAt, tellerApi.serverClockOffset);
  }

  async function expire(): Promise<void> {
    try {
      const s = await tellerApi.get<TellerSession>("/api/teller/session", { keep401: true, passive: true });
      if (s.expiresAt && Date.parse(s.expiresAt) - (Date.now() + tellerApi.serverClockOffset) > 5000) {
        idleClock.setFromServer(s.expiresAt, tellerApi.serverClockOffset);
        return;
      }
    } catch {
      // Gone.
    }
    await logout(t.teller.expired);
  }

  const teller = state.status === "in" ? state.teller : null;
  return (
    <>
      <a className="skip-link" href="#main">
        {t.common.skipToContent}
      </a>
      <header className="topbar topbar-teller">
        <div className="topbar-inner">
          <span className="brand">{t.teller.brand}</span>
          {teller ? <span className="topbar-who">{`${branchLine(teller)} · ${teller.name}`}</span> : null}
          <div className="topbar-tools">
            {teller ? <IdleWatch clock={idleClock} extend={extend} expire={expire} /> : null}
            <LangSwitch />
            {teller ? (
              <button type="button" className="link-button" onClick={() => void logout()}>
                {t.common.logout}
              </button>
            ) : null}
          </div>
        </div>
      </header>
      <main id="main" className="main main-wide" aria-busy={state.status === "loading" ? true : undefined}>
        {state.status === "loading" ? <div className="page-skeleton" aria-hidden="true" /> : null}
        {state.status === "out" ? (
          <TellerLogin
            notice={state.notice}
            onLogin={(s) => {
              tellerApi.csrfToken = s.csrfToken;
              idleClock.idleMs = s.idleTimeoutSeconds * 1000;
              idleClock.start();
              setState({ status: "in", teller: s });
            }}
          />
        ) : null}
        {teller ? <CounterPage teller={teller} /> : null}
      </main>
    </>
  );
}

function TellerLogin({ notice, onLogin }: { notice?: string | undefined; onLogin(s: TellerSession): void }) {
  const { t } = useI18n();
  const [tellerId, setTellerId] = useState("");
  const [password, setPassword] = useState("");
  const form = useForm();
  const submit = form.onSubmit(
    () => {
      const found: FieldProblem[] = [];
      if (tellerId.trim() === "") found.push({ field: "t-id", text: t.teller.idMissing });
      if (password === "") found.push({ field: "t-pw", text: t.login.passwordMissing });
      return found;
    },
    async () => {
      try {
        const s = await tellerApi.post<TellerSession>(
          "/api/teller/login",
          { tellerId: tellerId.trim(), password },
          { keep401: true },
        );
        onLogin(s);
      } catch (error) {
        setPassword("");
        throw error instanceof ApiError ? error : new ApiError(0, "network", null);
      }
    },
  );

  return (
    <Page title={t.teller.loginTitle} siteName={t.teller.siteName}>
      <div className="narrow">
        <Notice>{notice}</Notice>
        <FormAlerts form={form} />
        <form className="card form" onSubmit={submit} noValidate>
          <Field
            id="t-id"
            label={t.teller.tellerId}
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            maxLength={20}
            value={tellerId}
            onChange={(e) => setTellerId(e.target.value)}
            error={form.errorOf("t-id")}
          />
          <Field
            id="t-pw"
            label={t.login.password}
            type="password"
            autoComplete="current-password"
            maxLength={200}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={form.errorOf("t-pw")}
          />
          <button type="submit" className="button button-block" disabled={form.sending}>
            {form.sending ? t.login.sending : t.login.submit}
          </button>
        </form>
      </div>
    </Page>
  );
}
