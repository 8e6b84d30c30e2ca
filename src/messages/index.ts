// The words (Korean, English) for every error code of every area, and the one look-up that the
// edges share: the server's error bodies, the command line and the web app. Imports nothing at run
// time (the browser loads it); an error finds its area's table by its class name, not instanceof.
import { authWords } from "./auth.ts";
import { bankWords } from "./bank.ts";
import { caKeyWords, caLifecycleWords } from "./ca.ts";
import { certStoreWords } from "./cert-store.ts";
import { certcenterWords } from "./certcenter.ts";
import { cliWords } from "./cli.ts";
import { pkiWords } from "./pki.ts";
import { serverWords } from "./server.ts";
import { tellerWords } from "./teller.ts";
import type { Lang, Words } from "./words.ts";

export type { AuthErrorCode } from "./auth.ts";
export { authErrorCodes } from "./auth.ts";
export type { BankErrorCode } from "./bank.ts";
export { bankErrorCodes } from "./bank.ts";
export type { CaKeyErrorCode, CaLifecycleErrorCode } from "./ca.ts";
export { caKeyErrorCodes, caLifecycleErrorCodes } from "./ca.ts";
export type { CertStoreErrorCode } from "./cert-store.ts";
export { certStoreErrorCodes } from "./cert-store.ts";
export type { CertcenterErrorCode } from "./certcenter.ts";
export { certcenterErrorCodes, type RenewalBlock, renewalBlocks, renewalBlockWords } from "./certcenter.ts";
export type { CliErrorCode } from "./cli.ts";
export { cliErrorCodes } from "./cli.ts";
export type { ServerErrorCode } from "./server.ts";
export { serverErrorCodes } from "./server.ts";
export type { TellerErrorCode } from "./teller.ts";
export { tellerErrorCodes } from "./teller.ts";
export type { Lang, Words } from "./words.ts";

/** Every area's table, by area. */
export const areaWords = {
  pki: pkiWords,
  caKeys: caKeyWords,
  caLifecycle: caLifecycleWords,
  certcenter: certcenterWords,
  bank: bankWords,
  auth: authWords,
  teller: tellerWords,
  cli: cliWords,
  server: serverWords,
  certStore: certStoreWords,
} as const;

export type Area = keyof typeof areaWords;
export type CodeOf<A extends Area> = keyof (typeof areaWords)[A] & string;

/** The class name (`error.name`) each area's errors carry. */
const areaByErrorName: Readonly<Record<string, Area>> = {
  PkiError: "pki",
  CaError: "caKeys",
  CaLifecycleError: "caLifecycle",
  CertcenterError: "certcenter",
  BankError: "bank",
  AuthError: "auth",
  TellerError: "teller",
  CliError: "cli",
  ServerError: "server",
  CertStoreError: "certStore",
};

/** The words of one code of one area. */
export function wordsFor<A extends Area>(area: A, code: CodeOf<A>): Words {
  return lookUp(area, code);
}

/** A code already checked to be in its area's table (knownError does the check). */
function lookUp(area: Area, code: string): Words {
  return (areaWords[area] as Readonly<Record<string, Words>>)[code] as Words;
}

/** What a known error is: its area and code, with what its message names; undefined for anything else. */
export interface KnownError {
  area: Area;
  code: string;
  /** What the message names (a path, a serial); never a secret. */
  subject: string | undefined;
  details: Readonly<Record<string, unknown>> | undefined;
}

/** An error of one of our areas, found by its class name and a code in that area's table. */
export function knownError(e: unknown): KnownError | undefined {
  if (typeof e !== "object" || e === null) return undefined;
  const { name, code, subject, details } = e as {
    name?: unknown;
    code?: unknown;
    subject?: unknown;
    details?: unknown;
  };
  if (typeof name !== "string" || typeof code !== "string") return undefined;
  const area = Object.hasOwn(areaByErrorName, name) ? areaByErrorName[name] : undefined;
  if (area === undefined || !Object.hasOwn(areaWords[area], code)) return undefined;
  return {
    area,
    code,
    subject: typeof subject === "string" && subject !== "" ? subject : undefined,
    details:
      typeof details === "object" && details !== null ? (details as Record<string, unknown>) : undefined,
  };
}

/** The tries left before a login locks, as the login refusals report them (five wrong tries lock it). */
function triesLeft(known: KnownError, text: string, lang: Lang): string {
  const remaining = known.details?.remaining;
  if (typeof remaining !== "number") return text;
  if (lang === "en")
    return `${text} ${remaining} ${remaining === 1 ? "try" : "tries"} left before the login locks.`;
  return known.area === "auth"
    ? `${text} ${5 - remaining}번 틀렸어요(남은 횟수 ${remaining}회). 5번 틀리면 로그인이 잠겨요.`
    : `${text} 남은 횟수 ${remaining}회예요. 5번 틀리면 로그인이 잠겨요.`;
}

/**
 * The sentence for a known error in one language. Every entry is a full sentence; what the error
 * names (a path, a serial) takes the place of the final full stop: "There is no such file: a.pem".
 */
export function describeKnown(known: KnownError, lang: Lang): string {
  const text = lookUp(known.area, known.code)[lang];
  if (known.code === "bad_credentials" || known.code === "teller_bad_credentials")
    return triesLeft(known, text, lang);
  return known.subject ? `${text.replace(/\.$/, "")}: ${known.subject}` : text;
}

/** One sentence for a known error; undefined for anything else (a bug, reported as such). */
export function describeError(e: unknown, lang: Lang): string | undefined {
  const known = knownError(e);
  return known ? describeKnown(known, lang) : undefined;
}
