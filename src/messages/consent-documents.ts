// The documents a member agrees to before a certificate is issued on the web, by id and version:
// defined once here, where the issue page (web/src) and the server (src/certcenter/consents.ts) both
// read them. A new version of a document is a new `version` here; members must agree to it again.
import type { Words } from "./words.ts";

export interface ConsentDocument {
  /** Stable across versions. */
  readonly id: string;
  /** The version the page shows now: the month it took effect. */
  readonly version: string;
  readonly title: Words;
}

export const consentDocuments = {
  terms: {
    id: "certcenter-terms",
    version: "2026-12",
    title: { ko: "공동인증서 이용약관", en: "Joint certificate terms of use" },
  },
  privacy: {
    id: "certcenter-privacy",
    version: "2026-12",
    title: { ko: "개인정보 수집·이용 동의", en: "Consent to the collection and use of personal data" },
  },
} as const satisfies Record<string, ConsentDocument>;

export type ConsentDocumentKey = keyof typeof consentDocuments;

/** A document's version as requests and records name it: `certcenter-terms@2026-12`. */
export function consentRef(d: Pick<ConsentDocument, "id" | "version">): string {
  return `${d.id}@${d.version}`;
}

/** What a web issuance needs agreed, now: every document at its current version. */
export const currentConsentRefs: readonly string[] = Object.values(consentDocuments).map(consentRef);

/** A document id's shape: lower-case letters, digits and hyphens. */
export const consentIdPattern = "^[a-z][a-z0-9-]{0,63}$";
/** A version's shape: digits, letters, dots and hyphens. */
export const consentVersionPattern = "^[0-9A-Za-z][0-9A-Za-z.-]{0,31}$";

/** What the issue page posts: each document's id and the version it showed. */
export function consentBodyOf(
  documents: readonly Pick<ConsentDocument, "id" | "version">[],
): Record<string, string> {
  return Object.fromEntries(documents.map((d) => [d.id, d.version]));
}
