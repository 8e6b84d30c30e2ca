// A member's view of accounts: the one rule of every member request with an account number in
// it (the account must be the member's own; someone else's answers exactly like one that does
// not exist, so no request tells a member whether another's number is real), where a member may
// send money, and the holder's name shown for an account.
import type { Queryable } from "../db/db.ts";
import { cooperativeCodeOf, parseAccountNumber } from "./account-number.ts";
import { type Account, type AccountRow, accountColumns, getAccountByNumber, toAccount } from "./accounts.ts";
import { BankError } from "./errors.ts";
import { memberName } from "./members.ts";

/** The member a request speaks for. */
export interface MemberRef {
  cooperativeId: number;
  memberId: bigint;
}

/** The member's own account with this number, or account_not_found. */
export async function ownAccount(db: Queryable, who: MemberRef, number: string): Promise<Account> {
  const account = await getAccountByNumber(db, number);
  if (account.memberId !== who.memberId || account.cooperativeId !== who.cooperativeId) {
    throw new BankError("account_not_found");
  }
  return account;
}

/** Where a member may send money: every member's demand or savings account that is not closed. */
export async function recipientAccount(db: Queryable, number: string): Promise<Account> {
  const account = await getAccountByNumber(db, number);
  if (account.memberId === null || account.status === "closed") throw new BankError("account_not_found");
  return account;
}

/** The holder's real name, or the account's own name for an account no member holds. */
export async function holderName(db: Queryable, account: Account): Promise<string> {
  if (account.memberId === null) return account.name;
  return (
    (await memberName(db, { cooperativeId: account.cooperativeId, memberId: account.memberId })) ??
    account.name
  );
}

/** Both ends of a member's transfer, each with the name its holder is shown by (holderName). */
export interface TransferAccounts {
  from: Account;
  to: Account;
  fromName: string;
  toName: string;
}

/**
 * The two accounts of a member's transfer in one statement, with their holders' names: the
 * member's own account to send from (ownAccount's rule) and one that may receive
 * (recipientAccount's rule), refused in the order those two would refuse them one after the other.
 */
export async function transferAccounts(
  db: Queryable,
  who: MemberRef,
  numbers: { from: string; to: string },
): Promise<TransferAccounts> {
  const from = parseAccountNumber(numbers.from);
  // A malformed recipient number is refused once the sender's account is known to be the member's.
  let to: string | undefined;
  let toRefusal: unknown;
  try {
    to = parseAccountNumber(numbers.to);
  } catch (e) {
    toRefusal = e;
  }
  const columns = accountColumns
    .split(", ")
    .map((c) => `a.${c}`)
    .join(", ");
  const { rows } = await db.query<AccountRow & { side: "from" | "to"; holder_name: string | null }>(
    `SELECT q.side, m.real_name AS holder_name, ${columns}
       FROM (VALUES ('from', $1::text, $2::text), ('to', $3::text, $4::text)) AS q (side, code, number)
       JOIN cooperatives c ON c.code = q.code
       JOIN accounts a ON a.cooperative_id = c.id AND a.number = q.number
       LEFT JOIN members m ON m.cooperative_id = a.cooperative_id AND m.id = a.member_id`,
    [cooperativeCodeOf(from), from, to === undefined ? null : cooperativeCodeOf(to), to ?? null],
  );
  const found = (side: "from" | "to") => {
    const row = rows.find((r) => r.side === side);
    return row && { account: toAccount(row), name: row.holder_name ?? row.name };
  };
  const own = found("from");
  if (!own || own.account.memberId !== who.memberId || own.account.cooperativeId !== who.cooperativeId) {
    throw new BankError("account_not_found");
  }
  if (toRefusal !== undefined) throw toRefusal;
  const other = found("to");
  if (!other || other.account.memberId === null || other.account.status === "closed") {
    throw new BankError("account_not_found");
  }
  return { from: own.account, to: other.account, fromName: own.name, toName: other.name };
}
