// Member accounts: opening (numbered per cooperative with a check digit), reading, statuses, and
// the 4-digit passbook PIN, stored as a scrypt hash and locked after 5 misses in a row.
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";
import { isForeignKeyViolation, type Queryable } from "../db/db.ts";
import { cooperativeCodeOf, makeAccountNumber, parseAccountNumber } from "./account-number.ts";
import type { BankContext } from "./context.ts";
import { BankError } from "./errors.ts";
import { findCooperativeByCode } from "./federation.ts";

export type AccountKind = "demand" | "savings" | "fee" | "clearing" | "funding";
export type AccountStatus = "active" | "dormant" | "frozen" | "closed";

export interface Account {
  cooperativeId: number;
  id: bigint;
  number: string;
  memberId: bigint | null;
  kind: AccountKind;
  status: AccountStatus;
  name: string;
  balance: bigint;
  held: bigint;
  /** What can be spent now: balance less holds, plus any overdraft. */
  available: bigint;
  overdraftLimit: bigint;
  openedAt: Date;
}

export const pinFailuresMax = 5;

export interface AccountRow {
  cooperative_id: number;
  id: bigint;
  number: string;
  member_id: bigint | null;
  kind: AccountKind;
  status: AccountStatus;
  name: string;
  balance: bigint;
  held: bigint;
  overdraft_limit: bigint;
  opened_at: Date;
}

export const accountColumns =
  "cooperative_id, id, number, member_id, kind, status, name, balance, held, overdraft_limit, opened_at";

export function toAccount(row: AccountRow): Account {
  return {
    cooperativeId: row.cooperative_id,
    id: row.id,
    number: row.number,
    memberId: row.member_id,
    kind: row.kind,
    status: row.status,
    name: row.name,
    balance: row.balance,
    held: row.held,
    available: row.balance - row.held + row.overdraft_limit,
    overdraftLimit: row.overdraft_limit,
    openedAt: row.opened_at,
  };
}

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number },
) => Promise<Buffer>;
const pinScryptN = 2 ** 14;

// scrypt on the thread pool: a PIN hash takes tens of milliseconds, which on the event loop would
// stall every other request of the process.
async function hashPin(pin: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(pin, salt, 32, { N: pinScryptN });
  return `scrypt$${salt.toString("base64")}$${hash.toString("base64")}`;
}

