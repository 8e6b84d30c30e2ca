// Tellers and their login: a cooperative's staff member at a branch, with an ID of their own and a
// scrypt password; five wrong passwords in a row lock the login (as for members, DESIGN.md §3).
import type { Db, Queryable } from "../db/db.ts";
import { isUniqueViolation } from "../db/db.ts";
import { assertLoginPassword } from "./password-rules.ts";
import { TellerError } from "./teller-errors.ts";
import { countUnknownIdFailure, unknownIdFailuresSql, unknownIdHash } from "./unknown-login-ids.ts";
import { hashPassword, passwordMatches } from "./users.ts";

export const tellerLoginFailuresMax = 5;
export const tellerRoles = ["teller", "manager"] as const;
export type TellerRole = (typeof tellerRoles)[number];
const tellerIdPattern = /^[A-Za-z0-9]{4,20}$/;

export interface Teller {
  cooperativeId: number;
  branchId: number;
  tellerId: string;
  name: string;
  /** A manager (책임자) approves a colleague's request that needs two people (src/branch/approvals.ts). */
  role: TellerRole;
  cooperative: { code: string; name: string };
  branch: { code: string; name: string };
}

interface TellerRow {
  cooperative_id: number;
  branch_id: number;
  teller_id: string;
  name: string;
  role: TellerRole;
  password_hash: string;
  failed_logins: number;
  last_login_at: Date | null;
  cooperative_code: string;
  cooperative_name: string;
  branch_code: string;
  branch_name: string;
}

const selectTeller = `SELECT t.cooperative_id, t.branch_id, t.teller_id, t.name, t.role, t.password_hash, t.failed_logins, t.last_login_at,
    c.code AS cooperative_code, c.name AS cooperative_name, b.code AS branch_code, b.name AS branch_name
  FROM tellers t
  JOIN cooperatives c ON c.id = t.cooperative_id
  JOIN branches b ON b.cooperative_id = t.cooperative_id AND b.id = t.branch_id`;

function toTeller(r: TellerRow): Teller {
  return {
    cooperativeId: r.cooperative_id,
    branchId: r.branch_id,
    tellerId: r.teller_id,
    name: r.name,
    role: r.role,
    cooperative: { code: r.cooperative_code, name: r.cooperative_name },
    branch: { code: r.branch_code, name: r.branch_name },
  };
}

