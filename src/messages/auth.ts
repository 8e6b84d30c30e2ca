// Refusals of internet banking login and password changes (src/auth), with their words.
import type { Words } from "./words.ts";

export const authErrorCodes = [
  "bad_credentials",
  "login_locked",
  "enrolment_lapsed",
  "weak_password",
  "current_password_wrong",
  // Certificate login (src/auth/certificate-login.ts).
  "challenge_unknown",
  "challenge_expired",
  "challenge_used",
  "signature_invalid",
  "certificate_unknown",
  "certificate_not_ours",
  "certificate_revoked",
  "certificate_on_hold",
  "certificate_expired",
  "certificate_pending",
  "certificate_no_user",
  "no_identify_data",
  "vid_mismatch",
] as const;

export type AuthErrorCode = (typeof authErrorCodes)[number];

export const authWords: Record<AuthErrorCode, Words> = {
  bad_credentials: { ko: "아이디 또는 비밀번호가 맞지 않아요.", en: "The user ID or password is wrong." },
  login_locked: {
    ko: "비밀번호를 5번 잘못 입력해 로그인이 제한되었어요. 신분증을 가지고 영업점에 오시면 잠금을 풀어 드려요.",
    en: "Five wrong passwords have locked this login: a branch unlocks it when you bring your ID card.",
  },
  enrolment_lapsed: {
    ko: "영업점 가입 후 3영업일 안에 이용자 등록을 하지 않아 가입이 만료되었어요. 영업점에 다시 방문해 주세요.",
    en: "Online registration was not completed within 3 business days of enrolment: please return to the branch.",
  },
  weak_password: {
    ko: "비밀번호는 영문·숫자·특수문자를 넣어 8~20자로 정해 주세요. 아이디, 같은 문자 3번 반복, 연속된 문자 3개는 쓸 수 없어요.",
    en: "A password has 8-20 characters with letters, digits and symbols, without the user ID, 3 repeated or 3 sequential characters.",
  },
  current_password_wrong: { ko: "현재 비밀번호가 맞지 않아요.", en: "The current password is wrong." },
  challenge_unknown: {
    ko: "로그인 요청을 확인할 수 없어요. 인증서 로그인을 처음부터 다시 해 주세요.",
    en: "This login request is not one we issued: please start the certificate login again.",
  },
  challenge_expired: {
    ko: "로그인 요청 시간(2분)이 지났어요. 인증서 로그인을 다시 해 주세요.",
    en: "The login request has expired (2 minutes): please log in with your certificate again.",
  },
  challenge_used: {
    ko: "이미 사용한 로그인 요청이에요. 인증서 로그인을 다시 해 주세요.",
    en: "This login request has been used already: please log in with your certificate again.",
  },
  signature_invalid: {
    ko: "인증서 서명을 확인할 수 없어요. 인증서를 다시 선택해 로그인해 주세요.",
    en: "The certificate signature does not verify: please choose your certificate and log in again.",
  },
  certificate_unknown: {
    ko: "저희 인증센터에서 발급한 기록이 없는 인증서예요.",
    en: "Our certificate centre has no record of issuing this certificate.",
  },
  certificate_not_ours: {
    ko: "다른 기관에서 발급한 인증서로는 로그인할 수 없어요. 저희 인증센터에서 발급한 인증서를 선택해 주세요.",
    en: "A certificate from another authority cannot log in here: please choose one our certificate centre issued.",
  },
  certificate_revoked: {
    ko: "폐기된 인증서예요. 인증센터에서 인증서를 새로 발급받아 주세요.",
    en: "This certificate has been revoked: please get a new one at the certificate centre.",
  },
  certificate_on_hold: {
    ko: "효력이 정지된 인증서예요. 효력회복 후 이용해 주세요.",
    en: "This certificate is suspended: restore it before you use it.",
  },
  certificate_expired: {
    ko: "유효기간이 지난 인증서예요. 인증센터에서 인증서를 새로 발급받아 주세요.",
    en: "This certificate is outside its validity period: please get a new one at the certificate centre.",
  },
  certificate_pending: {
    ko: "발급이 끝나지 않은 인증서예요. 인증서 발급을 마친 뒤 이용해 주세요.",
    en: "This certificate's issuance was never completed: finish issuing it first.",
  },
  certificate_no_user: {
    ko: "이 인증서의 고객님은 인터넷뱅킹에 가입되어 있지 않아요. 영업점에서 가입해 주세요.",
    en: "The holder of this certificate is not enrolled for internet banking: please enrol at a branch.",
  },
  no_identify_data: {
    ko: "본인확인 정보(VID 또는 개인키의 난수 R)가 없어 본인확인을 할 수 없는 인증서예요. 인증서를 재발급받아 주세요.",
    en: "Identity cannot be checked: the certificate has no VID, or its key file no random R. Please have it reissued.",
  },
  vid_mismatch: {
    ko: "인증서의 본인확인 정보가 고객님의 정보와 맞지 않아요.",
    en: "The certificate's identity data does not match the holder's records.",
  },
};
