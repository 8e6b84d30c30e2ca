// Questions members ask about their certificates (content/guide.ts), each opening on its own.
import { useI18n } from "../../i18n/index.tsx";
import { Link } from "../../lib/router.tsx";
import { Page } from "../../ui/Page.tsx";
import { guideEn, guideKo } from "../content/guide.ts";
import { useCertcenterWords } from "../i18n/index.ts";

export function FaqPage() {
  const { t, lang } = useI18n();
  const cc = useCertcenterWords();
  const content = lang === "en" ? guideEn : guideKo;
  return (
    <Page title={cc.faq.title} siteName={t.app.name}>
      <div className="narrow cc-doc">
        <div className="card cc-faq">
          {content.faq.map((q) => (
            <details key={q.id} id={`faq-${q.id}`} className="cc-faq-item">
              <summary>{q.question}</summary>
              {q.answer.map((a) => (
                <p key={a}>{a}</p>
              ))}
            </details>
          ))}
        </div>
        <p className="cc-doc-links">
          <Link to="/certcenter/guide">{cc.guide.title}</Link>
        </p>
      </div>
    </Page>
  );
}