async function pinMatches(pin: string, stored: string): Promise<boolean> {
  const [scheme, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64");
  return timingSafeEqual(
    await scryptAsync(pin, Buffer.from(salt, "base64"), expected.length, { N: pinScryptN }),
    expected,
  );
}

function assertPinShape(pin: string): void {
  if (!/^\d{4}$/.test(pin)) throw new BankError("pin_wrong");
}

export async function openAccount(
  ctx: BankContext,
  options: {
    cooperativeId: number;
    memberId: bigint;
    kind: "demand" | "savings";
    name?: string;
    pin: string;
    overdraftLimit?: bigint;
  },
  tx?: Queryable,
): Promise<Account> {
  assertPinShape(options.pin);
  const pinHash = await hashPin(options.pin);
  const run = async (q: Queryable) => {
    const coop = await q.query<{ code: string; next_serial: number }>(
      `SELECT c.code, s.next_serial FROM cooperatives c JOIN account_serials s ON s.cooperative_id = c.id
       WHERE c.id = $1 FOR UPDATE OF s`,
      [options.cooperativeId],
    );
    const c = coop.rows[0];
    if (!c) throw new BankError("cooperative_not_found");
    await q.query("UPDATE account_serials SET next_serial = next_serial + 1 WHERE cooperative_id = $1", [
      options.cooperativeId,
    ]);
    const name = options.name ?? (options.kind === "demand" ? "보통예금" : "정기적금");
    try {
      const { rows } = await q.query<AccountRow>(
        `INSERT INTO accounts (cooperative_id, number, member_id, kind, name, overdraft_limit, pin_hash, opened_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${accountColumns}`,
        [
          options.cooperativeId,
          makeAccountNumber(c.code, c.next_serial),
          options.memberId,
          options.kind,
          name,
          options.overdraftLimit ?? 0n,
          pinHash,
          ctx.clock.now(),
        ],
      );
      return toAccount(rows[0]!);
    } catch (e) {
      if (isForeignKeyViolation(e)) throw new BankError("member_not_found");
      throw e;
    }
  };
  return tx ? run(tx) : ctx.db.transaction(run);
}

/** The account with this number (dashes allowed), wherever in the federation it is. */
export async function getAccountByNumber(db: Queryable, number: string): Promise<Account> {
  const digits = parseAccountNumber(number);
  const coop = await findCooperativeByCode(db, cooperativeCodeOf(digits)).catch(() => {
    throw new BankError("account_not_found");
  });
  const { rows } = await db.query<AccountRow>(
    `SELECT ${accountColumns} FROM accounts WHERE cooperative_id = $1 AND number = $2`,
    [coop.id, digits],
  );
  if (!rows[0]) throw new BankError("account_not_found");
  return toAccount(rows[0]);
}

export async function getAccount(db: Queryable, cooperativeId: number, id: bigint): Promise<Account> {
  const { rows } = await db.query<AccountRow>(
    `SELECT ${accountColumns} FROM accounts WHERE cooperative_id = $1 AND id = $2`,
    [cooperativeId, id],
  );
  if (!rows[0]) throw new BankError("account_not_found");
  return toAccount(rows[0]);
}

export async function listMemberAccounts(
  db: Queryable,
  cooperativeId: number,
  memberId: bigint,
): Promise<Account[]> {
  const { rows } = await db.query<AccountRow>(
    `SELECT ${accountColumns} FROM accounts WHERE cooperative_id = $1 AND member_id = $2 ORDER BY id`,
    [cooperativeId, memberId],
  );
  return rows.map(toAccount);
}

export async function setAccountStatus(
  ctx: BankContext,
  cooperativeId: number,
  id: bigint,
  status: AccountStatus,
): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const acc = await getAccount(tx, cooperativeId, id);
    if (acc.status === "closed") throw new BankError("account_closed");
    if (status === "closed" && (acc.balance !== 0n || acc.held !== 0n))
      throw new BankError("insufficient_funds");
    await tx.query("UPDATE accounts SET status = $3 WHERE cooperative_id = $1 AND id = $2", [
      cooperativeId,
      id,
      status,
    ]);
  });
}

/**
 * Checks the passbook PIN. Each miss counts, and the fifth in a row locks the PIN until a teller
 * resets it; a match clears the count. The count is written even when the answer is "wrong".
 */
export async function verifyPin(
  ctx: BankContext,
  cooperativeId: number,
  accountId: bigint,
  pin: string,
): Promise<void> {
  // Each try is counted before it is checked, in one statement that refuses past the fifth: tries
  // in flight together can never outnumber the tries left, however they overlap.
  const { rows } = await ctx.db.query<{ pin_hash: string | null; pin_failures: number }>(
    `UPDATE accounts SET pin_failures = pin_failures + 1
      WHERE cooperative_id = $1 AND id = $2 AND pin_failures < $3
      RETURNING pin_hash, pin_failures`,
    [cooperativeId, accountId, pinFailuresMax],
  );
  const row = rows[0];
  if (!row) {
    const exists = await ctx.db.query("SELECT 1 FROM accounts WHERE cooperative_id = $1 AND id = $2", [
      cooperativeId,
      accountId,
    ]);
    throw new BankError(exists.rows.length > 0 ? "pin_locked" : "account_not_found");
  }
  // scrypt outside any transaction: it takes a while, and holds no row lock or connection.
  const matches = row.pin_hash !== null && /^\d{4}$/.test(pin) && (await pinMatches(pin, row.pin_hash));
  if (!matches) throw new BankError(row.pin_failures >= pinFailuresMax ? "pin_locked" : "pin_wrong");
  // A match clears the count, unless the PIN was reset meanwhile: then the new one is what counts.
  const r = await ctx.db.query(
    "UPDATE accounts SET pin_failures = 0 WHERE cooperative_id = $1 AND id = $2 AND pin_hash = $3",
    [cooperativeId, accountId, row.pin_hash],
  );
  if (r.rowCount === 0) return verifyPin(ctx, cooperativeId, accountId, pin);
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
    "UPDATE accounts SET pin_hash = $3, pin_failures = 0 WHERE cooperative_id = $1 AND id = $2",
    [cooperativeId, accountId, await hashPin(pin)],
  );
  if (r.rowCount === 0) throw new BankError("account_not_found");
}
