// The JSON client for /api: same-origin cookies, the session's CSRF token on every state-changing
// request, errors as ApiError carrying the server's code and its Korean and English message.
import { noteServerDate, serverOffsetMs } from "./server-time.ts";

export interface LocalText {
  ko: string;
  en: string;
}

export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    /** The server's words, when it sent the error body; else the page picks words by code. */
    readonly text: LocalText | null,
    /** The server's facts for the page (tries left, seconds to wait); never a secret. */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(code);
  }
}

function isErrorBody(
  body: unknown,
): body is { error: { code: string; message?: Partial<LocalText>; details?: unknown } } {
  if (typeof body !== "object" || body === null || !("error" in body)) return false;
  const error = (body as { error: unknown }).error;
  return (
    typeof error === "object" && error !== null && typeof (error as { code?: unknown }).code === "string"
  );
}

export interface RequestOptions {
  /** A 401 here is an answer for the page (a wrong password), not the end of the session. */
  keep401?: boolean;
  /** This request does not count as activity (GET /api/session), so the idle clock keeps running. */
  passive?: boolean;
  signal?: AbortSignal;
}

export interface ApiHooks {
  /** The session is gone (401 from an authenticated route): back to the login page. */
  onUnauthorized(): void;
  /** The server saw us (it moved last_seen_at): the idle clock starts again. */
  onActivity(): void;
}

export class ApiClient {
  csrfToken: string | null = null;
  /** Server clock minus ours (server-time.ts: one offset for the page), so expiry times the server names line up. */
  get serverClockOffset(): number {
    return serverOffsetMs();
  }
  hooks: ApiHooks = { onUnauthorized() {}, onActivity() {} };

  get<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.request<T>("GET", path, undefined, options);
  }

  post<T>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>("POST", path, body, options);
  }

  put<T>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>("PUT", path, body, options);
  }

  async request<T>(method: string, path: string, body: unknown, options: RequestOptions): Promise<T> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (method !== "GET" && this.csrfToken) headers["x-csrf-token"] = this.csrfToken;
    let response: Response;
    const sentAt = Date.now();
    try {
      response = await fetch(path, {
        method,
        headers,
        credentials: "same-origin",
        cache: "no-store",
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (e) {
      if (e instanceof DOMException && e.name === "AbortError") throw e;
      throw new ApiError(0, "network", null);
    }
    noteServerDate(response, sentAt);
    if (response.status !== 401 && !options.passive) this.hooks.onActivity();
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === "" ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (response.ok) return parsed as T;
    const error = isErrorBody(parsed)
      ? new ApiError(
          response.status,
          parsed.error.code,
          typeof parsed.error.message?.ko === "string" && typeof parsed.error.message.en === "string"
            ? { ko: parsed.error.message.ko, en: parsed.error.message.en }
            : null,
          typeof parsed.error.details === "object" && parsed.error.details !== null
            ? (parsed.error.details as Record<string, unknown>)
            : {},
        )
      : new ApiError(response.status, response.status >= 500 ? "server" : "http", null);
    if (response.status === 401 && !options.keep401) {
      this.csrfToken = null;
      this.hooks.onUnauthorized();
    }
    throw error;
  }
}

/** One key per transfer form: a double click or a retry of the same transfer sends the same key. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}
