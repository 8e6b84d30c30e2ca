// Internet banking login and password change (DESIGN.md §3): five wrong passwords in a row lock
// the login until a teller unlocks it (an unknown ID answers alike); a temporary password from the
// branch must be replaced within 3 business days of enrolment, else the enrolment lapses; each
// login records the one before it, for the home page's "last login" line.
import type { Queryable } from "../db/db.ts";
import { enrolmentDeadline } from "./business-days.ts";
import { AuthError } from "./errors.ts";
import { checkLoginPassword, type LoginPasswordViolation } from "./password-rules.ts";
import { countUnknownIdFailure, unknownIdFailuresSql, unknownIdHash } from "./unknown-login-ids.ts";
import { hashPassword, passwordMatches } from "./users.ts";

export const loginFailuresMax = 5;

/** What auth needs of the application: the database, the (movable) clock and the keys. */
export interface AuthContext {
  db: Queryable & { transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> };
  clock: { now(): Date };
  /** The personal-data index key, from which the key of unknown IDs' counters is derived. */
  rrnKeys: { index: Uint8Array };
}

export interface MemberRef {
  cooperativeId: number;
  memberId: bigint;
}

export interface LoggedIn extends MemberRef {
  userId: string;
  name: string;
  mustChangePassword: boolean;
  /** The login before this one, or null on the first. */
  previousLoginAt: Date | null;
}

/** Side effects that belong in the same transaction as the change (notifications). */
export interface LoginHooks {
  onLocked?(tx: Queryable, who: MemberRef & { at: Date }): Promise<void>;
}

interface UserRow {
  cooperative_id: number;
  member_id: bigint;
  user_id: string;
  password_hash: string;
  must_change_password: boolean;
  failed_logins: number;
  enrolled_at: Date;
  real_name: string;
}

/** The user, all nulls when the ID is unknown, and the count kept for the ID as an unknown one. */
type LookedUp = { [K in keyof UserRow]: UserRow[K] | null } & { unknown_failures: number | null };

// Compared against when the user ID is unknown, so that a wrong ID costs the same time as a
// wrong password and the answer's timing does not tell which IDs exist.
let dummyHash: Promise<string> | undefined;

/**
 * Checks the user ID and password. An unknown ID answers as a known one with a wrong password
 * does, step for step: the same refusals with the same tries left, the same lock at the fifth
 * (then without the password check, as a locked user), the same scrypt work before the count;
 * its count is kept under a keyed hash of the ID (unknown-login-ids.ts).
 */
export async function login(
  ctx: AuthContext,
  input: { userId: string; password: string },
  hooks: LoginHooks = {},
): Promise<LoggedIn> {
  const now = ctx.clock.now();
  const idHash = unknownIdHash(ctx.rrnKeys.index, "member", input.userId);
  // One statement whether the ID exists or not.
  const { rows } = await ctx.db.query<LookedUp>(
    `SELECT u.cooperative_id, u.member_id, u.user_id, u.password_hash, u.must_change_password, u.failed_logins,
            u.enrolled_at, u.real_name, ${unknownIdFailuresSql("$2", "$3")} AS unknown_failures
     FROM (SELECT 1) AS one LEFT JOIN (
       SELECT u.*, m.real_name FROM users u
       JOIN members m ON m.cooperative_id = u.cooperative_id AND m.id = u.member_id
       WHERE u.user_id_key = $1) AS u ON true`,
    [input.userId.toLowerCase(), idHash, now],
  );
  const found = rows[0]!;
  if (found.user_id === null) {
    if ((found.unknown_failures ?? 0) >= loginFailuresMax) throw new AuthError("login_locked");
    dummyHash ??= hashPassword("not a password of anyone");
    await passwordMatches(input.password, await dummyHash);
    // In a transaction, as a known user's count is, so that the two take the same round trips.
    const failures = await ctx.db.transaction((tx) =>
      countUnknownIdFailure(tx, idHash, now, loginFailuresMax),
    );
    if (failures >= loginFailuresMax) throw new AuthError("login_locked");
    throw new AuthError("bad_credentials", { remaining: loginFailuresMax - failures });
  }
  // A row with a user ID came from the join: every column of it is set.
  const user = found as UserRow;
  if (user.failed_logins >= loginFailuresMax) throw new AuthError("login_locked");
  const who = { cooperativeId: user.cooperative_id, memberId: user.member_id };

  if (!(await passwordMatches(input.password, user.password_hash))) {
    // Counted in one statement, so that guesses sent at once each count; the fifth locks.
    const failures = await ctx.db.transaction(async (tx) => {
      const r = await tx.query<{ failed_logins: number }>(
        `UPDATE users SET failed_logins = failed_logins + 1,
           locked_at = CASE WHEN failed_logins + 1 >= $3 THEN $4 ELSE locked_at END
         WHERE cooperative_id = $1 AND member_id = $2 AND failed_logins < $3 RETURNING failed_logins`,
        [who.cooperativeId, who.memberId, loginFailuresMax, now],
      );
      const n = r.rows[0]?.failed_logins ?? loginFailuresMax;
      if (r.rows[0] && n >= loginFailuresMax) await hooks.onLocked?.(tx, { ...who, at: now });
      return n;
    });
    if (failures >= loginFailuresMax) throw new AuthError("login_locked");
    throw new AuthError("bad_credentials", { remaining: loginFailuresMax - failures });
  }

  // Only someone who knows the password learns that the enrolment lapsed.
  if (user.must_change_password && now >= enrolmentDeadline(user.enrolled_at)) {
    throw new AuthError("enrolment_lapsed");
  }
  // A lock that landed while the password was being checked still wins.
  return recordLogin(ctx.db, who, user, now, { clearFailures: true });
}

