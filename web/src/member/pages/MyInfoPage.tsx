// The member's own details as the bank holds them (the RRN masked), and the password change.
import { useI18n } from "../../i18n/index.tsx";
import { formatDateTime } from "../../lib/dates.ts";
import { Link } from "../../lib/router.tsx";
import { useLoad } from "../../lib/use-load.ts";
import { ErrorMessage } from "../../ui/Alerts.tsx";
import { Page } from "../../ui/Page.tsx";
import { Facts } from "../../ui/Slip.tsx";
import { api } from "../session.tsx";
import type { Me } from "../types.ts";

export function MyInfoPage() {
  const { t, lang, errorText } = useI18n();
  const me = useLoad(() => api.get<Me>("/api/me"), []);
  const d = me.data;
  return (
    <Page title={t.me.title} siteName={t.app.name}>
      <div className="narrow">
        {me.error ? (
          <ErrorMessage>
            <p>{errorText(me.error)}</p>
          </ErrorMessage>
        ) : null}
        <section className="card">
          {d ? (
            <Facts
              rows={[
                [t.me.name, d.name],
                [t.me.userId, d.userId],
                [t.me.cooperative, d.cooperative.name],
                [t.me.rrn, d.rrnMasked],
                [t.me.phone, d.phone ?? t.me.none],
                [t.me.email, d.email ?? t.me.none],
                [t.me.address, d.address ?? t.me.none],
                [t.me.enrolledAt, formatDateTime(d.enrolledAt, lang)],
              ]}
            />
          ) : (
            <div className="facts-skeleton tall" aria-hidden="true" />
          )}
        </section>
        <p className="field-hint">{t.me.changeAtBranch}</p>
        <p>
          <Link to="/password" className="button button-secondary">
            {t.password.changeTitle}
          </Link>
        </p>
      </div>
    </Page>
  );
}
