// What the tests set up and check behind the web app, through the bank's own modules: cash paid in
// without the console, a member enrolled long ago, accounts, transfer rows and a teller's drawer as
// the ledger holds them, and OTP codes as the member's device shows them.
import { enrollUser, findUser } from "../../../src/auth/users.ts";
import {
  type Account,
  getAccountByNumber,
  listMemberAccounts,
  openAccount,
} from "../../../src/bank/accounts.ts";
import { findDrawer, ledgerCash } from "../../../src/bank/cash.ts";
import { createMember } from "../../../src/bank/members.ts";
import { base32Decode, totpCode, totpStepSeconds } from "../../../src/bank/totp.ts";
import { demoOtpOperation } from "../../../src/server/demo-operations.ts";
import { deposit, expectLedgerInvariants } from "../../support/bank.ts";
import type { E2e } from "./harness.ts";
import type { Person } from "./ui.ts";

export async function accountByNumber(e2e: E2e, number: string): Promise<Account> {
  return getAccountByNumber(e2e.app.db, number);
}

/** A member's demand (보통예금) account, by their internet banking user ID. */
export async function demandAccountOf(e2e: E2e, userId: string): Promise<Account> {
  const user = await findUser(e2e.app.db, userId);
  if (!user) throw new Error(`no user ${userId}`);
  const accounts = await listMemberAccounts(e2e.app.db, user.cooperativeId, user.memberId);
  const demand = accounts.find((a) => a.kind === "demand");
  if (!demand) throw new Error(`${userId} has no demand account`);
  return demand;
}

/** Cash paid in at the counter, without the console. */
export async function cashDeposit(e2e: E2e, number: string, amount: bigint): Promise<void> {
  await deposit(e2e.app.bank, await accountByNumber(e2e, number), amount);
}

/** A member of the first cooperative who enrolled some time ago and chose their password. */
export async function enrolledMember(e2e: E2e, person: Person, login: { userId: string; password: string }) {
  const member = await createMember(e2e.app.bank, {
    cooperativeId: 1,
    branchId: 1,
    realName: person.name,
    rrn: person.rrn,
    phone: person.phone,
    address: person.address,
  });
  await openAccount(e2e.app.bank, { cooperativeId: 1, memberId: member.id, kind: "demand", pin: "4826" });
  await enrollUser(e2e.app.db, {
    cooperativeId: 1,
    memberId: member.id,
    ...login,
    mustChangePassword: false,
    at: e2e.clock.now(),
  });
  return member;
}

/** Transfers (not deposits) that left this account, as the ledger holds them. */
export async function transfersFrom(
  e2e: E2e,
  account: Account,
): Promise<{ id: bigint; amount: bigint; idempotency_key: string }[]> {
  const { rows } = await e2e.app.db.query<{ id: bigint; amount: bigint; idempotency_key: string }>(
    `SELECT id, amount, idempotency_key FROM transfers
      WHERE cooperative_id = $1 AND from_account_id = $2 AND kind = 'transfer' ORDER BY id`,
    [account.cooperativeId, account.id],
  );
  return rows;
}

/**
 * The code the member's OTP app shows. The server's clock stands still in these tests, and a
 * code's 30-second step is spent once used, so the clock first moves on to the next step.
 */
export function otpCodeNow(e2e: E2e, base32Secret: string): string {
  e2e.clock.advance(totpStepSeconds * 1000);
  return totpCode(base32Decode(base32Secret), e2e.clock.now());
}

/** The demo member's code, from the demo's own tool (`geumgo demo otp hong`). */
export async function demoOtpCode(e2e: E2e, userId: string): Promise<string> {
  e2e.clock.advance(totpStepSeconds * 1000);
  return (await demoOtpOperation(e2e.app, { user: userId })).code;
}

/** The demand account of a member without internet banking, by real name (the demo's 김영희). */
export async function demandAccountByName(e2e: E2e, realName: string): Promise<Account> {
  const { rows } = await e2e.app.db.query<{ number: string }>(
    `SELECT a.number FROM accounts a JOIN members m ON m.cooperative_id = a.cooperative_id AND m.id = a.member_id
      WHERE m.real_name = $1 AND a.kind = 'demand'`,
    [realName],
  );
  if (rows.length !== 1) throw new Error(`${rows.length} demand accounts for ${realName}`);
  return accountByNumber(e2e, rows[0]!.number);
}

/** The cash in a teller's drawer by the ledger (the sum of its postings, negated). */
export async function drawerCash(e2e: E2e, tellerId: string, cooperativeId = 1): Promise<bigint> {
  const drawer = await findDrawer(e2e.app.db, cooperativeId, tellerId);
  if (!drawer) throw new Error(`${tellerId} has no drawer`);
  return ledgerCash(e2e.app.db, cooperativeId, drawer.accountId);
}

/** The cash postings of one kind (cash_deposit, cash_withdrawal, over_short, vault_cash), oldest first. */
export async function cashTransfers(
  e2e: E2e,
  kind: "cash_deposit" | "cash_withdrawal" | "over_short" | "vault_cash",
): Promise<{ amount: bigint; from_account_id: bigint; to_account_id: bigint }[]> {
  const { rows } = await e2e.app.db.query<{ amount: bigint; from_account_id: bigint; to_account_id: bigint }>(
    "SELECT amount, from_account_id, to_account_id FROM transfers WHERE kind = $1 ORDER BY id",
    [kind],
  );
  return rows;
}

/** Money conserved, each balance (each drawer's too) equal to its postings: src/bank's invariants. */
export async function ledgerBalances(e2e: E2e): Promise<void> {
  await expectLedgerInvariants(e2e.app.db);
}
