// Branch enrolment for internet banking: the user ID the member chooses (6–12 letters
// and digits), a temporary password printed on the 신청확인증 slip, and what a teller does later for
// an enrolled member: a new temporary password, and opening a locked login. Each step runs in the
// caller's transaction, so that the teller's audit entry commits with it. The deadline to replace
// the temporary password online is src/auth/business-days.ts `enrolmentDeadline`.
import { randomInt } from "node:crypto";
import type { Queryable } from "../db/db.ts";
import { isUniqueViolation } from "../db/db.ts";
import { checkLoginPassword } from "./password-rules.ts";
import { TellerError } from "./teller-errors.ts";
import { hashPassword } from "./users.ts";

/** New user IDs (DESIGN.md §3); older, shorter IDs such as the demo's "hong" stay valid for login. */
export const newUserIdPattern = /^[A-Za-z0-9]{6,12}$/;

export function assertNewUserId(userId: string): void {
  if (!newUserIdPattern.test(userId)) throw new TellerError("bad_user_id");
}

// Read aloud or copied from paper: no 0/O/o, 1/l/I, nor 2/Z, 5/S that handwriting-like fonts blur.
const letters = "ABCDEFGHJKLMNPQRTUVWXYabcdefghijkmnpqrstuvwxyz";
const digits = "346789";
const groupLength = 4;

/**
 * A temporary password such as "Kp7m-Rt4w": two groups of four letters and digits joined by a
 * hyphen (the symbol the rules ask for), about 45 bits, and good for a few days behind a
 * five-try lock. Drawn again until it meets the same rules a member's own password must.
 */
export function newTemporaryPasswordText(userId: string): string {
  const alphabet = letters + digits;
  for (;;) {
    const group = () =>
      Array.from({ length: groupLength }, () => alphabet[randomInt(alphabet.length)]).join("");
    const candidate = `${group()}-${group()}`;
    if (checkLoginPassword(candidate, userId).length === 0) return candidate;
  }
}

/** A temporary password and its scrypt hash, made before the transaction (scrypt takes a while). */
export interface TemporaryPassword {
  text: string;
  hash: string;
}

export async function newTemporaryPassword(userId: string): Promise<TemporaryPassword> {
  const text = newTemporaryPasswordText(userId);
  return { text, hash: await hashPassword(text) };
}

export interface Enrolment {
  userId: string;
  temporaryPassword: string;
  enrolledAt: Date;
}

interface UserRow {
  user_id: string;
  failed_logins: number;
  locked_at: Date | null;
}

async function userOf(tx: Queryable, cooperativeId: number, memberId: bigint): Promise<UserRow | undefined> {
  const { rows } = await tx.query<UserRow>(
    "SELECT user_id, failed_logins, locked_at FROM users WHERE cooperative_id = $1 AND member_id = $2 FOR UPDATE",
    [cooperativeId, memberId],
  );
  return rows[0];
}

/**
 * Enrols the member with the user ID of their choice and a temporary password (made for that ID
 * with newTemporaryPassword) that the member must replace online.
 */
export async function enrolMember(
  tx: Queryable,
  input: { cooperativeId: number; memberId: bigint; userId: string; temporary: TemporaryPassword; at: Date },
): Promise<Enrolment> {
  assertNewUserId(input.userId);
  if (await userOf(tx, input.cooperativeId, input.memberId)) throw new TellerError("already_enrolled");
  const taken = await tx.query("SELECT 1 FROM users WHERE user_id_key = $1", [input.userId.toLowerCase()]);
  if (taken.rowCount > 0) throw new TellerError("user_id_taken");
  try {
    await tx.query(
      `INSERT INTO users (cooperative_id, member_id, user_id, user_id_key, password_hash, must_change_password, enrolled_at)
       VALUES ($1, $2, $3, $4, $5, true, $6)`,
      [
        input.cooperativeId,
        input.memberId,
        input.userId,
        input.userId.toLowerCase(),
        input.temporary.hash,
        input.at,
      ],
    );
  } catch (e) {
    // Two desks enrolling at once: the loser learns which rule the winner took.
    if (isUniqueViolation(e, "users_pkey")) throw new TellerError("already_enrolled");
    if (isUniqueViolation(e)) throw new TellerError("user_id_taken");
    throw e;
  }
  // A member enrolled again (after internet banking was ended) starts with no session: one a login
  // created as the end committed, under the old user, must not come back to life with the new one.
  await tx.query("DELETE FROM sessions WHERE kind = 'member' AND cooperative_id = $1 AND member_id = $2", [
    input.cooperativeId,
    input.memberId,
  ]);
  return { userId: input.userId, temporaryPassword: input.temporary.text, enrolledAt: input.at };
}

/** The member's user ID, or undefined when not enrolled. */
export async function enrolledUserId(
  db: Queryable,
  cooperativeId: number,
  memberId: bigint,
): Promise<string | undefined> {
  const { rows } = await db.query<{ user_id: string }>(
    "SELECT user_id FROM users WHERE cooperative_id = $1 AND member_id = $2",
    [cooperativeId, memberId],
  );
  return rows[0]?.user_id;
}

/**
 * A new temporary password for an enrolled member (forgotten, or the enrolment lapsed): the member
 * must change it online again, within the business days counted from now, and the login opens.
 */
export async function resetMemberPassword(
  tx: Queryable,
  input: { cooperativeId: number; memberId: bigint; temporary: TemporaryPassword; at: Date },
): Promise<Enrolment> {
  const { rows } = await tx.query<{ user_id: string }>(
    `UPDATE users SET password_hash = $3, must_change_password = true, enrolled_at = $4, failed_logins = 0,
        locked_at = NULL
      WHERE cooperative_id = $1 AND member_id = $2 RETURNING user_id`,
    [input.cooperativeId, input.memberId, input.temporary.hash, input.at],
  );
  if (!rows[0]) throw new TellerError("not_enrolled");
  return { userId: rows[0].user_id, temporaryPassword: input.temporary.text, enrolledAt: input.at };
}

/** Opens the member's login after wrong passwords; says whether it was locked, or undefined if not enrolled. */
export async function unlockMemberLogin(
  tx: Queryable,
  input: { cooperativeId: number; memberId: bigint; failuresMax: number },
): Promise<{ wasLocked: boolean } | undefined> {
  const user = await userOf(tx, input.cooperativeId, input.memberId);
  if (!user) return undefined;
  await tx.query(
    "UPDATE users SET failed_logins = 0, locked_at = NULL WHERE cooperative_id = $1 AND member_id = $2",
    [input.cooperativeId, input.memberId],
  );
  return { wasLocked: user.locked_at !== null || user.failed_logins >= input.failuresMax };
}
