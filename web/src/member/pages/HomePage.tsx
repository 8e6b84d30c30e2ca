// Home: a greeting with the last login, the member's accounts with balances, and quick links.
import { useI18n } from "../../i18n/index.tsx";
import { formatAccountNumber } from "../../lib/account-number.ts";
import { formatDateTime } from "../../lib/dates.ts";
import { Link } from "../../lib/router.tsx";
import { useLoad } from "../../lib/use-load.ts";
import { formatWon } from "../../lib/won.ts";
import { ErrorMessage } from "../../ui/Alerts.tsx";
import { Page } from "../../ui/Page.tsx";
import { api, useMember } from "../session.tsx";
import type { Account, Me } from "../types.ts";

/** The product's name: the bank's own in Korean, ours by kind in English. */
export function accountName(account: Account, kinds: Record<string, string>, lang: "ko" | "en"): string {
  return lang === "ko" && account.name ? account.name : (kinds[account.kind] ?? account.name);
}

export function HomePage() {
  const { t, lang, errorText } = useI18n();
  const member = useMember();
  const { data, error } = useLoad(() => api.get<{ accounts: Account[] }>("/api/accounts"), []);
  // After a reload the session answer does not carry the last login; /api/me does.
  const me = useLoad(
    () => (member.previousLoginAt === undefined ? api.get<Me>("/api/me") : Promise.resolve(null)),
    [member.previousLoginAt],
  );
  const previousLoginAt =
    member.previousLoginAt === undefined ? me.data?.previousLoginAt : member.previousLoginAt;
  const total = data?.accounts.reduce((sum, a) => sum + BigInt(a.balance), 0n);

  return (
    <Page title={t.home.title} siteName={t.app.name}>
      <section className="greeting">
        <p className="greeting-name">{t.home.hello(member.name)}</p>
        <p className="last-login">
          {previousLoginAt
            ? t.home.lastLogin(formatDateTime(previousLoginAt, lang))
            : previousLoginAt === null
              ? t.home.firstLogin
              : "\u00a0"}
        </p>
      </section>
      {error ? (
        <ErrorMessage>
          <p>{errorText(error)}</p>
        </ErrorMessage>
      ) : null}
      <section aria-labelledby="accounts-title">
        <div className="section-head">
          <h2 id="accounts-title">{t.home.accounts}</h2>
          {total !== undefined ? (
            <p className="total">
              {t.home.total} <strong>{formatWon(total, lang)}</strong>
            </p>
          ) : null}
        </div>
        {data === null && !error ? (
          <ul className="account-list" aria-busy="true">
            <li className="account-card skeleton" />
            <li className="account-card skeleton" />
          </ul>
        ) : null}
        {data && data.accounts.length === 0 ? <p className="empty">{t.home.noAccounts}</p> : null}
        {data && data.accounts.length > 0 ? (
          <ul className="account-list">
            {data.accounts.map((a) => (
              <li key={a.number} className="account-card">
                <div className="account-top">
                  <span className="account-name">{accountName(a, t.accountKinds, lang)}</span>
                  {a.status !== "active" ? (
                    <span className="tag">
                      {t.accountStatus[a.status as keyof typeof t.accountStatus] ?? a.status}
                    </span>
                  ) : null}
                </div>
                <p className="account-number">{formatAccountNumber(a.number)}</p>
                <p className="account-balance">
                  <span className="visually-hidden">{t.home.balance} </span>
                  {formatWon(a.balance, lang)}
                </p>
                {a.available !== a.balance ? (
                  <p className="account-available">
                    {t.home.available} {formatWon(a.available, lang)}
                  </p>
                ) : null}
                <div className="account-actions">
                  <Link to={`/accounts/${encodeURIComponent(a.number)}`} className="button button-secondary">
                    {t.home.history}
                    <span className="visually-hidden"> {formatAccountNumber(a.number)}</span>
                  </Link>
                  {/* Only an active account sends money; a closed one keeps its history. */}
                  {a.status === "active" ? (
                    <Link to={`/transfer?from=${encodeURIComponent(a.number)}`} className="button">
                      {t.home.transfer}
                      <span className="visually-hidden"> {formatAccountNumber(a.number)}</span>
                    </Link>
                  ) : null}
                </div>
              </li>
            ))}
          </ul>
        ) : null}
      </section>
      <section aria-labelledby="quick-title" className="quick">
        <h2 id="quick-title">{t.home.quickLinks}</h2>
        <ul className="quick-links">
          <li>
            <Link to="/transfer">{t.nav.transfer}</Link>
          </li>
          <li>
            <Link to="/limits">{t.nav.limits}</Link>
          </li>
          <li>
            <Link to="/notifications">{t.nav.notifications}</Link>
          </li>
          <li>
            <Link to="/certcenter">{t.nav.certcenter}</Link>
          </li>
          <li>
            <Link to="/me">{t.nav.me}</Link>
          </li>
          <li>
            <Link to="/password">{t.password.changeTitle}</Link>
          </li>
        </ul>
      </section>
    </Page>
  );
}
