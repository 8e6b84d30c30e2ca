// Who is calling: the session cookie checked against the sessions table, the CSRF header on
// every unsafe method, and the member's forced password change. Member routes (/api) and teller
// routes (/api/teller) both guard themselves with these; see docs/api.md.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import {
  createSession,
  csrfTokenMatches,
  endSession as deleteSession,
  findMemberSession,
  findSession,
  type Session,
  type SessionSubject,
  sessionExpiresAt,
} from "../../auth/sessions.ts";
import type { App } from "../context.ts";
import { ServerError } from "../errors.ts";

export const sessionCookies = { member: "geumgo_session", teller: "geumgo_teller" } as const;

export interface MemberAuth {
  cooperativeId: number;
  memberId: bigint;
  userId: string;
  sessionId: string;
  mustChangePassword: boolean;
  enrolledAt: Date;
  /** The login before this session's, or null on the first. */
  previousLoginAt: Date | null;
  session: Session;
}

export interface TellerAuth {
  cooperativeId: number;
  branchId: number;
  tellerId: string;
  sessionId: string;
  session: Session;
}

export interface GuardOptions {
  /**
   * Count this request as activity (restarts the idle timer, written at most once a minute:
   * src/auth/sessions.ts); default true. "exact" always writes it (the extend button).
   */
  touch?: boolean | "exact";
}

// The App behind a server, found from any of its plugin scopes through the one node:http server
// they share; so teller routes (a sibling scope) reach the same sessions without a decoration.
const apps = new WeakMap<object, App>();

/** Makes requireMember/requireTeller work for every route of this server. Idempotent. */
export function bindSessions(fastify: FastifyInstance, app: App): void {
  apps.set(fastify.server, app);
}

/**
 * The first name of bindSessions, kept while teller routes still call it by that name (biome's
 * React rule reads `use…` as a hook); use bindSessions.
 */
export const useSessions = bindSessions;

function appOf(request: FastifyRequest): App {
  const app = apps.get(request.server.server);
  if (!app) throw new Error("bindSessions(fastify, app) was not called for this server");
  return app;
}

const unsafeMethods = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Our cookies hold base64url tokens only, so reading one needs no general cookie parser. */
export function cookieToken(request: FastifyRequest, kind: SessionSubject["kind"]): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  const name = sessionCookies[kind];
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      if (/^[A-Za-z0-9_-]{1,100}$/.test(value)) return value;
    }
  }
  return undefined;
}

function sessionToken(request: FastifyRequest, kind: SessionSubject["kind"]): string {
  const token = cookieToken(request, kind);
  if (token === undefined) throw new ServerError("unauthenticated");
  return token;
}

function checkCsrf(request: FastifyRequest, session: Session): void {
  if (unsafeMethods.has(request.method)) {
    const given = request.headers["x-csrf-token"];
    if (!csrfTokenMatches(session, typeof given === "string" ? given : undefined)) {
      throw new ServerError("csrf");
    }
  }
}

/**
 * The signed-in member, or 401 `unauthenticated` / 403 `csrf`. While the member still has to
 * replace a temporary password, only routes that pass `allowPasswordChange` answer; the rest
 * refuse with 403 `password_change_required`. The session and the member's user are one statement.
 */
export async function requireMember(
  request: FastifyRequest,
  options: GuardOptions & { allowPasswordChange?: boolean } = {},
): Promise<MemberAuth> {
  const app = appOf(request);
  const found = await findMemberSession(app.db, sessionToken(request, "member"), app.bank.clock.now(), {
    touch: options.touch ?? true,
  });
  if (!found) throw new ServerError("unauthenticated");
  const { session, user } = found;
  checkCsrf(request, session);
  if (session.kind !== "member") throw new ServerError("unauthenticated");
  if (!user) throw new ServerError("unauthenticated");
  if (user.mustChangePassword && !options.allowPasswordChange) {
    throw new ServerError("password_change_required");
  }
  return {
    cooperativeId: session.cooperativeId,
    memberId: session.memberId,
    userId: user.userId,
    sessionId: session.sessionId,
    mustChangePassword: user.mustChangePassword,
    enrolledAt: user.enrolledAt,
    previousLoginAt: user.previousLoginAt,
    session,
  };
}

/** The signed-in teller, or 401 `unauthenticated` / 403 `csrf`. */
export async function requireTeller(
  request: FastifyRequest,
  options: GuardOptions = {},
): Promise<TellerAuth> {
  const app = appOf(request);
  const session = await findSession(app.db, sessionToken(request, "teller"), "teller", app.bank.clock.now(), {
    touch: options.touch ?? true,
  });
  if (!session) throw new ServerError("unauthenticated");
  checkCsrf(request, session);
  if (session.kind !== "teller") throw new ServerError("unauthenticated");
  return {
    cooperativeId: session.cooperativeId,
    branchId: session.branchId,
    tellerId: session.tellerId,
    sessionId: session.sessionId,
    session,
  };
}

/** HttpOnly, SameSite=Strict, whole site; Secure when the public URL is https. No Max-Age: the
 * browser forgets it on close, and the server's idle and absolute limits apply regardless. */
function cookie(app: App, name: string, value: string, clear: boolean): string {
  const secure = app.config.publicUrl?.startsWith("https:") ?? false;
  return [
    `${name}=${value}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Strict",
    ...(secure ? ["Secure"] : []),
    ...(clear ? ["Max-Age=0", "Expires=Thu, 01 Jan 1970 00:00:00 GMT"] : []),
  ].join("; ");
}

/**
 * Signs in: a new session (any earlier one of the same kind from this browser ends, so a
 * planted cookie is never promoted) and its cookie. Returns what the login answer carries.
 */
export async function startSession(
  request: FastifyRequest,
  reply: FastifyReply,
  subject: SessionSubject,
): Promise<{ csrfToken: string; expiresAt: Date; session: Session }> {
  const app = appOf(request);
  const earlier = cookieToken(request, subject.kind);
  if (earlier !== undefined) await deleteSession(app.db, earlier);
  const created = await createSession(app.db, subject, app.bank.clock.now());
  reply.header("set-cookie", cookie(app, sessionCookies[subject.kind], created.token, false));
  return {
    csrfToken: created.csrfToken,
    expiresAt: sessionExpiresAt(created.session),
    session: created.session,
  };
}

/** Signs out: the row goes, and the cookie with it. Safe to call without a session. */
export async function endSession(
  request: FastifyRequest,
  reply: FastifyReply,
  kind: SessionSubject["kind"],
): Promise<void> {
  const app = appOf(request);
  const token = cookieToken(request, kind);
  if (token !== undefined) await deleteSession(app.db, token);
  reply.header("set-cookie", cookie(app, sessionCookies[kind], "", true));
}
