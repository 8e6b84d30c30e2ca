// Refusals of internet banking login and password changes (src/auth), with their words.
import type { Words } from "./words.ts";

export const authErrorCodes = [
  "bad_credentials",
  "login_locked",
  "enrolment_lapsed",
  "weak_password",
  "current_password_wrong",
] as const;

export type AuthErrorCode = (typeof authErrorCodes)[number];

export const authWords: Record<AuthErrorCode, Words> = {
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
