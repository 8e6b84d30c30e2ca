// Cash in the ledger: each teller's drawer (시재), each branch's vault and over/short (과부족)
// accounts, made the first time they are needed, and the drawer's cash as the ledger knows it.
// Cash accounts keep their notes as a negative balance (migration 0030 says why), so a drawer's
// cash is its balance negated; every movement of cash is a posting through src/bank/transfer.ts.
import type { Queryable } from "../db/db.ts";
import { makeAccountNumber } from "./account-number.ts";
import { BankError } from "./errors.ts";

export interface BranchCashAccounts {
  vault: bigint;
  overShort: bigint;
}

export interface Drawer {
  cooperativeId: number;
  tellerId: string;
  accountId: bigint;
  accountNumber: string;
}

/** One new account of the cooperative's own, numbered from the member accounts' serials. */
async function createCashAccount(
  tx: Queryable,
  cooperativeId: number,
  kind: "cash" | "vault" | "over_short",
  name: string,
): Promise<{ id: bigint; number: string }> {
  const { rows } = await tx.query<{ code: string; serial: number }>(
    `UPDATE account_serials s SET next_serial = next_serial + 1 FROM cooperatives c
     WHERE s.cooperative_id = $1 AND c.id = s.cooperative_id
     RETURNING c.code, s.next_serial - 1 AS serial`,
    [cooperativeId],
  );
  const c = rows[0];
  if (!c) throw new BankError("cooperative_not_found");
  const number = makeAccountNumber(c.code, c.serial);
  const created = await tx.query<{ id: bigint }>(
    "INSERT INTO accounts (cooperative_id, number, kind, name) VALUES ($1, $2, $3, $4) RETURNING id",
    [cooperativeId, number, kind, name],
  );
  return { id: created.rows[0]!.id, number };
}

/**
 * The branch's vault and over/short accounts, made on first use. The branch's row is locked while
 * they are looked for, so two tellers opening their first drawers at once make one pair.
 */
export async function branchCashAccounts(
  tx: Queryable,
  cooperativeId: number,
  branchId: number,
): Promise<BranchCashAccounts> {
  const find = async () => {
    const { rows } = await tx.query<{ vault_account_id: bigint; over_short_account_id: bigint }>(
      `SELECT vault_account_id, over_short_account_id FROM branch_cash_accounts
       WHERE cooperative_id = $1 AND branch_id = $2`,
      [cooperativeId, branchId],
    );
    return rows[0] && { vault: rows[0].vault_account_id, overShort: rows[0].over_short_account_id };
  };
  const known = await find();
  if (known) return known;
  const branch = await tx.query<{ name: string }>(
    "SELECT name FROM branches WHERE cooperative_id = $1 AND id = $2 FOR NO KEY UPDATE",
    [cooperativeId, branchId],
  );
  if (!branch.rows[0]) throw new BankError("branch_not_found");
  const made = await find();
  if (made) return made;
  const branchName = branch.rows[0].name;
  const vault = await createCashAccount(tx, cooperativeId, "vault", `${branchName} 금고시재`);
  const overShort = await createCashAccount(tx, cooperativeId, "over_short", `${branchName} 현금과부족`);
  await tx.query(
    `INSERT INTO branch_cash_accounts (cooperative_id, branch_id, vault_account_id, over_short_account_id)
     VALUES ($1, $2, $3, $4)`,
    [cooperativeId, branchId, vault.id, overShort.id],
  );
  return { vault: vault.id, overShort: overShort.id };
}

/** The teller's drawer, if it was ever opened. */
export async function findDrawer(
  db: Queryable,
  cooperativeId: number,
  tellerId: string,
): Promise<Drawer | undefined> {
  const { rows } = await db.query<{ account_id: bigint; number: string }>(
    `SELECT d.account_id, a.number FROM cash_drawers d
     JOIN accounts a ON a.cooperative_id = d.cooperative_id AND a.id = d.account_id
     WHERE d.cooperative_id = $1 AND d.teller_id = $2`,
    [cooperativeId, tellerId],
  );
  const r = rows[0];
  return r && { cooperativeId, tellerId, accountId: r.account_id, accountNumber: r.number };
}

/** The teller's drawer, made on first use (the teller's row locked, so it is made once). */
export async function drawerOf(tx: Queryable, cooperativeId: number, tellerId: string): Promise<Drawer> {
  const known = await findDrawer(tx, cooperativeId, tellerId);
  if (known) return known;
  const teller = await tx.query<{ name: string }>(
    "SELECT name FROM tellers WHERE cooperative_id = $1 AND teller_id = $2 FOR NO KEY UPDATE",
    [cooperativeId, tellerId],
  );
  if (!teller.rows[0]) throw new BankError("account_not_found");
  const made = await findDrawer(tx, cooperativeId, tellerId);
  if (made) return made;
  const account = await createCashAccount(tx, cooperativeId, "cash", `시재 ${teller.rows[0].name}`);
  await tx.query("INSERT INTO cash_drawers (cooperative_id, teller_id, account_id) VALUES ($1, $2, $3)", [
    cooperativeId,
    tellerId,
    account.id,
  ]);
  return { cooperativeId, tellerId, accountId: account.id, accountNumber: account.number };
}

/** The cash in a cash account by the ledger: its balance negated (notes are kept as debits). */
export async function ledgerCash(db: Queryable, cooperativeId: number, accountId: bigint): Promise<bigint> {
  const { rows } = await db.query<{ balance: bigint }>(
    "SELECT balance FROM accounts WHERE cooperative_id = $1 AND id = $2 AND kind IN ('cash', 'vault')",
    [cooperativeId, accountId],
  );
  if (!rows[0]) throw new BankError("account_not_found");
  return -rows[0].balance;
}
