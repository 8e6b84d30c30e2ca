// Refusals of the teller side (the teller's login and the branch desk; src/auth/teller-errors.ts), with their words.
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