/**
 * Records a login that passed its checks (this one is now the last, the one before it the
 * previous) and gives what the login answers; login_locked when a lock landed meanwhile. With
 * `clearFailures`, the count of wrong passwords starts again (a right password ends the run).
 */
export async function recordLogin(
  db: Queryable,
  who: MemberRef,
  user: Pick<UserRow, "user_id" | "real_name" | "must_change_password">,
  now: Date,
  options: { clearFailures: boolean },
): Promise<LoggedIn> {
  const { rows: done } = await db.query<{ previous_login_at: Date | null }>(
    `UPDATE users SET ${options.clearFailures ? "failed_logins = 0, " : ""}previous_login_at = last_login_at, last_login_at = $3
     WHERE cooperative_id = $1 AND member_id = $2 AND failed_logins < $4 RETURNING previous_login_at`,
    [who.cooperativeId, who.memberId, now, loginFailuresMax],
  );
  if (!done[0]) throw new AuthError("login_locked");
  return {
    ...who,
    userId: user.user_id,
    name: user.real_name,
    mustChangePassword: user.must_change_password,
    previousLoginAt: done[0].previous_login_at,
  };
}

export interface PasswordHooks {
  onChanged?(tx: Queryable, who: MemberRef & { at: Date }): Promise<void>;
}

/**
 * Replaces the password (the temporary one on the first login: online user registration). The
 * new one must follow the rules and differ from the current one.
 */
export async function changePassword(
  ctx: AuthContext,
  input: MemberRef & { currentPassword: string; newPassword: string },
  hooks: PasswordHooks = {},
): Promise<void> {
  const { rows } = await ctx.db.query<{ user_id: string; password_hash: string }>(
    "SELECT user_id, password_hash FROM users WHERE cooperative_id = $1 AND member_id = $2",
    [input.cooperativeId, input.memberId],
  );
  const user = rows[0];
  if (!user) throw new AuthError("bad_credentials");
  if (!(await passwordMatches(input.currentPassword, user.password_hash))) {
    throw new AuthError("current_password_wrong");
  }
  const rules: LoginPasswordViolation[] = checkLoginPassword(input.newPassword, user.user_id);
  if (input.newPassword === input.currentPassword) rules.push("same_as_current");
  if (rules.length > 0) throw new AuthError("weak_password", { rules });
  const hash = await hashPassword(input.newPassword);
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    await tx.query(
      `UPDATE users SET password_hash = $3, must_change_password = false, password_changed_at = $4
       WHERE cooperative_id = $1 AND member_id = $2`,
      [input.cooperativeId, input.memberId, hash, now],
    );
    await hooks.onChanged?.(tx, { cooperativeId: input.cooperativeId, memberId: input.memberId, at: now });
  });
}
