// The certificate centre's words in the page's language (the member site's own choice, i18n/).
import { useI18n } from "../../i18n/index.tsx";
import { en } from "./en.ts";
import { type CertcenterMessages, ko } from "./ko.ts";

export type { CertcenterMessages };

export function useCertcenterWords(): CertcenterMessages {
  return useI18n().lang === "en" ? en : ko;
}
