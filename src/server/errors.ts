// Errors at the HTTP edge: the server's own refusals (not found, body too large, …) and the one place
// where any error becomes a status and a body `{ error: { code, message: { ko, en } } }`. The words
// of every area come from src/messages (shared with the CLI and the web app); the statuses are here.
import {
  type Area,
  type CodeOf,
  describeKnown,
  knownError,
  type ServerErrorCode,
  type Words,
  wordsFor,
} from "../messages/index.ts";
import { fieldLabel, type InputFormat } from "./input-rules.ts";

export { type ServerErrorCode, serverErrorCodes } from "../messages/index.ts";

type Message = Words;

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

/**
 * The areas whose errors the server can send (the command line's and the browser's certificate
 * stores' own codes never reach it).
 */
type ServedArea = Exclude<Area, "cli" | "certStore">;

/**
 * The HTTP status of every code the server can send, typed against each area's code list: a missing
 * or misspelt code fails the type check. 400 is the caller's mistake; 401 a login needed or refused;
 * 403 a rule of where or when; 404 nothing of that name; 409 the state forbids it; 423 locked;
 * 503 the server cannot do it yet (its CA keys, its database).
 */
export const httpStatus: { readonly [A in ServedArea]: Readonly<Record<CodeOf<A>, number>> } = {
  server: {
    not_found: 404,
    validation: 400,
    body_too_large: 413,
    unsupported_media_type: 415,
    unauthorized: 401,
    forbidden: 403,
    bad_argument: 400,
    unknown_operation: 404,
    data_dir_busy: 503,
    server_unreachable: 503,
    database_unavailable: 503,
    internal: 500,
    demo_only: 403,
    unauthenticated: 401,
    csrf: 403,
    rate_limited: 429,
    daily_lookup_limit: 429,
    password_change_required: 403,
    raise_at_branch: 403,
    bad_limits: 400,
    medium_wrong: 400,
    medium_locked: 423,
    medium_not_registered: 409,
    notification_not_found: 404,
    control_character: 400,
    invisible_character: 400,
    not_printable: 400,
    body_too_deep: 400,
    web_not_built: 503,
  },
  pki: {
    malformed: 400,
    unsupported_algorithm: 400,
    bad_password: 400,
    bad_parameters: 400,
    missing_random: 400,
    missing_vid: 400,
    vid_mismatch: 400,
    bad_rrn: 400,
    weak_password: 400,
    key_mismatch: 400,
    bad_signature: 400,
    untrusted: 400,
    cmp_refused: 400,
    several_keys: 400,
    bad_transfer_form: 400,
  },
  caKeys: { ca_exists: 400, ca_missing: 503, bad_passphrase: 503 },
  caLifecycle: {
    cert_unknown: 404,
    cert_not_live: 409,
    already_revoked: 409,
    already_on_hold: 409,
    not_on_hold: 409,
    hold_expired: 409,
    bad_reason: 400,
    bad_serial: 400,
    status_publish_failed: 503,
  },
  certcenter: {
    user_unknown: 404,
    cert_exists: 409,
    no_certificate: 409,
    no_phone: 409,
    phone_code_wrong: 400,
    phone_code_expired: 400,
    phone_code_spent: 409,
    phone_code_missing: 409,
    sender_unavailable: 503,
    rrn_mismatch: 400,
    proofing_locked: 423,
    certificate_unknown: 404,
    renewal_free: 409,
    not_renewable: 409,
    renewal_window: 409,
    authorization_unknown: 404,
    renewal_in_progress: 409,
    signature_required: 400,
    signature_invalid: 400,
    signature_form_mismatch: 400,
    certificate_revoked: 403,
    certificate_suspended: 403,
    certificate_expired: 403,
    certificate_other_member: 403,
    signature_nonce_used: 409,
    signature_nonce_expired: 400,
    signature_time_skew: 400,
    transfer_signature_not_found: 404,
    consent_required: 403,
    consent_version_unknown: 409,
  },
  bank: {
    amount_must_be_positive: 400,
    amount_too_large: 400,
    account_not_found: 404,
    account_not_active: 400,
    account_closed: 400,
    same_account: 400,
    not_account_owner: 400,
    insufficient_funds: 400,
    exceeds_transfer_limit: 400,
    exceeds_daily_limit: 400,
    idempotency_key_reused: 400,
    memo_too_long: 400,
    bad_date_range: 400,
    pin_wrong: 400,
    pin_locked: 423,
    hold_not_found: 400,
    hold_not_active: 400,
    member_not_found: 404,
    member_exists: 409,
    cooperative_not_found: 400,
    branch_not_found: 404,
    bad_account_number: 400,
    bad_rrn: 400,
    limit_raise_needs_branch: 400,
    medium_locked: 400,
    medium_wrong: 400,
    medium_not_registered: 400,
    otp_reused: 400,
    transfer_in_progress: 409,
    cash_insufficient: 409,
  },
  auth: {
    bad_credentials: 401,
    login_locked: 423,
    enrolment_lapsed: 403,
    weak_password: 400,
    current_password_wrong: 400,
    challenge_unknown: 401,
    challenge_expired: 401,
    challenge_used: 401,
    signature_invalid: 401,
    certificate_unknown: 401,
    certificate_not_ours: 401,
    certificate_revoked: 403,
    certificate_on_hold: 403,
    certificate_expired: 403,
    certificate_pending: 403,
    certificate_no_user: 403,
    no_identify_data: 400,
    vid_mismatch: 401,
  },
  teller: {
    teller_bad_credentials: 401,
    teller_locked: 423,
    bad_user_id: 400,
    user_id_taken: 409,
    already_enrolled: 409,
    not_enrolled: 409,
    name_mismatch: 409,
    member_not_found: 404,
    bad_teller_id: 400,
    teller_id_taken: 409,
    teller_not_found: 404,
    branch_not_found: 404,
    drawer_not_open: 409,
    drawer_already_open: 409,
    drawer_closed: 409,
    amount_not_whole: 400,
    account_other_cooperative: 403,
    not_member_account: 400,
    id_not_checked: 400,
    receipt_not_found: 404,
    receipt_other_branch: 403,
    receipt_not_today: 409,
    bad_count: 400,
    account_has_holds: 409,
    account_overdrawn: 409,
    account_frozen: 409,
    last_account_internet_banking: 409,
    close_target_not_own: 400,
    closing_needs_approval: 409,
    bad_limits: 400,
    limit_above_maximum: 400,
    limit_id_not_checked: 400,
    limit_reason_required: 400,
    no_security_medium: 409,
    identity_not_checked: 400,
    bad_phone: 400,
    bad_email: 400,
    bad_address: 400,
    bad_name: 400,
    name_reason_missing: 400,
    details_unchanged: 409,
    approval_not_found: 404,
    approval_not_manager: 403,
    approval_own_request: 403,
    approval_already_decided: 409,
    approval_expired: 409,
    approval_drawer_closed: 409,
    limits_stale: 409,
  },
};

