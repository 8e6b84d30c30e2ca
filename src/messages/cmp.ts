// Words for the CA's CMP refusals, as the member's browser meets them in the certificate centre.
// The CA answers in English (RFC 4210 PKIFreeText, for any client); its stable code in errorDetails
// (src/ca/cmp-refusal.ts) picks the words here, and the PKIFailureInfo name is the fallback.
import type { Words } from "./words.ts";

/** By the CA's refusal code: the refusals a member can meet while enrolling, renewing or revoking. */
export const cmpReasonWords: Readonly<Record<string, Words>> = {
  unknown_reference: {
    ko: "참조번호가 맞지 않아요. 영업점에서 받은 안내문의 참조번호를 다시 확인해 주세요.",
    en: "The reference number is not known. Check the reference number on your branch slip.",
  },
  wrong_mac: {
    ko: "인가코드가 맞지 않아요. 여러 번 틀리면 발급 신청이 끝나요.",
    en: "The authorisation code is wrong. After several wrong tries the application ends.",
  },
  authorization_expired: {
    ko: "발급 신청의 유효시간이 지났어요. 처음부터 다시 신청해 주세요.",
    en: "The application has expired. Please start again.",
  },
  authorization_already_used: {
    ko: "이 참조번호로는 이미 인증서가 발급되었어요.",
    en: "A certificate has already been issued with this reference number.",
  },
  authorization_ended: {
    ko: "인가코드가 여러 번 틀려 발급 신청이 끝났어요. 다시 신청해 주세요.",
    en: "The application ended after too many wrong authorisation codes. Please apply again.",
  },
  cert_exists: {
    ko: "이미 같은 용도의 유효한 인증서가 있어요. 갱신하거나 재발급해 주세요.",
    en: "You already hold a valid certificate of this kind. Renew or reissue it instead.",
  },
  key_in_use: {
    ko: "이 키는 이미 쓰였어요. 새 키로 다시 시도해 주세요.",
    en: "This key has been used before. Please try again with a new key.",
  },
  renewal_window: {
    ko: "갱신은 만료 30일 전부터 만료일까지 할 수 있어요.",
    en: "A certificate can be renewed from 30 days before it expires until the day it expires.",
  },
  old_expired: {
    ko: "만료된 인증서는 갱신할 수 없어요. 새로 발급받아 주세요.",
    en: "An expired certificate cannot be renewed. Please get a new one.",
  },
  old_revoked: {
    ko: "폐지되었거나 효력정지된 인증서는 갱신할 수 없어요. 재발급해 주세요.",
    en: "A revoked or suspended certificate cannot be renewed. Please reissue it.",
  },
  old_renewed: {
    ko: "이 인증서는 이미 새 인증서로 바뀌었어요(다른 창이나 기기에서 먼저 갱신했어요). 새 인증서를 쓰면 돼요.",
    en: "This certificate has been replaced already (renewed in another window or on another device): use the new one.",
  },
  old_not_valid: {
    ko: "사용 중인 인증서가 아니라 갱신할 수 없어요.",
    en: "This certificate is not in use, so it cannot be renewed.",
  },
  same_key: {
    ko: "갱신에는 새 키가 필요해요. 다시 시도해 주세요.",
    en: "A renewal needs a new key. Please try again.",
  },
  not_pending: {
    ko: "확인 시간이 지나 이 인증서는 발급되지 않았어요. 다시 신청해 주세요.",
    en: "The certificate was not confirmed in time and has not been issued. Please apply again.",
  },
  stale_message: {
    ko: "이 기기의 시계가 5분 넘게 틀려요. 시간을 맞춘 뒤 다시 시도해 주세요.",
    en: "This device's clock is more than 5 minutes off. Set the time and try again.",
  },
  no_message_time: {
    ko: "이 기기의 시계가 틀려요. 시간을 맞춘 뒤 다시 시도해 주세요.",
    en: "This device's clock is off. Set the time and try again.",
  },
  pbm_rate: {
    ko: "요청이 너무 잦아요. 잠시 후 다시 시도해 주세요.",
    en: "Too many requests. Please try again in a moment.",
  },
  signer_unknown: {
    ko: "이 인증서는 우리 인증기관이 발급한 것이 아니에요.",
    en: "This certificate was not issued by our CA.",
  },
  not_own_certificate: {
    ko: "본인의 인증서만 처리할 수 있어요.",
    en: "Only your own certificate can be used for this.",
  },
  already_on_hold: {
    ko: "이미 효력정지된 인증서예요.",
    en: "The certificate is on hold already.",
  },
  no_vid_random: {
    ko: "본인확인 정보(R)가 빠졌어요. 다시 시도해 주세요.",
    en: "The identity check value (R) is missing. Please try again.",
  },
};

/** By PKIFailureInfo (RFC 4210 §5.2.3), for a refusal whose code has no words of its own. */
export const cmpFailureWords: Readonly<Record<string, Words>> = {
  badTime: cmpReasonWords.stale_message as Words,
  notAuthorized: {
    ko: "인증기관이 이 요청을 허가하지 않았어요.",
    en: "The CA did not authorise this request.",
  },
  badMessageCheck: {
    ko: "요청의 확인 값이 맞지 않아요.",
    en: "The request did not pass the CA's check.",
  },
  certRevoked: cmpReasonWords.old_revoked as Words,
  systemUnavail: cmpReasonWords.pbm_rate as Words,
  systemFailure: {
    ko: "인증기관에 일시적인 문제가 있어요. 잠시 후 다시 시도해 주세요.",
    en: "The CA has a temporary problem. Please try again later.",
  },
};

const refusedWords: Words = {
  ko: "인증기관이 요청을 거절했어요. 다시 시도해 주세요.",
  en: "The CA refused the request. Please try again.",
};

/** The member's words for a CMP refusal: by its code, else by its first failure, else in general. */
export function cmpRefusalWords(refusal: {
  reason?: string | undefined;
  failures: readonly string[];
}): Words {
  // Own keys only: a CA's "constructor" must not find Object's.
  if (refusal.reason !== undefined && Object.hasOwn(cmpReasonWords, refusal.reason)) {
    return cmpReasonWords[refusal.reason] as Words;
  }
  for (const failure of refusal.failures) {
    if (Object.hasOwn(cmpFailureWords, failure)) return cmpFailureWords[failure] as Words;
  }
  return refusedWords;
}

/** The member's words when the CMP exchange fails below CMP (web/src/certcenter/cmp-transport.ts). */
export const cmpTransportWords: Readonly<Record<"network" | "rate_limited" | "server" | "not_cmp", Words>> = {
  network: {
    ko: "인증센터에 연결하지 못했어요. 인터넷 연결을 확인하고 처음부터 다시 해 주세요.",
    en: "Could not reach the certificate centre. Check the connection and start again.",
  },
  rate_limited: {
    ko: "요청이 너무 많아요. 잠시 후 다시 해 주세요.",
    en: "Too many requests. Please try again in a moment.",
  },
  server: {
    ko: "인증센터에 일시적인 문제가 있어요. 잠시 후 다시 해 주세요.",
    en: "The certificate centre has a temporary problem. Please try again shortly.",
  },
  not_cmp: {
    ko: "인증센터의 응답을 읽지 못했어요. 잠시 후 다시 해 주세요.",
    en: "The certificate centre's answer could not be read. Please try again shortly.",
  },
};
