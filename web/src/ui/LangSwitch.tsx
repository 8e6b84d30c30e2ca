// The language switch: one button naming the other language in that language.
import { useI18n } from "../i18n/index.tsx";

export function LangSwitch() {
  const { lang, setLang, t } = useI18n();
  const other = lang === "ko" ? "en" : "ko";
  return (
    <button
      type="button"
      className="link-button lang-switch"
      lang={other}
      aria-label={t.common.switchLanguage}
      onClick={() => setLang(other)}
    >
      {other === "en" ? "English" : "한국어"}
    </button>
  );
}