/** The status of one served code. */
export function statusOf<A extends ServedArea>(area: A, code: CodeOf<A>): number {
  return (httpStatus[area] as Readonly<Record<string, number>>)[code] as number;
}

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

/** The formats whose refusal has a code of its own; the others are `validation` with the rule named. */
const formatCodes: Partial<Record<InputFormat, ServerErrorCode>> = {
  "display-text": "invisible_character",
  "passbook-text": "not_printable",
};

/**
 * A schema's refusal as the caller reads it: the field (dotted, as the schema names it) and the
 * rule it broke (`maxLength` with its `limit`, `pattern`, `type`, `required`, a format's name).
 */
export function schemaRefusal(validation: unknown, context: unknown): ServerError {
  const first = (Array.isArray(validation) ? validation[0] : undefined) as
    | { keyword?: unknown; instancePath?: unknown; params?: Record<string, unknown> }
    | undefined;
  const params = first?.params ?? {};
  const path = String(first?.instancePath ?? "")
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  const child = params.missingProperty ?? params.additionalProperty ?? params.propertyName;
  if (typeof child === "string") path.push(child);
  const field = fieldLabel(path.join(".") || (typeof context === "string" ? context : "body"));
  const keyword = typeof first?.keyword === "string" ? first.keyword : "schema";
  const format = keyword === "format" ? String(params.format) : undefined;
  const own = format ? formatCodes[format as InputFormat] : undefined;
  if (own) return new ServerError(own, field, { field });
  const limit = typeof params.limit === "number" ? { limit: params.limit } : {};
  return new ServerError("validation", field, { field, rule: format ?? keyword, ...limit });
}

/** Fastify's own errors (parsing, limits, schemas) by their error code. */
function fastifyReply(e: {
  code?: unknown;
  statusCode?: unknown;
  validation?: unknown;
  validationContext?: unknown;
}): ErrorReply | undefined {
  const ours = (code: ServerErrorCode) => reply(statusOf("server", code), code, wordsFor("server", code));
  if (e.validation !== undefined) return errorReply(schemaRefusal(e.validation, e.validationContext));
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
  const known = knownError(e);
  if (known && known.area !== "cli" && known.area !== "certStore") {
    const area = known.area;
    const message = { ko: describeKnown(known, "ko"), en: describeKnown(known, "en") };
    return reply(statusOf(area, known.code as CodeOf<typeof area>), known.code, message, known.details);
  }
  if (typeof e === "object" && e !== null) {
    const known = fastifyReply(e as Parameters<typeof fastifyReply>[0]);
    if (known) return known;
  }
  return reply(500, "internal", wordsFor("server", "internal"));
}
