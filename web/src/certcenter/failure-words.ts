// The member's words for what can go wrong while a certificate is issued, renewed or stored in the
// browser: a CMP refusal by the CA's code (src/messages/cmp.ts), the exchange failing below CMP
// (CmpTransportError), the CA certificate not fetched (CaCertificateError), a key or file problem
// (PkiError, CertStoreError), else the server's refusal through the app's errorText (ApiError).
import { certStoreWords } from "../../../src/messages/cert-store.ts";
import { cmpRefusalWords, cmpTransportWords } from "../../../src/messages/cmp.ts";
import { pkiWords } from "../../../src/messages/pki.ts";
import type { Lang, Words } from "../../../src/messages/words.ts";
import { CmpRefusal } from "../../../src/pki/cmp-client.ts";
import { PkiError } from "../../../src/pki/errors.ts";
import { CaCertificateError, type CaCertificateErrorCode } from "./ca-certificate.ts";
import { CmpTransportError } from "./cmp-transport.ts";
import { CertStoreError } from "./storage/errors.ts";

function own(table: Readonly<Record<string, Words>>, code: string): Words | undefined {
  return Object.hasOwn(table, code) ? table[code] : undefined;
}

/** Fetched before anything is sent, so the words say nothing happened and the step can be retried. */
export const caCertificateWords: Readonly<Record<CaCertificateErrorCode, Words>> = {
  ca_certificate_unavailable: {
    ko: "인증기관 인증서를 받아 오지 못했어요. 인증기관에는 아직 아무것도 보내지 않았어요. 인터넷 연결을 확인하고 다시 시도해 주세요.",
    en: "The CA's certificate could not be fetched, so nothing has been sent to the CA yet. Check the connection and try again.",
  },
};

/** Words for the browser-side failures; undefined leaves the error to the app's errorText. */
export function certcenterFailureWords(error: unknown): Words | undefined {
  if (error instanceof CmpRefusal) return cmpRefusalWords(error);
  if (error instanceof CmpTransportError) return cmpTransportWords[error.code];
  if (error instanceof CaCertificateError) return caCertificateWords[error.code];
  if (error instanceof PkiError) return own(pkiWords, error.code);
  if (error instanceof CertStoreError) return own(certStoreWords, error.code);
  return undefined;
}

export function certcenterErrorText(error: unknown, lang: Lang, errorText: (e: unknown) => string): string {
  return certcenterFailureWords(error)?.[lang] ?? errorText(error);
}
