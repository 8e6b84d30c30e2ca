// The member's words for what can go wrong while a certificate is issued, renewed or stored in the
// browser: a CMP refusal by the CA's code (src/messages/cmp.ts), the exchange failing below CMP
// (CmpTransportError), a key or file problem (PkiError, CertStoreError), else the server's refusal
// through the app's errorText (ApiError).
import { certStoreWords } from "../../../src/messages/cert-store.ts";
import { cmpRefusalWords, cmpTransportWords } from "../../../src/messages/cmp.ts";
import { pkiWords } from "../../../src/messages/pki.ts";
import type { Lang, Words } from "../../../src/messages/words.ts";
import { CmpRefusal } from "../../../src/pki/cmp-client.ts";
import { PkiError } from "../../../src/pki/errors.ts";
import { CmpTransportError } from "./cmp-transport.ts";
import { CertStoreError } from "./storage/errors.ts";

function own(table: Readonly<Record<string, Words>>, code: string): Words | undefined {
  return Object.hasOwn(table, code) ? table[code] : undefined;
}

/** Words for the browser-side failures; undefined leaves the error to the app's errorText. */
export function certcenterFailureWords(error: unknown): Words | undefined {
  if (error instanceof CmpRefusal) return cmpRefusalWords(error);
  if (error instanceof CmpTransportError) return cmpTransportWords[error.code];
  if (error instanceof PkiError) return own(pkiWords, error.code);
  if (error instanceof CertStoreError) return own(certStoreWords, error.code);
  return undefined;
}

export function certcenterErrorText(error: unknown, lang: Lang, errorText: (e: unknown) => string): string {
  return certcenterFailureWords(error)?.[lang] ?? errorText(error);
}
