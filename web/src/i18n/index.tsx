// The language of the page: Korean by default, English on request, remembered in localStorage;
// `<html lang>` and every string follow it.
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { certStoreWords } from "../../../src/messages/cert-store.ts";
import { serverErrorCodes, serverWords } from "../../../src/messages/server.ts";
import { ApiError } from "../lib/api.ts";
import { en } from "./en.ts";
import { ko, type Messages } from "./ko.ts";

export type Lang = "ko" | "en";

const storageKey = "geumgo.lang";
const catalogues: Record<Lang, Messages> = { ko, en };

/** The refusals that spend one of a limited number of tries (the passbook PIN, the OTP or card). */
const triesCounted: readonly string[] = ["pin_wrong", "medium_wrong"];
/** The bank's tries before a lock, when the answer does not say (five, DESIGN.md §3). */
const triesMaxDefault = 5;

function storeRefusal(error: unknown): keyof typeof certStoreWords | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { name, code } = error as { name?: unknown; code?: unknown };
  if (name !== "CertStoreError" || typeof code !== "string" || !Object.hasOwn(certStoreWords, code)) {
    return undefined;
  }
  return code as keyof typeof certStoreWords;
}

function storedLang(): Lang {
  try {
    return localStorage.getItem(storageKey) === "en" ? "en" : "ko";
  } catch {
    return "ko";
  }
}

interface I18n {
  lang: Lang;
  t: Messages;
  setLang(lang: Lang): void;
  /** Words for any error: the server's own message in this language, else the shared words for its code. */
  errorText(error: unknown): string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(storedLang);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    try {
      localStorage.setItem(storageKey, next);
    } catch {
      // Private modes may refuse storage; the choice then lasts for this page only.
    }
  }, []);
  const value = useMemo<I18n>(() => {
    const t = catalogues[lang];
    return {
      lang,
      t,
      setLang,
      errorText(error: unknown): string {
        if (error instanceof ApiError) {
          const { remaining, max } = error.details;
          // A wrong PIN or security code says how many of the tries are spent, as banks' screens do.
          if (error.text && typeof remaining === "number" && triesCounted.includes(error.code)) {
            const of = typeof max === "number" ? max : triesMaxDefault;
            return `${error.text[lang]} ${t.triesUsed(of - remaining, of)}`;
          }
          if (error.text) return error.text[lang];
          const known = t.errors as Record<string, string>;
          if (Object.hasOwn(known, error.code)) return known[error.code] as string;
          const served = serverErrorCodes.find((c) => c === error.code);
          return served ? serverWords[served][lang] : t.errors.generic;
        }
        // The certificate stores' refusals (a .zip that climbs out of its folder, storage full), found
        // by class name so that this first-page code does not load the stores to know them.
        const store = storeRefusal(error);
        if (store) return certStoreWords[store][lang];
        return t.errors.generic;
      },
    };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error("useI18n outside I18nProvider");
  return value;
}
