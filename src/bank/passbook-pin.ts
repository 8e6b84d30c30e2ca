// The 4-digit passbook PIN: kept as HMAC-SHA-256 of (cooperative, account, PIN) under the PIN key,
// compared and counted in one statement; five wrong in a row lock it until a teller resets it.
import { createHmac, scrypt, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";
import type { Queryable } from "../db/db.ts";
import type { BankContext } from "./context.ts";
import { BankError } from "./errors.ts";

export const pinFailuresMax = 5;

/**
 * Why a keyed MAC and no slow hash: a PIN has 10,000 values, which any hash the server can afford
 * per transfer gives up in minutes once the database leaks; the PIN key lives apart from the
 * database (GEUMGO_PIN_KEY), and without it a stored MAC says nothing. Binding the account in makes
 * one PIN on two accounts two different MACs, and a MAC copied onto another row useless.
 */
export function pinMac(
  pinKey: Uint8Array,
  cooperativeId: number,
  accountId: bigint,
  pin: string,
): Uint8Array {
  return new Uint8Array(
    createHmac("sha256", pinKey)
      .update(`geumgo-pin-v1\0${cooperativeId}\0${accountId}\0${pin}`, "utf8")
      .digest(),
  );
}

export function assertPinShape(pin: string): void {
  if (!/^\d{4}$/.test(pin)) throw new BankError("pin_wrong");
}

/** What one judged try came to: the PIN was right (the count is 0 again), or the misses so far. */
type Judged = { ok: true } | { ok: false; failures: number };

function outcome(judged: Judged): void {
  if (judged.ok) return;
  if (judged.failures >= pinFailuresMax) throw new BankError("pin_locked");
  // The count the judging statement wrote: the member's screen shows it ("5회 중 2회 오류").
  throw new BankError("pin_wrong", { remaining: pinFailuresMax - judged.failures, max: pinFailuresMax });
}

/**
 * Checks the passbook PIN. A miss counts and the fifth in a row locks the PIN; a match clears the
 * count. The comparison and the count are one statement on the account's row, so tries in flight
 * together are judged one after another: no more than five misses are ever judged, and a right PIN
 * is never refused because other tries were in flight beside it.
 */
export async function verifyPin(
  ctx: BankContext,
  cooperativeId: number,
  accountId: bigint,
  pin: string,
  /** Where the try is counted: the pool (a commit of its own), or a caller's transaction that commits even when the PIN is refused. */
  db: Queryable = ctx.db,
): Promise<void> {
  const mac = pinMac(ctx.pinKey, cooperativeId, accountId, pin);
  // `pin_mac = $3` is no constant-time comparison, and needs none: the MAC is keyed, so how many
  // leading bytes of a guess's MAC match the stored one tells nothing of the PIN without the key.
  const { rows } = await db.query<{ ok: boolean; pin_failures: number }>(
    `UPDATE accounts
        SET pin_failures = CASE WHEN pin_mac = $3 THEN 0 ELSE pin_failures + 1 END
      WHERE cooperative_id = $1 AND id = $2 AND pin_mac IS NOT NULL AND pin_failures < $4
      RETURNING pin_mac = $3 AS ok, pin_failures`,
    [cooperativeId, accountId, mac, pinFailuresMax],
  );
  const row = rows[0];
  if (row) return outcome(row.ok ? { ok: true } : { ok: false, failures: row.pin_failures });
  return verifyUnjudged(ctx, db, cooperativeId, accountId, pin, mac);
}

/**
 * The statement above judged nothing: the account is locked, not there, or its PIN still in the
 * scrypt form of before migration 0021 (or it has none: the cooperative's own accounts).
 */
async function verifyUnjudged(
  ctx: BankContext,
  db: Queryable,
  cooperativeId: number,
  accountId: bigint,
  pin: string,
  mac: Uint8Array,
): Promise<void> {
  const { rows } = await db.query<{ has_mac: boolean; pin_hash: string | null; pin_failures: number }>(
    `SELECT pin_mac IS NOT NULL AS has_mac, pin_hash, pin_failures FROM accounts
      WHERE cooperative_id = $1 AND id = $2`,
    [cooperativeId, accountId],
  );
  const row = rows[0];
  if (!row) throw new BankError("account_not_found");
  if (row.pin_failures >= pinFailuresMax) throw new BankError("pin_locked");
  // A try beside this one moved the PIN to the new form (or a teller set it) since the statement.
  if (row.has_mac) return verifyPin(ctx, cooperativeId, accountId, pin, db);
  const judged = await judgeLegacy(db, { cooperativeId, accountId, pin, mac, stored: row.pin_hash });
  // The row changed between the look and the write: judge the try again on what is there now.
  if (judged === undefined) return verifyPin(ctx, cooperativeId, accountId, pin, db);
  return outcome(judged);
}

/**
 * A PIN still in the old form (scrypt, N = 2^14: migration 0021 cannot compute the MAC, as the key
 * is not in the database). scrypt runs on the thread pool, outside any statement; the answer then
 * counts only if one guarded write records it on the row as it was read: a right PIN replaces the
 * hash by the MAC and clears the count, a wrong one adds a miss, and neither happens once five
 * misses are recorded. So an answer is given for no more than five misses here either. Undefined
 * when the row changed meanwhile. This path goes once every account has had a right PIN or a reset.
 */
async function judgeLegacy(
  db: Queryable,
  t: { cooperativeId: number; accountId: bigint; pin: string; mac: Uint8Array; stored: string | null },
): Promise<Judged | undefined> {
  const matches = t.stored !== null && /^\d{4}$/.test(t.pin) && (await scryptPinMatches(t.pin, t.stored));
  const guard = "cooperative_id = $1 AND id = $2 AND pin_mac IS NULL AND pin_hash IS NOT DISTINCT FROM $3";
  if (matches) {
    const r = await db.query(
      `UPDATE accounts SET pin_mac = $4, pin_hash = NULL, pin_failures = 0
        WHERE ${guard} AND pin_failures < $5`,
      [t.cooperativeId, t.accountId, t.stored, t.mac, pinFailuresMax],
    );
    return r.rowCount === 0 ? undefined : { ok: true };
  }
  const { rows } = await db.query<{ pin_failures: number }>(
    `UPDATE accounts SET pin_failures = pin_failures + 1
      WHERE ${guard} AND pin_failures < $4 RETURNING pin_failures`,
    [t.cooperativeId, t.accountId, t.stored, pinFailuresMax],
  );
  return rows[0] ? { ok: false, failures: rows[0].pin_failures } : undefined;
}

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number },
) => Promise<Buffer>;

/** The old form, `scrypt$<salt>$<hash>` in base64, read and never written. */
async function scryptPinMatches(pin: string, stored: string): Promise<boolean> {
  const [scheme, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64");
  return timingSafeEqual(
    await scryptAsync(pin, Buffer.from(salt, "base64"), expected.length, { N: 2 ** 14 }),
    expected,
  );
}

/** A teller sets a new PIN (the member present with the passbook) and clears the lock. */
export async function resetPin(
  ctx: BankContext,
  cooperativeId: number,
  accountId: bigint,
  pin: string,
): Promise<void> {
  assertPinShape(pin);
  const r = await ctx.db.query(
    `UPDATE accounts SET pin_mac = $3, pin_hash = NULL, pin_failures = 0
      WHERE cooperative_id = $1 AND id = $2`,
    [cooperativeId, accountId, pinMac(ctx.pinKey, cooperativeId, accountId, pin)],
  );
  if (r.rowCount === 0) throw new BankError("account_not_found");
}
