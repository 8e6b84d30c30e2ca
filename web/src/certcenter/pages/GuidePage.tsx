// The member's guide to joint certificates (content/guide.ts), with a table of contents.
import { useI18n } from "../../i18n/index.tsx";
import { Link } from "../../lib/router.tsx";
import { Page } from "../../ui/Page.tsx";
import { guideEn, guideKo } from "../content/guide.ts";
import { useCertcenterWords } from "../i18n/index.ts";

export function GuidePage() {
  const { t, lang } = useI18n();
  const cc = useCertcenterWords();
  const content = lang === "en" ? guideEn : guideKo;
  return (
    <Page title={cc.guide.title} siteName={t.app.name}>
      <div className="narrow cc-doc">
        <nav aria-labelledby="cc-toc" className="card cc-toc">
          <h2 id="cc-toc">{cc.guide.toc}</h2>
          <ol>
            {content.sections.map((s) => (
              <li key={s.id}>
                <a href={`#guide-${s.id}`}>{s.title}</a>
              </li>
            ))}
          </ol>
        </nav>
        {content.sections.map((s) => (
          <section key={s.id} id={`guide-${s.id}`} className="card" aria-labelledby={`guide-${s.id}-h`}>
            <h2 id={`guide-${s.id}-h`}>{s.title}</h2>
            {s.paragraphs.map((p) => (
              <p key={p}>{p}</p>
            ))}
            {s.rows ? (
              <dl className="facts">
                {s.rows.map(([label, value]) => (
                  <div key={label} className="fact">
                    <dt>{label}</dt>
                    <dd>
                      <code className="cc-path">{value}</code>
                    </dd>
                  </div>
                ))}
              </dl>
            ) : null}
          </section>
        ))}
        <p className="cc-doc-links">
          <Link to="/certcenter/faq">{cc.faq.title}</Link>
        </p>
      </div>
    </Page>
  );
}
