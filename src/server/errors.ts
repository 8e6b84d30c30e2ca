// Errors at the HTTP edge: the server's own codes (not found, body too large, …) and the one place
// where any error becomes a status and a body `{ error: { code, message: { ko, en } } }`.
// Domain codes take their words from the command line's table, so both edges say the same thing.
import { describeError } from "../cli/messages.ts";

type Message = { ko: string; en: string };

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
  "password_change_required",
  "raise_at_branch",
  "bad_limits",
  "medium_wrong",
  "medium_locked",
  "medium_not_registered",
  "notification_not_found",
  // `geumgo demo …` (src/server/demo-operations.ts).
  "demo_only",
] as const;

export type ServerErrorCode = (typeof serverErrorCodes)[number];

export class ServerError extends Error {
  override readonly name = "ServerError";
  readonly code: ServerErrorCode;
  /** What the message names (an argument, a path); never a secret. */
  readonly subject: string | undefined;
  /** Facts for the client (tries remaining, seconds to wait); never a secret. */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ServerErrorCode, subject?: string, details?: Record<string, unknown>) {
    super(subject ? `${code}: ${subject}` : code);
    this.code = code;
    this.subject = subject;
    this.details = details;
  }
}

export const serverErrors: Record<ServerErrorCode, Message & { status: number }> = {
  not_found: { status: 404, ko: "요청한 주소를 찾을 수 없습니다", en: "there is nothing at this address" },
  validation: { status: 400, ko: "요청 내용이 올바르지 않습니다", en: "the request is not valid" },
  body_too_large: { status: 413, ko: "요청 본문이 너무 큽니다", en: "the request body is too large" },
  unsupported_media_type: {
    status: 415,
    ko: "지원하지 않는 콘텐츠 형식입니다",
    en: "the content type is not supported here",
  },
  unauthorized: { status: 401, ko: "인증이 필요합니다", en: "authentication is needed" },
  forbidden: {
    status: 403,
    ko: "이 주소는 서버가 실행 중인 컴퓨터에서만 쓸 수 있습니다",
    en: "this address answers only on the machine the server runs on",
  },
  bad_argument: {
    status: 400,
    ko: "명령의 인자가 올바르지 않습니다",
    en: "an argument of the command is not valid",
  },
  unknown_operation: { status: 404, ko: "알 수 없는 운영 명령입니다", en: "no such operator command" },
  data_dir_busy: {
    status: 503,
    ko: "다른 프로세스가 이 데이터 디렉터리(PGlite)를 쓰고 있습니다",
    en: "another process is using this data directory (PGlite)",
  },
  server_unreachable: {
    status: 503,
    ko: "실행 중인 서버에 연결할 수 없습니다",
    en: "the running server does not answer",
  },
  database_unavailable: {
    status: 503,
    ko: "데이터베이스가 응답하지 않습니다",
    en: "the database does not answer",
  },
  internal: {
    status: 500,
    ko: "서버 내부 오류입니다. 잠시 후 다시 시도하세요",
    en: "something went wrong on the server; try again later",
  },
  demo_only: {
    status: 403,
    ko: "데모 설치에서만 쓸 수 있는 명령입니다 (NODE_ENV=production에서는 쓸 수 없습니다)",
    en: "this command works on a demo install only (not with NODE_ENV=production)",
  },
  unauthenticated: {
    status: 401,
    ko: "로그인이 필요합니다 (10분 동안 사용하지 않으면 자동으로 로그아웃됩니다)",
    en: "please log in (a session ends after 10 minutes without use)",
  },
  csrf: {
    status: 403,
    ko: "요청을 확인할 수 없습니다. 페이지를 새로 고친 뒤 다시 시도하세요",
    en: "the request could not be verified; reload the page and try again",
  },
  rate_limited: {
    status: 429,
    ko: "요청이 너무 많습니다. 잠시 후 다시 시도하세요",
    en: "too many requests; wait a moment and try again",
  },
  password_change_required: {
    status: 403,
    ko: "임시 비밀번호를 새 비밀번호로 바꾼 뒤 이용할 수 있습니다",
    en: "replace your temporary password first",
  },
  raise_at_branch: {
    status: 403,
    ko: "이체한도 증액은 신분증을 지참하고 영업점에서 신청하세요",
    en: "to raise a transfer limit, visit a branch with your ID card",
  },
  bad_limits: {
    status: 400,
    ko: "1회 한도는 0보다 크고 1일 한도 이하여야 합니다",
    en: "the per-transfer limit must be above zero and at most the daily limit",
  },
  medium_wrong: {
    status: 400,
    ko: "보안매체(OTP·보안카드) 번호가 맞지 않습니다",
    en: "the OTP or security card code is wrong",
  },
  medium_locked: {
    status: 423,
    ko: "보안매체 오류가 5회 누적되어 이체가 제한되었습니다. 신분증을 지참하고 영업점을 방문하세요",
    en: "five wrong OTP or security card codes: transfers are locked; visit a branch with your ID card",
  },
  medium_not_registered: {
    status: 409,
    ko: "등록된 보안매체(OTP·보안카드)가 없습니다. 영업점에서 등록하세요",
    en: "no OTP device or security card is registered; get one at a branch",
  },
  notification_not_found: { status: 404, ko: "알림을 찾을 수 없습니다", en: "no such notification" },
};

