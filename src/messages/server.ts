// The HTTP edge's own refusals (not found, body too large, a session needed, …) with their words;
// src/server/errors.ts throws them and gives each its status.
import type { Words } from "./words.ts";

export const serverErrorCodes = [
  "not_found",
  "validation",
  "body_too_large",
  "unsupported_media_type",
  "unauthorized",
  "forbidden",
  "bad_argument",
  "unknown_operation",
  "data_dir_busy",
  "server_unreachable",
  "database_unavailable",
  "internal",
  // The internet banking API (src/server/api).
  "unauthenticated",
  "csrf",
  "rate_limited",
  /** Real-name look-ups of the day used up (per member, whatever the session); Retry-After to midnight. */
  "daily_lookup_limit",
  "password_change_required",
  "raise_at_branch",
  "bad_limits",
  "medium_wrong",
  "medium_locked",
  "medium_not_registered",
  "notification_not_found",
  // Any route's input (src/server/input-guard.ts, src/server/input-rules.ts).
  "control_character",
  "invisible_character",
  "not_printable",
  "body_too_deep",
  // `geumgo demo …` (src/server/demo-operations.ts).
  "demo_only",
  // The web app's files are missing (src/server/web.ts).
  "web_not_built",
] as const;

export type ServerErrorCode = (typeof serverErrorCodes)[number];

export const serverWords: Record<ServerErrorCode, Words> = {
  not_found: { ko: "요청한 주소를 찾을 수 없어요.", en: "There is nothing at this address." },
  validation: { ko: "요청 내용이 올바르지 않아요.", en: "The request is not valid." },
  body_too_large: { ko: "요청 본문이 너무 커요.", en: "The request body is too large." },
  unsupported_media_type: {
    ko: "지원하지 않는 콘텐츠 형식이에요.",
    en: "The content type is not supported here.",
  },
  unauthorized: { ko: "인증이 필요해요.", en: "Authentication is needed." },
  forbidden: {
    ko: "이 주소는 서버가 실행 중인 컴퓨터에서만 쓸 수 있어요.",
    en: "This address answers only on the machine the server runs on.",
  },
  bad_argument: { ko: "명령의 인자가 올바르지 않아요.", en: "An argument of the command is not valid." },
  unknown_operation: { ko: "알 수 없는 운영 명령이에요.", en: "There is no such operator command." },
  data_dir_busy: {
    ko: "다른 프로세스가 이 데이터 디렉터리(PGlite)를 쓰고 있어요.",
    en: "Another process is using this data directory (PGlite).",
  },
  server_unreachable: { ko: "실행 중인 서버에 연결할 수 없어요.", en: "The running server does not answer." },
  database_unavailable: { ko: "데이터베이스가 응답하지 않아요.", en: "The database does not answer." },
  internal: {
    ko: "서버에 문제가 생겼어요. 잠시 후 다시 시도해 주세요.",
    en: "Something went wrong on the server. Please try again later.",
  },
  demo_only: {
    ko: "데모 설치에서만 쓸 수 있는 명령이에요(NODE_ENV=production에서는 쓸 수 없어요).",
    en: "This command works on a demo install only (not with NODE_ENV=production).",
  },
  unauthenticated: {
    ko: "로그인이 필요해요(10분 동안 사용하지 않으면 자동으로 로그아웃돼요).",
    en: "Please log in (a session ends after 10 minutes without use).",
  },
  csrf: {
    ko: "요청을 확인할 수 없어요. 페이지를 새로 고친 뒤 다시 시도해 주세요.",
    en: "The request could not be verified. Reload the page and try again.",
  },
  rate_limited: {
    ko: "요청이 너무 많아요. 잠시 후 다시 시도해 주세요.",
    en: "Too many requests. Wait a moment and try again.",
  },
  daily_lookup_limit: {
    ko: "오늘 받는 분 조회 횟수를 모두 썼어요. 내일 다시 시도하거나 영업점에 문의해 주세요.",
    en: "You have used up today's recipient look-ups. Try again tomorrow or ask a branch.",
  },
  password_change_required: {
    ko: "임시 비밀번호를 새 비밀번호로 바꾼 뒤 이용할 수 있어요.",
    en: "Replace your temporary password first.",
  },
  raise_at_branch: {
    ko: "이체한도 증액은 신분증을 가지고 영업점에서 신청해 주세요.",
    en: "To raise a transfer limit, visit a branch with your ID card.",
  },
  bad_limits: {
    ko: "1회 한도는 0보다 크고 1일 한도 이하여야 해요.",
    en: "The per-transfer limit must be above zero and at most the daily limit.",
  },
  medium_wrong: {
    ko: "보안매체(OTP·보안카드) 번호가 맞지 않아요.",
    en: "The OTP or security card code is wrong.",
  },
  medium_locked: {
    ko: "보안매체 번호를 5번 잘못 입력해 이체가 제한되었어요. 신분증을 가지고 영업점에 방문해 주세요.",
    en: "Five wrong OTP or security card codes have locked transfers. Visit a branch with your ID card.",
  },
  medium_not_registered: {
    ko: "등록된 보안매체(OTP·보안카드)가 없어요. 영업점에서 등록해 주세요.",
    en: "No OTP device or security card is registered. Get one at a branch.",
  },
  web_not_built: {
    ko: "웹 화면이 아직 빌드되지 않았어요. `npm run build:web`을 실행한 뒤 다시 시도해 주세요.",
    en: "The web app has not been built. Run `npm run build:web` and try again.",
  },
  notification_not_found: { ko: "알림을 찾을 수 없어요.", en: "There is no such notification." },
  control_character: {
    ko: "입력값에 쓸 수 없는 제어 문자(NUL 등)가 들어 있어요.",
    en: "A value holds a control character (NUL or the like), which is not allowed.",
  },
  invisible_character: {
    ko: "보이지 않는 문자(글자 방향 바꿈, 폭 없는 공백 등)는 쓸 수 없어요.",
    en: "Invisible characters (direction overrides, zero-width spaces and the like) are not allowed.",
  },
  not_printable: {
    ko: "통장에 인쇄할 수 없는 문자가 있어요. 한글, 영문, 숫자, 공백과 기호 - _ . , ( ) / & ' : # * ! ? 만 쓸 수 있어요.",
    en: "A character cannot be printed on a passbook. Use Korean, English letters, digits, spaces and - _ . , ( ) / & ' : # * ! ? only.",
  },
  body_too_deep: {
    ko: "요청 본문이 너무 깊게 중첩되어 있어요.",
    en: "The request body is nested too deeply.",
  },
};
