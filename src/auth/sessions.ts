// Sessions in the database, so that any number of server processes share them: a random token
// in the browser's cookie, its SHA-256 in the table, a CSRF token beside it, an idle timeout of
// 10 minutes and an absolute end after 12 hours. Members and tellers both sign in through here.
// A use is written at most once a minute, so a session dies 9 to 10 minutes after its last use.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Queryable } from "../db/db.ts";

export const sessionIdleMs = 10 * 60_000;
export const sessionLifetimeMs = 12 * 3_600_000;
/**
 * A use restarts the idle timer in the table only when the last one written is at least this old:
 * a commit per request was most of what a request cost. The timer is judged from the use written,
 * so a session never outlives 10 minutes of idleness; it may end up to this much sooner.
 */
export const sessionTouchGrainMs = 60_000;

export type SessionSubject =
  | { kind: "member"; cooperativeId: number; memberId: bigint }
  | { kind: "teller"; cooperativeId: number; branchId: number; tellerId: string };

export type Session = SessionSubject & {
  /** Hex of the token's hash: safe to log, useless to replay. */
  sessionId: string;
  csrfToken: string;
  createdAt: Date;
  lastSeenAt: Date;
  endsAt: Date;
};

export interface NewSession {
  /** Goes into the cookie and nowhere else. */
  token: string;
  csrfToken: string;
  session: Session;
}

interface SessionRow {
  id_hash: Uint8Array;
  kind: "member" | "teller";
  cooperative_id: number;
  member_id: bigint | null;
  teller_id: string | null;
  branch_id: number | null;
  csrf_token: string;
  created_at: Date;
  last_seen_at: Date;
  ends_at: Date;
}

const columns =
  "id_hash, kind, cooperative_id, member_id, teller_id, branch_id, csrf_token, created_at, last_seen_at, ends_at";

