// A member's view of accounts: the one rule of every member request with an account number in
// it (the account must be the member's own; someone else's answers exactly like one that does
// not exist, so no request tells a member whether another's number is real), where a member may
// send money, and the holder's name shown for an account.
import type { Queryable } from "../db/db.ts";
import { type Account, getAccountByNumber } from "./accounts.ts";
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
