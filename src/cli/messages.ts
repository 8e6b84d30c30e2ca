// Korean and English words for every error code the command line can meet: one table, walked by a
// test so that no code goes without a message.

import { AuthError, type AuthErrorCode } from "../auth/errors.ts";
import { TellerError, type TellerErrorCode } from "../auth/teller-errors.ts";
import { BankError, type BankErrorCode } from "../bank/errors.ts";
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
  passwords_differ: {
    ko: "두 번 입력한 비밀번호가 다릅니다",
    en: "the two passwords typed differ",
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

export const bankMessages: Record<BankErrorCode, Message> = {
  amount_must_be_positive: { ko: "금액은 1원 이상이어야 합니다", en: "the amount must be at least 1 won" },
  amount_too_large: { ko: "금액이 너무 큽니다", en: "the amount is too large" },
  account_not_found: { ko: "계좌를 찾을 수 없습니다", en: "no such account" },
  account_not_active: {
    ko: "거래할 수 없는 계좌입니다 (휴면·정지)",
    en: "the account cannot be used (dormant or frozen)",
  },
  account_closed: { ko: "해지된 계좌입니다", en: "the account is closed" },
  same_account: { ko: "같은 계좌로는 이체할 수 없습니다", en: "cannot transfer to the same account" },
  not_account_owner: { ko: "본인 계좌가 아닙니다", en: "the account is not yours" },
  insufficient_funds: { ko: "잔액이 부족합니다", en: "the balance is not enough" },
  exceeds_transfer_limit: {
    ko: "1회 이체한도를 넘었습니다",
    en: "the amount exceeds the per-transfer limit",
  },
  exceeds_daily_limit: { ko: "1일 이체한도를 넘었습니다", en: "the amount exceeds the daily limit" },
  idempotency_key_reused: {
    ko: "같은 요청 번호로 다른 이체를 보낼 수 없습니다",
    en: "this request key was used for a different transfer",
  },
  memo_too_long: { ko: "통장 표시 내용은 20자까지입니다", en: "a statement memo has at most 20 characters" },
  bad_date_range: { ko: "조회 기간이 올바르지 않습니다", en: "the date range is not valid" },
  pin_wrong: { ko: "계좌 비밀번호가 맞지 않습니다", en: "the account PIN is wrong" },
  pin_locked: {
    ko: "계좌 비밀번호 오류가 5회 누적되었습니다. 통장과 신분증을 지참하고 영업점을 방문하세요",
    en: "five wrong account PINs: visit a branch with your passbook and ID card",
  },
  hold_not_found: { ko: "지급정지 내역을 찾을 수 없습니다", en: "no such hold" },
  hold_not_active: { ko: "이미 처리된 지급정지입니다", en: "the hold is settled already" },
  member_not_found: { ko: "회원을 찾을 수 없습니다", en: "no such member" },
  member_exists: { ko: "이미 등록된 회원입니다", en: "the member exists already" },
  cooperative_not_found: { ko: "금고를 찾을 수 없습니다", en: "no such cooperative" },
  branch_not_found: { ko: "지점을 찾을 수 없습니다", en: "no such branch" },
  bad_account_number: {
    ko: "계좌번호가 올바르지 않습니다 (13자리, 검증번호 확인)",
    en: "not a valid account number (13 digits with a check digit)",
  },
  bad_rrn: { ko: "주민등록번호는 13자리 숫자입니다", en: "a resident registration number has 13 digits" },
  limit_raise_needs_branch: {
    ko: "이체한도 증액은 영업점에서 신청하세요",
    en: "a transfer limit is raised at a branch",
  },
  media_locked: {
    ko: "보안매체 오류가 5회 누적되어 이체가 제한되었습니다",
    en: "five wrong security codes: transfers are locked",
  },
  media_wrong: { ko: "보안매체 번호가 맞지 않습니다", en: "the security code is wrong" },
  media_not_registered: { ko: "등록된 보안매체가 없습니다", en: "no security medium is registered" },
};

export const authMessages: Record<AuthErrorCode, Message> = {
  bad_credentials: { ko: "아이디 또는 비밀번호가 맞지 않습니다", en: "the user ID or password is wrong" },
  login_locked: {
    ko: "비밀번호 오류가 5회 누적되어 로그인이 제한되었습니다. 신분증을 지참하고 영업점을 방문하거나 고객센터로 연락하세요",
    en: "five wrong passwords have locked this login: visit a branch with your ID card, or call us",
  },
  enrolment_lapsed: {
    ko: "영업점 가입 후 3영업일 안에 이용자 등록을 하지 않아 가입이 만료되었습니다. 영업점을 다시 방문하세요",
    en: "online registration was not completed within 3 business days of enrolment: please return to the branch",
  },
  weak_password: {
    ko: "비밀번호는 영문·숫자·특수문자를 포함한 8~20자이며, 아이디를 포함하거나 같은 문자 3번 반복·연속된 문자 3개를 쓸 수 없습니다",
    en: "a password has 8-20 characters with letters, digits and symbols, without the user ID, 3 repeated or 3 sequential characters",
  },
  current_password_wrong: { ko: "현재 비밀번호가 맞지 않습니다", en: "the current password is wrong" },
};

function authText(e: AuthError, lang: Lang): string {
  const text = authMessages[e.code][lang];
  const remaining = e.details?.remaining;
  if (e.code === "bad_credentials" && typeof remaining === "number") {
    return lang === "ko"
      ? `${text} (${5 - remaining}회 오류, 남은 횟수 ${remaining}회: 5회 오류 시 로그인이 제한됩니다)`
      : `${text} (${remaining} ${remaining === 1 ? "try" : "tries"} left before the login locks)`;
  }
  return text;
}

export const tellerMessages: Record<TellerErrorCode, Message> = {
  teller_bad_credentials: {
    ko: "직원 ID 또는 비밀번호가 맞지 않습니다",
    en: "the teller ID or password is wrong",
  },
  teller_locked: {
    ko: "비밀번호 오류가 5회 누적되어 직원 로그인이 제한되었습니다. 관리자에게 해제를 요청하세요",
    en: "five wrong passwords have locked this teller login: ask an administrator to open it",
  },
  bad_user_id: {
    ko: "이용자 ID는 영문과 숫자 6~12자입니다",
    en: "a user ID has 6-12 letters and digits",
  },
  user_id_taken: {
    ko: "이미 쓰이는 이용자 ID입니다. 다른 ID를 고르세요",
    en: "that user ID is taken: choose another",
  },
  already_enrolled: {
    ko: "이미 인터넷뱅킹에 가입한 회원입니다 (비밀번호를 잊었다면 비밀번호 재설정)",
    en: "the member is enrolled for internet banking already (a forgotten password is reset instead)",
  },
  not_enrolled: {
    ko: "인터넷뱅킹에 가입하지 않은 회원입니다. 먼저 가입을 진행하세요",
    en: "the member is not enrolled for internet banking: enrol first",
  },
  name_mismatch: {
    ko: "이 주민등록번호의 회원 이름이 다릅니다. 신분증을 다시 확인하세요",
    en: "the member with this resident registration number has another name: check the ID card",
  },
  member_not_found: { ko: "회원을 찾을 수 없습니다", en: "no such member" },
  bad_teller_id: { ko: "직원 ID는 영문과 숫자 4~20자입니다", en: "a teller ID has 4-20 letters and digits" },
  teller_id_taken: {
    ko: "이미 쓰이는 직원 ID입니다. 다른 ID를 고르세요",
    en: "that teller ID is taken: choose another",
  },
  teller_not_found: {
    ko: "그 금고에 이 ID의 직원이 없습니다",
    en: "no teller with this ID in that cooperative",
  },
  branch_not_found: {
    ko: "그 금고에 이 코드의 지점이 없습니다",
    en: "the cooperative has no branch with this code",
  },
};

function tellerText(e: TellerError, lang: Lang): string {
  const text = tellerMessages[e.code][lang];
  const remaining = e.details?.remaining;
  if (e.code === "teller_bad_credentials" && remaining !== undefined) {
    return lang === "ko"
      ? `${text} (남은 횟수 ${remaining}회: 5회 오류 시 로그인이 제한됩니다)`
      : `${text} (${remaining} ${remaining === 1 ? "try" : "tries"} left before the login locks)`;
  }
  return text;
}

export function chooseLang(env: NodeJS.ProcessEnv = process.env): Lang {
  const pick = env.GEUMGO_LANG ?? env.LC_ALL ?? env.LC_MESSAGES ?? env.LANG ?? "";
  return pick.toLowerCase().startsWith("ko") ? "ko" : "en";
}

/** One sentence for a known error; undefined for anything else (a bug, reported as such). */
export function describeError(e: unknown, lang: Lang): string | undefined {
  if (e instanceof PkiError) return pkiMessages[e.code][lang];
  if (e instanceof CaError) return caMessages[e.code][lang];
  if (e instanceof CertcenterError) return certcenterMessages[e.code][lang];
  if (e instanceof BankError) return bankMessages[e.code][lang];
  if (e instanceof AuthError) return authText(e, lang);
  if (e instanceof TellerError) return tellerText(e, lang);
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
