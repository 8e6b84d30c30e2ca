// Korean and English words for every error code the command line can meet: one table, walked by a
// test so that no code goes without a message.

import { CaError } from "../ca/ca-keys.ts";
import { CaLifecycleError, type CaLifecycleErrorCode } from "../ca/errors.ts";
import { CertcenterError, type CertcenterErrorCode } from "../certcenter/errors.ts";
import { PkiError, type PkiErrorCode } from "../pki/errors.ts";
import { CliError, type CliErrorCode } from "./errors.ts";

export type Lang = "ko" | "en";

type Message = { ko: string; en: string };

export const pkiMessages: Record<PkiErrorCode, Message> = {
  malformed: {
    ko: "파일이 손상되었거나 올바른 형식이 아닙니다",
    en: "the file is damaged or not in the expected format",
  },
  unsupported_algorithm: { ko: "지원하지 않는 알고리즘입니다", en: "the algorithm is not supported" },
  bad_password: { ko: "인증서 암호가 맞지 않습니다", en: "the certificate password is wrong" },
  bad_parameters: {
    ko: "암호화 매개변수가 허용 범위를 벗어났습니다",
    en: "an encryption parameter is out of bounds",
  },
  missing_random: {
    ko: "개인키에 본인확인용 난수(R)가 없어 VID를 확인할 수 없습니다",
    en: "the private key carries no randomNum (R), so the VID cannot be checked",
  },
  missing_vid: { ko: "인증서에 VID(식별번호 확인정보)가 없습니다", en: "the certificate carries no VID" },
  vid_mismatch: {
    ko: "주민등록번호가 인증서의 VID와 일치하지 않습니다",
    en: "the resident registration number does not match the certificate's VID",
  },
  bad_rrn: { ko: "주민등록번호는 13자리 숫자입니다", en: "a resident registration number has 13 digits" },
  weak_password: {
    ko: "인증서 암호는 영문·숫자·특수문자를 포함해 10자 이상이어야 하며 ' \" \\ | 와 3자 이상 반복·연속 문자는 쓸 수 없습니다",
    en: "a certificate password needs 10+ characters with letters, digits and symbols, no ' \" \\ |, and no 3 repeated or sequential characters",
  },
  key_mismatch: {
    ko: "개인키가 인증서와 짝이 맞지 않습니다",
    en: "the private key does not belong to the certificate",
  },
  bad_signature: { ko: "서명이 올바르지 않습니다", en: "the signature does not verify" },
  untrusted: {
    ko: "서명자의 인증서가 신뢰하는 인증기관에서 발급되지 않았습니다",
    en: "the signer's certificate is not issued by a trusted CA",
  },
  cmp_refused: { ko: "인증기관이 요청을 거절했습니다", en: "the CA refused the request" },
};

export const cliMessages: Record<CliErrorCode, Message> = {
  file_not_found: { ko: "파일이나 폴더를 찾을 수 없습니다", en: "no such file or folder" },
  file_exists: {
    ko: "파일이 이미 있습니다 (덮어쓰려면 --force)",
    en: "the file exists already (add --force to overwrite it)",
  },
  not_npki_folder: {
    ko: "NPKI 인증서 폴더가 아닙니다 (signCert.der와 signPri.key가 필요합니다)",
    en: "not an NPKI certificate folder (signCert.der and signPri.key are needed)",
  },
  password_required: {
    ko: "암호가 필요합니다: --password-file로 주거나 터미널에서 입력하세요",
    en: "a password is needed: give --password-file, or run at a terminal to type it",
  },
  pkcs12_without_key: { ko: "PFX 파일에 개인키가 없습니다", en: "the PFX file holds no private key" },
  usage: { ko: "명령 사용법이 올바르지 않습니다", en: "the command is not used right" },
  audit_broken: {
    ko: "감사 기록의 해시 체인이 끊어졌습니다 (변경·삭제된 기록이 있습니다)",
    en: "the audit log's hash chain is broken (an entry was changed or removed)",
  },
};

