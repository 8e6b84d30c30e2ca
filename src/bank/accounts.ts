// Member accounts: opening (numbered per cooperative with a check digit, with the passbook PIN of
// src/bank/passbook-pin.ts), reading, statuses.
import { isForeignKeyViolation, type Queryable } from "../db/db.ts";
import { cooperativeCodeOf, makeAccountNumber, parseAccountNumber } from "./account-number.ts";
import type { BankContext } from "./context.ts";
import { BankError } from "./errors.ts";
import { findCooperativeByCode } from "./federation.ts";
import { assertPinShape, pinMac } from "./passbook-pin.ts";

/** Members' demand and savings; the cooperative's own fee, clearing and funding; cash (src/bank/cash.ts). */
export type AccountKind =
  | "demand"
  | "savings"
  | "fee"
  | "clearing"
  | "funding"
  | "cash"
  | "vault"
  | "over_short";
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
    // The id first: the PIN's MAC is bound to it.
    const seq = await q.query<{ id: bigint }>("SELECT nextval('account_id_seq') AS id");
    const id = seq.rows[0]!.id;
    try {
      const { rows } = await q.query<AccountRow>(
        `INSERT INTO accounts (cooperative_id, id, number, member_id, kind, name, overdraft_limit, pin_mac, opened_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${accountColumns}`,
        [
          options.cooperativeId,
          id,
          makeAccountNumber(c.code, c.next_serial),
          options.memberId,
          options.kind,
          name,
          options.overdraftLimit ?? 0n,
          pinMac(ctx.pinKey, options.cooperativeId, id, options.pin),
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
