// Wrong passwords at login IDs that do not exist, counted as a real user's are (DESIGN.md §3), so
// that a member's or teller's login answers the same tries left and the same lock whether the ID
// exists or not. Rows are keyed by an HMAC of the lower-cased ID; no typed ID is stored.
import { createHmac, hkdfSync } from "node:crypto";
import type { Queryable } from "../db/db.ts";

export type LoginKind = "member" | "teller";

/**
 * How long a count outlives its last wrong try. A real ID's count and lock last until a good
 * password or a branch clears them; keeping every ID ever guessed for ever would let anyone fill
 * the table, so an unknown ID's lapses after 90 quiet days: only a probe that waits that long
 * between tries can tell the two apart.
 */
export const unknownIdRetentionMs = 90 * 86_400_000;

const keys = new WeakMap<Uint8Array, Buffer>();

/**
 * The counter's key, derived (HKDF-SHA-256, its own info label) from the personal-data index key
 * (`rrnKeys.index`, GEUMGO_RRN_INDEX_KEY): there is no new key to configure, and the derived key
 * cannot be turned back into the index key nor collide with its HMACs of registration numbers.
 */
function counterKey(indexKey: Uint8Array): Buffer {
  let key = keys.get(indexKey);
  if (!key) {
    key = Buffer.from(
      hkdfSync("sha256", indexKey, Buffer.alloc(0), "geumgo unknown login id counter v1", 32),
    );
    keys.set(indexKey, key);
  }
  return key;
}

/** The row key of a login ID: HMAC-SHA-256 of the kind and the normalised (lower-cased) ID. */
export function unknownIdHash(indexKey: Uint8Array, kind: LoginKind, loginId: string): Buffer {
  return createHmac("sha256", counterKey(indexKey))
    .update(`${kind}\u0000${loginId.toLowerCase()}`, "utf8")
    .digest();
}

/**
 * The failures counted against an ID, as a scalar subquery over parameters `$hash` and `$now`, so
 * that the look-up of the user and of its counter is one statement whichever way it goes.
 */
export function unknownIdFailuresSql(hashParam: string, nowParam: string): string {
  return `(SELECT f.failures FROM unknown_login_ids f WHERE f.id_hash = ${hashParam} AND f.expires_at > ${nowParam})`;
}

/**
 * Counts one wrong try at an unknown ID, in one statement as a real user's is: returns the
 * failures so far, or `max` when the ID was already locked (the count stops there, as it does
 * for a real user, and so does the lapse: a lock lapses 90 days after it landed).
 */
export async function countUnknownIdFailure(
  db: Queryable,
  idHash: Buffer,
  at: Date,
  max: number,
): Promise<number> {
  const { rows } = await db.query<{ failures: number }>(
    `INSERT INTO unknown_login_ids AS f (id_hash, failures, expires_at) VALUES ($1, 1, $3)
     ON CONFLICT (id_hash) DO UPDATE SET
       failures = CASE WHEN f.expires_at <= $2 THEN 1 ELSE f.failures + 1 END,
       expires_at = EXCLUDED.expires_at
     WHERE f.failures < $4 OR f.expires_at <= $2
     RETURNING failures`,
    [idHash, at, new Date(at.getTime() + unknownIdRetentionMs), max],
  );
  return rows[0]?.failures ?? max;
}

/**
 * A login ID that stops existing (internet banking ended) keeps, as an unknown ID, the wrong tries
 * it had: its login then answers the same tries left and the same lock as before, and does not tell
 * that the ID was removed.
 */
export async function carryOverFailures(
  db: Queryable,
  idHash: Buffer,
  failures: number,
  at: Date,
): Promise<void> {
  if (failures <= 0) return;
  await db.query(
    `INSERT INTO unknown_login_ids AS f (id_hash, failures, expires_at) VALUES ($1, $2, $3)
     ON CONFLICT (id_hash) DO UPDATE SET failures = GREATEST(f.failures, EXCLUDED.failures), expires_at = EXCLUDED.expires_at`,
    [idHash, failures, new Date(at.getTime() + unknownIdRetentionMs)],
  );
}

/** Sweeps lapsed counts (the scheduler's job, src/server/jobs.ts). */
export async function purgeUnknownLoginIds(db: Queryable, now: Date): Promise<number> {
  return (await db.query("DELETE FROM unknown_login_ids WHERE expires_at <= $1", [now])).rowCount;
}