export async function createTeller(
  db: Queryable,
  options: {
    cooperativeId: number;
    branchId: number;
    tellerId: string;
    name: string;
    password: string;
    role?: TellerRole;
    at: Date;
  },
): Promise<void> {
  if (!tellerIdPattern.test(options.tellerId)) throw new TellerError("bad_teller_id");
  // A teller's password follows the members' rules (DESIGN.md §3): the console reaches members' data.
  assertLoginPassword(options.password, options.tellerId);
  try {
    await db.query(
      `INSERT INTO tellers (cooperative_id, teller_id, teller_id_key, branch_id, name, password_hash, created_at, role)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        options.cooperativeId,
        options.tellerId,
        options.tellerId.toLowerCase(),
        options.branchId,
        options.name,
        await hashPassword(options.password),
        options.at,
        options.role ?? "teller",
      ],
    );
  } catch (e) {
    if (isUniqueViolation(e)) throw new TellerError("teller_id_taken");
    throw e;
  }
}

/** A branch of the cooperative by its code, as the staff know it (e.g. 001, the head office). */
export async function branchIdByCode(db: Queryable, cooperativeId: number, code: string): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    "SELECT id FROM branches WHERE cooperative_id = $1 AND code = $2",
    [cooperativeId, code],
  );
  if (!rows[0]) throw new TellerError("branch_not_found");
  return rows[0].id;
}

export interface TellerListing extends Teller {
  locked: boolean;
  lastLoginAt: Date | null;
}

/** The tellers of one cooperative, or of all, by cooperative and ID: what an administrator reviews. */
export async function listTellers(db: Queryable, cooperativeId?: number): Promise<TellerListing[]> {
  const { rows } = await db.query<TellerRow>(
    `${selectTeller}
      WHERE $1::int IS NULL OR t.cooperative_id = $1 ORDER BY c.code, t.teller_id_key`,
    [cooperativeId ?? null],
  );
  return rows.map((r) => ({
    ...toTeller(r),
    locked: r.failed_logins >= tellerLoginFailuresMax,
    lastLoginAt: r.last_login_at,
  }));
}

/** The teller with this ID in this cooperative (a session names both), or undefined. */
export async function getTeller(
  db: Queryable,
  cooperativeId: number,
  tellerId: string,
): Promise<Teller | undefined> {
  const { rows } = await db.query<TellerRow>(
    `${selectTeller} WHERE t.cooperative_id = $1 AND t.teller_id = $2`,
    [cooperativeId, tellerId],
  );
  return rows[0] && toTeller(rows[0]);
}

/** What a login attempt came to, for the caller's audit entry (written in the same transaction). */
export type TellerLoginOutcome =
  | { ok: true; teller: Teller }
  | { ok: false; teller: Teller | undefined; locked: boolean; remaining: number };

/**
 * Checks a teller's ID and password. The password is checked outside any transaction (scrypt
 * takes a while, and PGlite runs one transaction at a time); the count is then moved in one
 * statement, so that concurrent wrong tries all count. `record` runs in that transaction. An
 * unknown ID answers as a known one with a wrong password does, step for step (tries left, the
 * lock at the fifth, the scrypt work); its count is kept under a keyed hash of the ID, derived
 * from `rrnIndexKey` (unknown-login-ids.ts).
 */
export async function authenticateTeller(
  db: Db,
  input: { tellerId: string; password: string; at: Date; rrnIndexKey: Uint8Array },
  record: (tx: Queryable, outcome: TellerLoginOutcome) => Promise<void> = async () => {},
): Promise<Teller> {
  const key = input.tellerId.toLowerCase();
  const idHash = unknownIdHash(input.rrnIndexKey, "teller", input.tellerId);
  // One statement whether the ID exists or not.
  const { rows } = await db.query<TellerRow & { unknown_failures: number | null }>(
    `SELECT t.*, ${unknownIdFailuresSql("$2", "$3")} AS unknown_failures
       FROM (SELECT 1) AS one LEFT JOIN (${selectTeller} WHERE t.teller_id_key = $1) AS t ON true`,
    [key, idHash, input.at],
  );
  const found = rows[0]!;
  const row = tellerIdPattern.test(input.tellerId) && found.teller_id !== null ? found : undefined;
  if (!row) {
    const unknown = async (locked: boolean, remaining: number) => {
      await db.transaction((tx) => record(tx, { ok: false, teller: undefined, locked, remaining }));
      if (locked) throw new TellerError("teller_locked");
      throw new TellerError("teller_bad_credentials", { remaining });
    };
    if ((found.unknown_failures ?? 0) >= tellerLoginFailuresMax) return unknown(true, 0);
    // The same work as for a known teller, so the time taken does not tell which IDs exist.
    dummyHash ??= await hashPassword("not a password");
    await passwordMatches(input.password, dummyHash);
    const failures = await db.transaction((tx) =>
      countUnknownIdFailure(tx, idHash, input.at, tellerLoginFailuresMax),
    );
    return unknown(failures >= tellerLoginFailuresMax, Math.max(0, tellerLoginFailuresMax - failures));
  }
  const teller = toTeller(row);
  if (row.failed_logins >= tellerLoginFailuresMax) {
    await db.transaction((tx) => record(tx, { ok: false, teller, locked: true, remaining: 0 }));
    throw new TellerError("teller_locked");
  }
  const matches = await passwordMatches(input.password, row.password_hash);
  const outcome = await db.transaction(async (tx): Promise<TellerLoginOutcome> => {
    if (matches) {
      // A lock that landed while the password was being checked still holds.
      const r = await tx.query(
        `UPDATE tellers SET failed_logins = 0, last_login_at = $3
          WHERE cooperative_id = $1 AND teller_id = $2 AND failed_logins < $4`,
        [row.cooperative_id, row.teller_id, input.at, tellerLoginFailuresMax],
      );
      const o: TellerLoginOutcome =
        r.rowCount > 0 ? { ok: true, teller } : { ok: false, teller, locked: true, remaining: 0 };
      await record(tx, o);
      return o;
    }
    const { rows: after } = await tx.query<{ failed_logins: number }>(
      `UPDATE tellers SET failed_logins = failed_logins + 1,
          locked_at = CASE WHEN failed_logins + 1 >= $4 THEN $3 ELSE locked_at END
        WHERE cooperative_id = $1 AND teller_id = $2 RETURNING failed_logins`,
      [row.cooperative_id, row.teller_id, input.at, tellerLoginFailuresMax],
    );
    const failures = after[0]?.failed_logins ?? tellerLoginFailuresMax;
    const o: TellerLoginOutcome = {
      ok: false,
      teller,
      locked: failures >= tellerLoginFailuresMax,
      remaining: Math.max(0, tellerLoginFailuresMax - failures),
    };
    await record(tx, o);
    return o;
  });
  if (outcome.ok) return outcome.teller;
  if (outcome.locked) throw new TellerError("teller_locked");
  throw new TellerError("teller_bad_credentials", { remaining: outcome.remaining });
}

let dummyHash: string | undefined;

/** An administrator opens a locked teller login (after checking who asks). */
export async function unlockTeller(db: Queryable, cooperativeId: number, tellerId: string): Promise<boolean> {
  const r = await db.query(
    "UPDATE tellers SET failed_logins = 0, locked_at = NULL WHERE cooperative_id = $1 AND teller_id_key = $2",
    [cooperativeId, tellerId.toLowerCase()],
  );
  return r.rowCount > 0;
}