export const caMessages: Record<CaError["code"], Message> = {
  ca_exists: { ko: "인증기관 키가 이미 있습니다", en: "the CA keys exist already" },
  ca_missing: {
    ko: "인증기관 키가 없습니다: geumgo init 또는 geumgo ca init을 먼저 실행하세요",
    en: "there are no CA keys: run geumgo init or geumgo ca init first",
  },
  bad_passphrase: {
    ko: "인증기관 암호(GEUMGO_CA_PASSPHRASE)가 맞지 않습니다",
    en: "the CA passphrase (GEUMGO_CA_PASSPHRASE) is wrong",
  },
};

export const certcenterMessages: Record<CertcenterErrorCode, Message> = {
  user_unknown: { ko: "그런 인터넷뱅킹 사용자 ID가 없습니다", en: "no internet banking user has that ID" },
  cert_exists: {
    ko: "이미 같은 용도의 유효한 인증서가 있습니다. 갱신하거나 재발급하세요",
    en: "the member already holds a live certificate of that purpose: renew or reissue it",
  },
  no_certificate: {
    ko: "재발급할 유효한 인증서가 없습니다. 새로 발급하세요",
    en: "there is no live certificate of that purpose to reissue: issue a new one",
  },
};

export const caLifecycleMessages: Record<CaLifecycleErrorCode, Message> = {
  cert_unknown: {
    ko: "이 일련번호의 인증서가 없습니다",
    en: "there is no certificate with this serial number",
  },
  cert_not_live: {
    ko: "발급이 끝나지 않았거나 거부된 인증서입니다",
    en: "the certificate was never completed, or its holder refused it",
  },
  already_revoked: { ko: "이미 폐지된 인증서입니다", en: "the certificate is revoked already" },
  already_on_hold: { ko: "이미 효력정지된 인증서입니다", en: "the certificate is on hold already" },
  not_on_hold: { ko: "효력정지된 인증서가 아닙니다", en: "the certificate is not on hold" },
  hold_expired: {
    ko: "효력정지 후 6개월이 지나 해제할 수 없습니다 (인증서는 폐지됩니다)",
    en: "the certificate has been on hold for 6 months and can no longer be released (it is to be revoked)",
  },
  bad_reason: {
    ko: "폐지 사유가 올바르지 않습니다 (예: keyCompromise, superseded, cessationOfOperation)",
    en: "not a revocation reason (e.g. keyCompromise, superseded, cessationOfOperation)",
  },
  bad_serial: {
    ko: "인증서 일련번호는 16바이트(16진수 32자리)입니다",
    en: "a certificate serial number is 16 bytes (32 hex digits)",
  },
  status_publish_failed: {
    ko: "처리는 되었으나 CRL·OCSP를 아직 다시 게시하지 못했습니다 (예약 작업이 다시 시도합니다)",
    en: "done, but the CRL and OCSP could not be republished yet (the scheduled job retries)",
  },
};

export function chooseLang(env: NodeJS.ProcessEnv = process.env): Lang {
  const pick = env.GEUMGO_LANG ?? env.LC_ALL ?? env.LC_MESSAGES ?? env.LANG ?? "";
  return pick.toLowerCase().startsWith("ko") ? "ko" : "en";
}

/** One sentence for a known error; undefined for anything else (a bug, reported as such). */
export function describeError(e: unknown, lang: Lang): string | undefined {
  if (e instanceof PkiError) return pkiMessages[e.code][lang];
  if (e instanceof CaError) return caMessages[e.code][lang];
  if (e instanceof CertcenterError) return certcenterMessages[e.code][lang];
  if (e instanceof CaLifecycleError) {
    const text = caLifecycleMessages[e.code][lang];
    return e.subject ? `${text}: ${e.subject}` : text;
  }
  if (e instanceof CliError) {
    const text = cliMessages[e.code][lang];
    return e.subject ? `${text}: ${e.subject}` : text;
  }
  return undefined;
}
