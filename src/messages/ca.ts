// The CA's refusals with their words: its keys (src/ca/ca-keys.ts) and a certificate's lifecycle
// (revoke, suspend, release; src/ca/errors.ts), each code named for the rule that failed.
import type { Words } from "./words.ts";

export const caKeyErrorCodes = ["ca_exists", "ca_missing", "bad_passphrase"] as const;

export type CaKeyErrorCode = (typeof caKeyErrorCodes)[number];

export const caKeyWords: Record<CaKeyErrorCode, Words> = {
  ca_exists: { ko: "인증기관 키가 이미 있어요.", en: "The CA keys exist already." },
  ca_missing: {
    ko: "인증기관 키가 없어요. geumgo init 또는 geumgo ca init을 먼저 실행해 주세요.",
    en: "There are no CA keys: run geumgo init or geumgo ca init first.",
  },
  bad_passphrase: {
    ko: "인증기관 암호(GEUMGO_CA_PASSPHRASE)가 맞지 않아요.",
    en: "The CA passphrase (GEUMGO_CA_PASSPHRASE) is wrong.",
  },
};

export const caLifecycleErrorCodes = [
  /** The CA has no certificate with this serial. */
  "cert_unknown",
  /** The serial is reserved but not signed yet (signing), or the holder refused it (rejected). */
  "cert_not_live",
  /** The certificate is revoked already; revocation is final. */
  "already_revoked",
  /** The certificate is suspended already. */
  "already_on_hold",
  /** Only a suspended certificate can be released. */
  "not_on_hold",
  /** The suspension has lasted six months: the certificate is to be revoked, not released. */
  "hold_expired",
  /** Not an RFC 5280 reason this operation takes (certificateHold is a suspension, not a revocation). */
  "bad_reason",
  /** A serial number is 16 bytes, written as 32 hex digits. */
  "bad_serial",
  /** The change is recorded, but the CRL or OCSP responses could not be republished yet. */
  "status_publish_failed",
] as const;

export type CaLifecycleErrorCode = (typeof caLifecycleErrorCodes)[number];

export const caLifecycleWords: Record<CaLifecycleErrorCode, Words> = {
  cert_unknown: {
    ko: "이 일련번호의 인증서가 없어요.",
    en: "There is no certificate with this serial number.",
  },
  cert_not_live: {
    ko: "발급이 끝나지 않았거나 거부된 인증서예요.",
    en: "The certificate was never completed, or its holder refused it.",
  },
  already_revoked: { ko: "이미 폐지된 인증서예요.", en: "The certificate is revoked already." },
  already_on_hold: { ko: "이미 효력정지된 인증서예요.", en: "The certificate is on hold already." },
  not_on_hold: { ko: "효력정지된 인증서가 아니에요.", en: "The certificate is not on hold." },
  hold_expired: {
    ko: "효력정지 후 6개월이 지나 해제할 수 없어요(인증서는 폐지돼요).",
    en: "The certificate has been on hold for 6 months and can no longer be released (it is to be revoked).",
  },
  bad_reason: {
    ko: "폐지 사유가 올바르지 않아요(예: keyCompromise, superseded, cessationOfOperation).",
    en: "This is not a revocation reason (e.g. keyCompromise, superseded, cessationOfOperation).",
  },
  bad_serial: {
    ko: "인증서 일련번호는 16바이트(16진수 32자리)예요.",
    en: "A certificate serial number is 16 bytes (32 hex digits).",
  },
  status_publish_failed: {
    ko: "처리는 되었지만 CRL·OCSP를 아직 다시 게시하지 못했어요(예약 작업이 다시 시도해요).",
    en: "Done, but the CRL and OCSP could not be republished yet (the scheduled job retries).",
  },
};
