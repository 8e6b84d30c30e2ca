// The one rule of every member route with an id in it: the thing must be the signed-in member's.
// Someone else's account answers exactly like an account that does not exist (404
// account_not_found), so no URL tells a member whether another's number is real.
import { type Account, getAccountByNumber } from "../../bank/accounts.ts";
import { BankError } from "../../bank/errors.ts";
import type { Queryable } from "../../db/db.ts";
import type { MemberAuth } from "./session-hooks.ts";

export async function ownAccount(db: Queryable, auth: MemberAuth, number: string): Promise<Account> {
  const account = await getAccountByNumber(db, number);
  if (account.memberId !== auth.memberId || account.cooperativeId !== auth.cooperativeId) {
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
