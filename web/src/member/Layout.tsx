// The frame of every member page: the top bar (brand, menu, time left, language, logout), the
// page, on phones a tab bar at the bottom with the same menu, and a footer with the member's
// cooperative's customer-centre number.
import { type ReactNode, useEffect, useState } from "react";
import { useI18n } from "../i18n/index.tsx";
import { Link } from "../lib/router.tsx";
import { IdleWatch } from "../ui/IdleWatch.tsx";
import { LangSwitch } from "../ui/LangSwitch.tsx";
import { api, idleClock, useSession } from "./session.tsx";
import type { Me } from "./types.ts";

/** The customer-centre number of the signed-in member's cooperative, fetched once per user ID. */
let knownPhone: { userId: string; phone: string | null } | null = null;

function useCustomerCentrePhone(userId: string | null): string | null {
  const cached = knownPhone !== null && knownPhone.userId === userId ? knownPhone.phone : null;
  const [phone, setPhone] = useState<string | null>(cached);
  useEffect(() => {
    if (userId === null || knownPhone?.userId === userId) {
      setPhone(userId === null ? null : (knownPhone?.phone ?? null));
      return;
    }
    let live = true;
    api
      .get<Me>("/api/me", { passive: true })
      .then((me) => {
        knownPhone = { userId, phone: me.cooperative.customerCentrePhone };
        if (live) setPhone(knownPhone.phone);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [userId]);
  return phone;
}

export function Layout({ children, loading }: { children?: ReactNode; loading?: boolean }) {
  const { t } = useI18n();
  const session = useSession();
  const member = session.state.status === "in" ? session.state.member : null;
  const full = member !== null && !member.mustChangePassword;
  const phone = useCustomerCentrePhone(full ? member.userId : null);
  const { setUnread } = session;
  useEffect(() => {
    if (!full) return;
    api
      .get<{ unread: number }>("/api/notifications?limit=1")
      .then((answer) => setUnread(answer.unread))
      .catch(() => undefined);
  }, [full, setUnread]);
  const menu: [string, string][] = [
    ["/", t.nav.home],
    ["/transfer", t.nav.transfer],
    ["/limits", t.nav.limits],
    ["/notifications", t.nav.notifications],
    ["/certcenter", t.nav.certcenter],
    ["/me", t.nav.me],
  ];
  const tabs: [string, string][] = [
    ["/", t.nav.tabs.home],
    ["/transfer", t.nav.tabs.transfer],
    ["/limits", t.nav.tabs.limits],
    ["/notifications", t.nav.tabs.notifications],
    ["/certcenter", t.nav.tabs.certcenter],
    ["/me", t.nav.tabs.me],
  ];
  return (
    <>
      <a className="skip-link" href="#main">
        {t.common.skipToContent}
      </a>
      <header className="topbar">
        <div className="topbar-inner">
          <Link to="/" className="brand">
            {t.app.brand}
          </Link>
          {full ? (
            <nav className="top-nav" aria-label={t.nav.label}>
              {menu.map(([to, label]) => (
                <Link key={to} to={to}>
                  {label}
                  {to === "/notifications" && session.unread > 0 ? (
                    <span className="badge">
                      <span className="visually-hidden">{t.notifications.unreadCount(session.unread)}</span>
                      <span aria-hidden="true">{session.unread}</span>
                    </span>
                  ) : null}
                </Link>
              ))}
            </nav>
          ) : null}
          <div className="topbar-tools">
            {member ? <IdleWatch clock={idleClock} extend={session.extend} expire={session.expire} /> : null}
            <LangSwitch />
            {member ? (
              <button type="button" className="link-button" onClick={() => void session.logout()}>
                {t.common.logout}
              </button>
            ) : null}
          </div>
        </div>
      </header>
      <main id="main" className="main" aria-busy={loading ? true : undefined}>
        {loading ? <div className="page-skeleton" aria-hidden="true" /> : children}
      </main>
      {full ? (
        <nav className="tab-bar" aria-label={t.nav.label}>
          {tabs.map(([to, label]) => (
            <Link key={to} to={to}>
              {label}
            </Link>
          ))}
        </nav>
      ) : null}
      <footer className="footer">
        <p>{t.app.footer}</p>
        {phone ? (
          <p>
            <a href={`tel:${phone.replaceAll("-", "")}`}>{t.app.customerCentre(phone)}</a>
          </p>
        ) : null}
      </footer>
    </>
  );
}
