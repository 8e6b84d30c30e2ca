// The registration authority's refusals (src/certcenter), with their words.
import type { Words } from "./words.ts";

export const certcenterErrorCodes = [
  /** No internet banking user has that ID. */
  "user_unknown",
  /** The member already holds a live certificate of that purpose: renew it or reissue it. */
  "cert_exists",
  /** A reissue was asked for, but the member holds no live certificate of that purpose. */
  "no_certificate",
  // Transfer signatures (src/certcenter/transfer-signatures.ts).
  /** The member holds a live certificate, and the transfer came without a signature. */
  "signature_required",
  /** The signature does not verify, or its certificate is not one our CA issued and holds. */
  "signature_invalid",
  /** The signature is over another transfer form than the one the request describes. */
  "signature_form_mismatch",
  /** The signing certificate is revoked. */
  "certificate_revoked",
  /** The signing certificate is suspended (효력정지). */
  "certificate_suspended",
  /** The signing certificate has expired (or is not yet valid). */
  "certificate_expired",
  /** The signing certificate belongs to another member. */
  "certificate_other_member",
  /** The signature's nonce has been spent by another transfer. */
  "signature_nonce_used",
  /** The signature's nonce is unknown, another session's, or expired. */
  "signature_nonce_expired",
  /** The form's time or the signing time is more than five minutes from the server's clock. */
  "signature_time_skew",
  /** No signature is kept for that transfer of this member. */
  "transfer_signature_not_found",
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
  signature_required: {
    ko: "공동인증서가 있는 고객은 이체할 때 인증서로 서명해야 해요.",
    en: "A member holding a joint certificate must sign each transfer with it.",
  },
  signature_invalid: {
    ko: "이체 전자서명을 확인할 수 없어요. 인증서를 다시 선택해 서명해 주세요.",
    en: "The transfer signature does not verify. Choose your certificate and sign again.",
  },
  signature_form_mismatch: {
    ko: "서명한 이체 내용과 요청한 이체 내용이 달라요.",
    en: "The signed transfer differs from the transfer requested.",
  },
  certificate_revoked: {
    ko: "폐기된 인증서로는 서명할 수 없어요.",
    en: "A revoked certificate cannot sign.",
  },
  certificate_suspended: {
    ko: "효력이 정지된 인증서로는 서명할 수 없어요. 효력 회복 후 이용해 주세요.",
    en: "A suspended certificate cannot sign; have it released first.",
  },
  certificate_expired: {
    ko: "유효기간이 지난 인증서예요. 새로 발급받아 주세요.",
    en: "The certificate has expired (or is not yet valid). Have a new one issued.",
  },
  certificate_other_member: {
    ko: "본인 명의의 인증서로만 서명할 수 있어요.",
    en: "Only a certificate of your own can sign your transfers.",
  },
  signature_nonce_used: {
    ko: "이미 사용된 서명이에요. 이체를 처음부터 다시 해 주세요.",
    en: "That signature has been used already. Start the transfer again.",
  },
  signature_nonce_expired: {
    ko: "서명 유효시간이 지났거나 알 수 없는 요청이에요. 이체를 처음부터 다시 해 주세요.",
    en: "The signature's one-time number is unknown or has expired. Start the transfer again.",
  },
  signature_time_skew: {
    ko: "서명 시각이 서버 시각과 5분 넘게 달라요. 컴퓨터의 시계를 확인해 주세요.",
    en: "The signing time is more than five minutes from the server's clock. Check your computer's clock.",
  },
  transfer_signature_not_found: {
    ko: "이 이체에 보관된 전자서명이 없어요.",
    en: "No signature is kept for that transfer.",
  },
};