/** Statuses of domain codes other than 400 (the caller's mistake). */
const domainStatus: Record<string, number> = {
  ca_missing: 503,
  bad_passphrase: 503,
  status_publish_failed: 503,
  cert_unknown: 404,
  user_unknown: 404,
  cert_not_live: 409,
  already_revoked: 409,
  already_on_hold: 409,
  not_on_hold: 409,
  hold_expired: 409,
  cert_exists: 409,
  no_certificate: 409,
  account_not_found: 404,
  bad_credentials: 401,
  login_locked: 423,
  enrolment_lapsed: 403,
  pin_locked: 423,
  // The teller side (src/auth/teller-errors.ts) and the bank codes its desk meets.
  teller_bad_credentials: 401,
  teller_locked: 423,
  teller_id_taken: 409,
  teller_not_found: 404,
  branch_not_found: 404,
  member_not_found: 404,
  member_exists: 409,
  user_id_taken: 409,
  already_enrolled: 409,
  not_enrolled: 409,
  name_mismatch: 409,
};

export interface ErrorReply {
  status: number;
  body: { error: { code: string; message: Message; details?: Record<string, string | number | string[]> } };
}

function reply(status: number, code: string, message: Message, details?: unknown): ErrorReply {
  const shown = publicDetails(details);
  return { status, body: { error: { code, message, ...(shown ? { details: shown } : {}) } } };
}

/** A domain error's details as JSON: numbers of won as strings, nothing but flat values. */
function publicDetails(details: unknown): Record<string, string | number | string[]> | undefined {
  if (typeof details !== "object" || details === null) return undefined;
  const out: Record<string, string | number | string[]> = {};
  for (const [k, v] of Object.entries(details)) {
    if (typeof v === "bigint") out[k] = v.toString();
    else if (typeof v === "number" || typeof v === "string") out[k] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === "string")) out[k] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Fastify's own errors (parsing, limits, schemas) by their error code. */
function fastifyReply(e: {
  code?: unknown;
  statusCode?: unknown;
  validation?: unknown;
}): ErrorReply | undefined {
  const ours = (code: ServerErrorCode) => {
    const m = serverErrors[code];
    return reply(m.status, code, { ko: m.ko, en: m.en });
  };
  if (e.validation !== undefined) return ours("validation");
  switch (e.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return ours("body_too_large");
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return ours("unsupported_media_type");
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
    case "FST_ERR_CTP_INVALID_JSON_BODY":
    case "FST_ERR_VALIDATION":
      return ours("validation");
  }
  // Any other client error Fastify raises (a bad header, a malformed URL) is the caller's too.
  const status = typeof e.statusCode === "number" ? e.statusCode : 500;
  if (status >= 400 && status < 500) return ours(status === 404 ? "not_found" : "validation");
  return undefined;
}

/** The status and body for any error; unknown ones become 500 `internal` with nothing of their insides. */
export function errorReply(e: unknown): ErrorReply {
  if (e instanceof ServerError) {
    const m = serverErrors[e.code];
    const subject = e.subject ? `: ${e.subject}` : "";
    return reply(m.status, e.code, { ko: `${m.ko}${subject}`, en: `${m.en}${subject}` }, e.details);
  }
  const ko = describeError(e, "ko");
  const en = describeError(e, "en");
  if (ko !== undefined && en !== undefined) {
    const code = String((e as { code: unknown }).code);
    return reply(domainStatus[code] ?? 400, code, { ko, en }, (e as { details?: unknown }).details);
  }
  if (typeof e === "object" && e !== null) {
    const known = fastifyReply(e as { code?: unknown; statusCode?: unknown; validation?: unknown });
    if (known) return known;
  }
  const m = serverErrors.internal;
  return reply(500, "internal", { ko: m.ko, en: m.en });
}
