// Any address the member site does not have.
import { useI18n } from "../../i18n/index.tsx";
import { Link } from "../../lib/router.tsx";
import { Page } from "../../ui/Page.tsx";

export function NotFoundPage() {
  const { t } = useI18n();
  return (
    <Page title={t.notFound.title} siteName={t.app.name}>
      <p>{t.notFound.text}</p>
      <p>
        <Link to="/" className="button">
          {t.nav.home}
        </Link>
      </p>
    </Page>
  );
}
