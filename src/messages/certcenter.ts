// The registration authority's refusals (src/certcenter), with their words.
import type { Words } from "./words.ts";

export const certcenterErrorCodes = [
  /** No internet banking user has that ID. */
  "user_unknown",
  /** The member already holds a live certificate of that purpose: renew it or reissue it. */
  "cert_exists",
  /** A reissue was asked for, but the member holds no live certificate of that purpose. */
  "no_certificate",
  /** The member has no phone number registered at the branch, so no code can be sent. */
  "no_phone",
  /** The one-time code sent to the phone does not match (details: remaining tries). */
  "phone_code_wrong",
  /** The one-time code's 3 minutes are over. */
  "phone_code_expired",
  /** Five wrong codes ended this one. */
  "phone_code_spent",
  /** No code was sent to this session, or it was used already. */
  "phone_code_missing",
  /** The message could not be sent (no gateway configured, or the gateway refused). */
  "sender_unavailable",
  /** Identity proofing: the resident registration number is not the logged-in member's (details: remaining, max). */
  "rrn_mismatch",
  /** Identity proofing is locked for a day after five wrong numbers in a row. */
  "proofing_locked",
  /** The certificate named is not one of the member's (or there is no such certificate). */
  "certificate_unknown",
  /** Renewing a bank-use certificate costs nothing: there is no fee to hold. */
  "renewal_free",
  /** The certificate cannot be renewed: revoked, suspended, expired, or not yet confirmed. */
  "not_renewable",
  /** Renewal opens 30 days before expiry. */
  "renewal_window",
  /** No issuance authorisation of this session has that reference number. */
  "authorization_unknown",
  /** A renewal of this certificate is under way (its fee claimed by a renewal awaiting confirmation). */
  "renewal_in_progress",
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
  // Consent to the terms (src/certcenter/consents.ts).
  /** The member has not agreed to the terms and personal-data consent in force now (details: documents). */
  "consent_required",
  /** The agreement names a document version not in force now (details: documents, current). */
  "consent_version_unknown",
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
  no_phone: {
    ko: "등록된 휴대폰 번호가 없어요. 신분증을 가지고 영업점에서 휴대폰 번호를 등록해 주세요.",
    en: "No mobile phone number is registered. Register one at a branch with your ID card.",
  },
  phone_code_wrong: {
    ko: "인증번호가 맞지 않아요. 휴대폰으로 받은 6자리 숫자를 확인해 주세요.",
    en: "The code does not match. Check the 6 digits sent to your phone.",
  },
  phone_code_expired: {
    ko: "인증번호 입력 시간(3분)이 지났어요. 인증번호를 다시 받아 주세요.",
    en: "The code's 3 minutes are over. Ask for a new code.",
  },
  phone_code_spent: {
    ko: "인증번호를 5번 잘못 입력했어요. 인증번호를 다시 받아 주세요.",
    en: "Five wrong codes ended this one. Ask for a new code.",
  },
  phone_code_missing: {
    ko: "받은 인증번호가 없거나 이미 사용했어요. 인증번호를 다시 받아 주세요.",
    en: "There is no code waiting, or it was used already. Ask for a new code.",
  },
  sender_unavailable: {
    ko: "지금은 휴대폰으로 인증번호를 보낼 수 없어요. 잠시 후 다시 시도하거나 고객센터에 문의해 주세요.",
    en: "The code cannot be sent to your phone just now. Try again shortly, or call the customer centre.",
  },
  rrn_mismatch: {
    ko: "주민등록번호가 로그인한 회원의 번호와 달라요.",
    en: "The resident registration number is not the logged-in member's.",
  },
  proofing_locked: {
    ko: "본인확인 정보를 5번 잘못 입력해 하루 동안 온라인 본인확인을 할 수 없어요. 신분증을 가지고 영업점에서 발급받을 수 있어요.",
    en: "Five wrong answers in a row: online identity proofing is locked for a day. A branch can issue the certificate on your ID card.",
  },
  certificate_unknown: {
    ko: "회원님의 인증서 중에 그런 인증서가 없어요.",
    en: "None of your certificates has that serial number.",
  },
  renewal_free: {
    ko: "은행·보험용 인증서는 갱신 수수료가 없어요. 바로 갱신하세요.",
    en: "Renewing a bank-use certificate is free: renew it right away.",
  },
  not_renewable: {
    ko: "이 인증서는 갱신할 수 없어요(폐기·효력정지·만료). 새로 발급받거나 재발급해 주세요.",
    en: "This certificate cannot be renewed (revoked, suspended or expired): issue a new one or reissue it.",
  },
  renewal_window: {
    ko: "인증서 갱신은 만료 30일 전부터 할 수 있어요.",
    en: "A certificate can be renewed from 30 days before it expires.",
  },
  authorization_unknown: {
    ko: "이 로그인에서 받은 발급 승인 중에 그런 참조번호가 없어요.",
    en: "No issuance authorisation of this login has that reference number.",
  },
  renewal_in_progress: {
    ko: "이 인증서의 갱신이 이미 진행 중이에요. 잠시 후 인증서 목록을 다시 확인해 주세요.",
    en: "A renewal of this certificate is already under way: check your certificates again in a moment.",
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
  consent_required: {
    ko: "인증서를 발급하려면 지금 시행 중인 이용약관과 개인정보 수집·이용에 동의해 주세요.",
    en: "To have a certificate issued, agree to the terms of use and the personal-data consent in force now.",
  },
  consent_version_unknown: {
    ko: "약관이 바뀌었어요. 페이지를 새로 고쳐 바뀐 약관을 읽고 다시 동의해 주세요.",
    en: "The terms have changed. Reload the page, read the new terms and agree again.",
  },
};

/** Why a certificate cannot be renewed now (GET /api/certcenter/renewal/{serial}). */
export const renewalBlocks = ["too_early", "expired", "revoked", "on_hold", "not_valid"] as const;

export type RenewalBlock = (typeof renewalBlocks)[number];

export const renewalBlockWords: Record<RenewalBlock, Words> = {
  too_early: {
    ko: "아직 갱신할 수 없어요. 인증서는 만료 30일 전부터 만료일까지 갱신할 수 있어요.",
    en: "It is too early to renew. A certificate can be renewed from 30 days before it expires until it expires.",
  },
  expired: {
    ko: "만료된 인증서는 갱신할 수 없어요. 인증서를 새로 발급받아 주세요.",
    en: "An expired certificate cannot be renewed. Please have a new one issued.",
  },
  revoked: {
    ko: "폐기된 인증서는 갱신할 수 없어요. 인증서를 새로 발급받아 주세요.",
    en: "A revoked certificate cannot be renewed. Please have a new one issued.",
  },
  on_hold: {
    ko: "효력이 정지된 인증서는 갱신할 수 없어요. 먼저 효력정지를 해제해 주세요.",
    en: "A suspended certificate cannot be renewed. Have the suspension lifted first.",
  },
  not_valid: {
    ko: "발급이 끝나지 않은 인증서는 갱신할 수 없어요.",
    en: "A certificate whose issuance was never completed cannot be renewed.",
  },
};
