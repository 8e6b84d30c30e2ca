// The registration authority's refusals (src/certcenter), with their words.
import type { Words } from "./words.ts";

export const certcenterErrorCodes = [
  /** No internet banking user has that ID. */
  "user_unknown",
  /** The member already holds a live certificate of that purpose: renew it or reissue it. */
  "cert_exists",
  /** A reissue was asked for, but the member holds no live certificate of that purpose. */
  "no_certificate",
] as const;

export type CertcenterErrorCode = (typeof certcenterErrorCodes)[number];

export const certcenterWords: Record<CertcenterErrorCode, Words> = {
  user_unknown: { ko: "그런 인터넷뱅킹 아이디가 없어요.", en: "No internet banking user has that ID." },
  cert_exists: {
    ko: "이미 같은 용도의 유효한 인증서가 있어요. 갱신하거나 재발급해 주세요.",
    en: "The member already holds a live certificate of that purpose: renew or reissue it.",
  },
  no_certificate: {
    ko: "재발급할 유효한 인증서가 없어요. 새로 발급해 주세요.",
    en: "There is no live certificate of that purpose to reissue: issue a new one.",
  },
};
