// What the command line prints: results on stdout (one JSON document with --json), warnings and
// errors on stderr, in the user's language.
import type { Lang } from "../messages/index.ts";

export interface Output {
  lang: Lang;
  /** Picks the Korean or the English text. */
  t(ko: string, en: string): string;
  line(...parts: string[]): void;
  warn(text: string): void;
  json(value: unknown): void;
}

export function consoleOutput(lang: Lang): Output {
  return {
    lang,
    t: (ko, en) => (lang === "ko" ? ko : en),
    line: (...parts) => process.stdout.write(`${parts.join(" ")}\n`),
    warn: (text) => process.stderr.write(`${lang === "ko" ? "주의" : "warning"}: ${text}\n`),
    json: (value) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
  };
}