function hashToken(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

function toSession(r: SessionRow): Session {
  const common = {
    sessionId: Buffer.from(r.id_hash).toString("hex"),
    csrfToken: r.csrf_token,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    endsAt: r.ends_at,
  };
  return r.kind === "member"
    ? { kind: "member", cooperativeId: r.cooperative_id, memberId: r.member_id!, ...common }
    : {
        kind: "teller",
        cooperativeId: r.cooperative_id,
        branchId: r.branch_id!,
        tellerId: r.teller_id!,
        ...common,
      };
}

/** When the session dies unless used again: idle timeout or absolute end, whichever is first. */
export function sessionExpiresAt(s: { lastSeenAt: Date; endsAt: Date }): Date {
  return new Date(Math.min(s.lastSeenAt.getTime() + sessionIdleMs, s.endsAt.getTime()));
}

export async function createSession(db: Queryable, subject: SessionSubject, now: Date): Promise<NewSession> {
  const token = randomBytes(32).toString("base64url");
  const csrfToken = randomBytes(32).toString("base64url");
  const { rows } = await db.query<SessionRow>(
    `INSERT INTO sessions (id_hash, kind, cooperative_id, member_id, teller_id, branch_id, csrf_token, created_at, last_seen_at, ends_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9) RETURNING ${columns}`,
    [
      hashToken(token),
      subject.kind,
      subject.cooperativeId,
      subject.kind === "member" ? subject.memberId : null,
      subject.kind === "teller" ? subject.tellerId : null,
      subject.kind === "teller" ? subject.branchId : null,
      csrfToken,
      now,
      new Date(now.getTime() + sessionLifetimeMs),
    ],
  );
  return { token, csrfToken, session: toSession(rows[0]!) };
}

/**
 * The live session of this token and kind, or undefined. With `touch`, the use counts: the idle
 * timer starts again (in the same statement, so two processes never disagree on it), written only
 * when the last use written is `sessionTouchGrainMs` old or more, or always with `touch: "exact"`
 * (the extend button, which answers the new end). One statement either way; it commits a write
 * only when it touches.
 */
export async function findSession(
  db: Queryable,
  token: string,
  kind: SessionSubject["kind"],
  now: Date,
  options: { touch: boolean | "exact" },
): Promise<Session | undefined> {
  return (await lookUp(db, token, kind, now, options.touch, false))?.session;
}

/** The member's internet banking user, as a signed-in request needs it. */
export interface SessionUser {
  userId: string;
  mustChangePassword: boolean;
  enrolledAt: Date;
  previousLoginAt: Date | null;
}

/**
 * findSession for a member, with the member's user read in the same statement (each signed-in
 * request needs both); `user` is undefined when the member has none.
 */
export async function findMemberSession(
  db: Queryable,
  token: string,
  now: Date,
  options: { touch: boolean | "exact" },
): Promise<{ session: Session; user: SessionUser | undefined } | undefined> {
  return lookUp(db, token, "member", now, options.touch, true);
}

interface UserColumns {
  u_user_id: string | null;
  u_must_change_password: boolean | null;
  u_enrolled_at: Date | null;
  u_previous_login_at: Date | null;
}

async function lookUp(
  db: Queryable,
  token: string,
  kind: SessionSubject["kind"],
  now: Date,
  touch: boolean | "exact",
  withUser: boolean,
): Promise<{ session: Session; user: SessionUser | undefined } | undefined> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
  const idleSince = new Date(now.getTime() - sessionIdleMs);
  const touchBefore = touch === "exact" ? now : new Date(now.getTime() - sessionTouchGrainMs);
  const found = `found AS (
       SELECT ${columns} FROM sessions WHERE id_hash = $1 AND kind = $2 AND last_seen_at > $4 AND ends_at > $3
     )`;
  const touched = `touched AS (
       UPDATE sessions s SET last_seen_at = $3 FROM found f
        WHERE s.id_hash = f.id_hash AND f.last_seen_at <= $5 AND s.last_seen_at < $3
       RETURNING s.last_seen_at
     )`;
  const user = withUser
    ? `u.user_id AS u_user_id, u.must_change_password AS u_must_change_password,
       u.enrolled_at AS u_enrolled_at, u.previous_login_at AS u_previous_login_at`
    : "NULL AS u_user_id";
  const { rows } = await db.query<SessionRow & UserColumns & { touched_at: Date | null }>(
    `WITH ${touch ? `${found}, ${touched}` : found}
     SELECT found.*, ${touch ? "(SELECT last_seen_at FROM touched)" : "NULL::timestamptz"} AS touched_at, ${user}
       FROM found
       ${withUser ? "LEFT JOIN users u ON u.cooperative_id = found.cooperative_id AND u.member_id = found.member_id" : ""}`,
    touch ? [hashToken(token), kind, now, idleSince, touchBefore] : [hashToken(token), kind, now, idleSince],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    session: toSession({ ...row, last_seen_at: row.touched_at ?? row.last_seen_at }),
    user:
      row.u_user_id === null
        ? undefined
        : {
            userId: row.u_user_id,
            mustChangePassword: row.u_must_change_password!,
            enrolledAt: row.u_enrolled_at!,
            previousLoginAt: row.u_previous_login_at,
          },
  };
}

export function csrfTokenMatches(session: Session, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(session.csrfToken).digest();
  return timingSafeEqual(a, b);
}

export async function endSession(db: Queryable, token: string): Promise<void> {
  await db.query("DELETE FROM sessions WHERE id_hash = $1", [hashToken(token)]);
}

/** Ends every session of a member but `keep` (after a password change, a lock). */
export async function endMemberSessions(
  db: Queryable,
  who: { cooperativeId: number; memberId: bigint },
  keep?: string,
): Promise<void> {
  await db.query(
    "DELETE FROM sessions WHERE cooperative_id = $1 AND member_id = $2 AND ($3::text IS NULL OR encode(id_hash, 'hex') <> $3)",
    [who.cooperativeId, who.memberId, keep ?? null],
  );
}

/** Dead sessions are refused anyway; this only keeps the table small (a scheduled job may call it). */
export async function purgeSessions(db: Queryable, now: Date): Promise<number> {
  const r = await db.query("DELETE FROM sessions WHERE ends_at <= $1 OR last_seen_at <= $2", [
    now,
    new Date(now.getTime() - sessionIdleMs),
  ]);
  return r.rowCount;
}
