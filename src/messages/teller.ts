// Refusals of the teller side (the teller's login and the branch desk; src/auth/teller-errors.ts),
// with their words.
import type { Words } from "./words.ts";

export const tellerErrorCodes = [
  /** Unknown teller ID or wrong password (the same answer for both); details: remaining tries. */
  "teller_bad_credentials",
  /** Five wrong passwords in a row: the teller's login is locked until an administrator opens it. */
  "teller_locked",
  /** A new internet banking user ID is 6–12 letters and digits (DESIGN.md §3). */
  "bad_user_id",
  /** Another member has that user ID (IDs are unique regardless of case). */
  "user_id_taken",
  /** The member is enrolled for internet banking already: reset the password instead. */
  "already_enrolled",
  /** The member is not enrolled for internet banking: enrol first. */
  "not_enrolled",
  /** A member has this resident registration number, under another name: check the ID card. */
  "name_mismatch",
  /** No member of the teller's cooperative has this id (another cooperative's member is the same). */
  "member_not_found",
  /** A teller ID is 4–20 letters and digits. */
  "bad_teller_id",
  /** Another teller has that ID (IDs are unique regardless of case). */
  "teller_id_taken",
  /** No teller with that ID in that cooperative. */
  "teller_not_found",
  /** The cooperative has no branch with that code. */
  "branch_not_found",
] as const;

export type TellerErrorCode = (typeof tellerErrorCodes)[number];

export const tellerWords: Record<TellerErrorCode, Words> = {
  teller_bad_credentials: {
    ko: "직원 아이디 또는 비밀번호가 맞지 않아요.",
    en: "The teller ID or password is wrong.",
  },
  teller_locked: {
    ko: "비밀번호를 5번 잘못 입력해 직원 로그인이 제한되었어요. 관리자에게 해제를 요청해 주세요.",
    en: "Five wrong passwords have locked this teller login: ask an administrator to open it.",
  },
  bad_user_id: {
    ko: "이용자 아이디는 영문과 숫자 6~12자예요.",
    en: "A user ID has 6-12 letters and digits.",
  },
  user_id_taken: {
    ko: "이미 쓰이는 이용자 아이디예요. 다른 아이디를 골라 주세요.",
    en: "That user ID is taken: choose another.",
  },
  already_enrolled: {
    ko: "이미 인터넷뱅킹에 가입한 회원이에요(비밀번호를 잊었다면 비밀번호를 재발급해 주세요).",
    en: "The member is enrolled for internet banking already (a forgotten password is reset instead).",
  },
  not_enrolled: {
    ko: "인터넷뱅킹에 가입하지 않은 회원이에요. 먼저 가입을 진행해 주세요.",
    en: "The member is not enrolled for internet banking: enrol first.",
  },
  name_mismatch: {
    ko: "이 주민등록번호로 등록된 회원의 이름이 달라요. 신분증을 다시 확인해 주세요.",
    en: "The member with this resident registration number has another name: check the ID card.",
  },
  member_not_found: { ko: "회원을 찾을 수 없어요.", en: "There is no such member." },
  bad_teller_id: {
    ko: "직원 아이디는 영문과 숫자 4~20자예요.",
    en: "A teller ID has 4-20 letters and digits.",
  },
  teller_id_taken: {
    ko: "이미 쓰이는 직원 아이디예요. 다른 아이디를 골라 주세요.",
    en: "That teller ID is taken: choose another.",
  },
  teller_not_found: {
    ko: "그 금고에 이 아이디의 직원이 없어요.",
    en: "There is no teller with this ID in that cooperative.",
  },
  branch_not_found: {
    ko: "그 금고에 이 코드의 지점이 없어요.",
    en: "The cooperative has no branch with this code.",
  },
};
