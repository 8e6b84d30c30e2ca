// The centre's home: what it offers (issue, branch slip, renew, reissue, the stored certificates,
// guide, FAQ) and the member's certificates from the server with their status and what can be
// done with each now.
import { useI18n } from "../../i18n/index.tsx";
import { formatDate } from "../../lib/dates.ts";
import { Link } from "../../lib/router.tsx";
import { serverNow } from "../../lib/server-time.ts";
import { useLoad } from "../../lib/use-load.ts";
import { api } from "../../member/session.tsx";
import { ErrorMessage } from "../../ui/Alerts.tsx";
import { Page } from "../../ui/Page.tsx";
import { type CertificateList, certcenterApi } from "../api.ts";
import { classifyOurs, rdn } from "../describe.ts";
import { useCertcenterWords } from "../i18n/index.ts";

const menu = [
  ["/certcenter/issue", "issue", "issueText"],
  ["/certcenter/slip", "slip", "slipText"],
  ["/certcenter/renew", "renew", "renewText"],
  ["/certcenter/reissue", "reissue", "reissueText"],
  ["/certcenter/manage", "manage", "manageText"],
  ["/certcenter/guide", "guide", "guideText"],
  ["/certcenter/faq", "faq", "faqText"],
] as const;

export function HomePage() {
  const { t, errorText } = useI18n();
  const cc = useCertcenterWords();
  const list = useLoad<CertificateList>(() => certcenterApi(api).certificates(), []);
  const now = serverNow();
  return (
    <Page title={cc.title} siteName={t.app.name}>
      <p className="lead">{cc.lead}</p>
      <nav aria-label={cc.menu.label}>
        <ul className="cc-menu">
          {menu.map(([to, label, text]) => (
            <li key={to}>
              <Link to={to} className="cc-menu-item">
                <span className="cc-menu-title">{cc.menu[label]}</span>
                <span className="cc-menu-text">{cc.menu[text]}</span>
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <section
        className="card"
        aria-labelledby="cc-mine"
        aria-busy={!list.data && !list.error ? true : undefined}
      >
        <h2 id="cc-mine">{cc.mine.title}</h2>
        {list.error ? (
          <ErrorMessage>
            <p>{errorText(list.error)}</p>
          </ErrorMessage>
        ) : null}
        {list.data && list.data.certificates.length === 0 ? <p className="empty">{cc.mine.none}</p> : null}
        {list.data && list.data.certificates.length > 0 ? (
          <div className="cc-table-wrap">
            <table className="cc-table">
              <caption className="visually-hidden">{cc.mine.title}</caption>
              <thead>
                <tr>
                  <th scope="col">{cc.mine.purpose}</th>
                  <th scope="col">{cc.mine.user}</th>
                  <th scope="col">{cc.mine.notAfter}</th>
                  <th scope="col">{cc.mine.status}</th>
                  <th scope="col">{cc.mine.actions}</th>
                </tr>
              </thead>
              <tbody>
                {list.data.certificates.map((c) => {
                  const k = classifyOurs(c, now);
                  return (
                    <tr key={c.serial} className={k.usable ? undefined : "cc-row-off"}>
                      <td>{cc.purpose[c.purpose]}</td>
                      <td className="cc-user">
                        {/* The holder's name as NPKI writes it (CN), as the selection window shows it, not the whole DN. */}
                        {rdn(c.subject, "CN") ?? c.subject}
                        <span className="cc-serial">
                          {cc.mine.serial} {c.serial}
                        </span>
                      </td>
                      <td>
                        {formatDate(c.notAfter)}
                        {k.usable ? (
                          <span className="cc-days">{cc.mine.daysLeft(Math.max(0, k.daysLeft))}</span>
                        ) : null}
                      </td>
                      <td>
                        <span className={`cc-status cc-status-${k.status}`}>{cc.status[k.status]}</span>
                      </td>
                      <td>
                        <div className="cc-actions">
                          {k.renewable ? (
                            <Link to={`/certcenter/renew?serial=${c.serial}`} className="button button-small">
                              {cc.mine.renew}
                            </Link>
                          ) : null}
                          {k.usable ? (
                            <Link
                              to={`/certcenter/reissue?serial=${c.serial}`}
                              className="button button-small button-secondary"
                            >
                              {cc.mine.reissue}
                            </Link>
                          ) : null}
                          {k.status === "expired" ? (
                            <Link to="/certcenter/issue" className="button button-small">
                              {cc.menu.issue}
                            </Link>
                          ) : null}
                        </div>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ) : null}
        {!list.data && !list.error ? <div className="list-skeleton" aria-hidden="true" /> : null}
      </section>
    </Page>
  );
}
