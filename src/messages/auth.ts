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
};
