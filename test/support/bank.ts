// A small federation for bank tests: two cooperatives, a branch each, members with funded demand
// accounts, on a fresh database of either kind; and the ledger invariants every test may check.
import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import { type Account, openAccount } from "../../src/bank/accounts.ts";
import type { BankContext, Clock } from "../../src/bank/context.ts";
import { createBranch, createCooperative, internalAccountId } from "../../src/bank/federation.ts";
import { createMember, type Member } from "../../src/bank/members.ts";
import { transfer } from "../../src/bank/transfer.ts";
import type { Db } from "../../src/db/db.ts";
import { type DbKind, freshDb } from "./db.ts";

export class TestClock implements Clock {
  constructor(public at = new Date("2026-11-25T03:00:00Z")) {}
  now(): Date {
    return new Date(this.at);
  }
  advance(ms: number): void {
    this.at = new Date(this.at.getTime() + ms);
  }
}

export interface Fixture {
  ctx: BankContext;
  clock: TestClock;
  db: Db & { url?: string };
  coops: { id: number; code: string }[];
  members: Member[];
  accounts: Account[];
  close(): Promise<void>;
}

let rrnSeq = 0;
export function testRrn(): string {
  rrnSeq++;
  return `900101${String(1_000_000 + rrnSeq)
    .slice(1)
    .padStart(7, "1")}`;
}

/** Money into an account from its cooperative's funding account (a cash deposit, in effect). */
export async function deposit(ctx: BankContext, account: Account, amount: bigint): Promise<void> {
  const funding = await internalAccountId(ctx.db, account.cooperativeId, "funding");
  await transfer(ctx, {
    idempotencyKey: `deposit:${randomBytes(8).toString("hex")}`,
    actor: { kind: "system" },
    kind: "deposit",
    from: { cooperativeId: account.cooperativeId, accountId: funding },
    to: { cooperativeId: account.cooperativeId, accountId: account.id },
    amount,
    memoTo: "현금입금",
  });
}

export async function bankFixture(
  kind: DbKind,
  options: { membersPerCoop?: number; funding?: bigint; poolSize?: number } = {},
): Promise<Fixture> {
  const db = await freshDb(kind, options.poolSize ? { poolSize: options.poolSize } : {});
  const clock = new TestClock();
  const ctx: BankContext = {
    db,
    clock,
    rrnKeys: { encryption: randomBytes(32), index: randomBytes(32) },
    pinKey: randomBytes(32),
  };
  const coops = [
    { id: 1, code: "9002", name: "서울중앙새마을금고" },
    { id: 2, code: "9003", name: "부산해운대새마을금고" },
  ];
  const members: Member[] = [];
  const accounts: Account[] = [];
  for (const c of coops) {
    await createCooperative(ctx, c);
    await createBranch(ctx, { cooperativeId: c.id, id: 1, code: "001", name: "본점" });
    for (let i = 0; i < (options.membersPerCoop ?? 2); i++) {
      const m = await createMember(ctx, {
        cooperativeId: c.id,
        branchId: 1,
        realName: `회원${c.id}-${i}`,
        rrn: testRrn(),
      });
      members.push(m);
      const a = await openAccount(ctx, { cooperativeId: c.id, memberId: m.id, kind: "demand", pin: "1234" });
      if (options.funding !== 0n) await deposit(ctx, a, options.funding ?? 1_000_000n);
      accounts.push(a);
    }
  }
  return { ctx, clock, db, coops, members, accounts, close: () => db.close() };
}

/** Every ledger invariant, checked against the database as it is now. */
export async function expectLedgerInvariants(db: Db): Promise<void> {
  const total = await db.query<{ s: bigint }>("SELECT coalesce(sum(balance), 0)::bigint AS s FROM accounts");
  expect(total.rows[0]!.s, "money is conserved: all balances sum to zero").toBe(0n);

  const drift = await db.query(
    `SELECT a.cooperative_id, a.id, a.balance, coalesce(sum(e.amount), 0) AS posted
     FROM accounts a LEFT JOIN entries e ON e.cooperative_id = a.cooperative_id AND e.account_id = a.id
     GROUP BY a.cooperative_id, a.id, a.balance HAVING a.balance <> coalesce(sum(e.amount), 0)`,
  );
  expect(drift.rows, "each balance equals the sum of its postings").toEqual([]);

  const unbalanced = await db.query(
    `SELECT transfer_cooperative_id, transfer_id FROM entries GROUP BY 1, 2 HAVING sum(amount) <> 0`,
  );
  expect(unbalanced.rows, "each transfer's postings sum to zero").toEqual([]);

  const orphans = await db.query(
    `SELECT t.id FROM transfers t LEFT JOIN entries e ON e.transfer_cooperative_id = t.cooperative_id AND e.transfer_id = t.id
     WHERE e.id IS NULL`,
  );
  expect(orphans.rows, "no transfer without postings").toEqual([]);

  const below = await db.query(
    `SELECT cooperative_id, id FROM accounts
     WHERE kind NOT IN ('funding', 'clearing', 'cash', 'vault', 'over_short') AND balance - held < -overdraft_limit`,
  );
  expect(below.rows, "no balance below its floor").toEqual([]);

  // A drawer's notes are a debit (migration 0030): its balance is its cash negated, never above 0.
  const negativeCash = await db.query(
    "SELECT cooperative_id, id FROM accounts WHERE kind = 'cash' AND balance > 0",
  );
  expect(negativeCash.rows, "no drawer holds less than no cash").toEqual([]);

  const heldDrift = await db.query(
    `SELECT a.id FROM accounts a LEFT JOIN holds h ON h.cooperative_id = a.cooperative_id AND h.account_id = a.id AND h.status = 'active'
     GROUP BY a.cooperative_id, a.id, a.held HAVING a.held <> coalesce(sum(h.amount), 0)`,
  );
  expect(heldDrift.rows, "held equals the active holds").toEqual([]);

  const dayDrift = await db.query(
    `SELECT l.member_id FROM member_limits l
     WHERE l.day IS NOT NULL AND l.day_total <> (
       SELECT coalesce(sum(t.amount), 0) FROM transfers t
       WHERE t.cooperative_id = l.cooperative_id AND t.member_id = l.member_id AND t.kind = 'transfer'
         AND ((t.created_at AT TIME ZONE 'UTC') + interval '9 hours')::date = l.day)`,
  );
  expect(dayDrift.rows, "each member's day total equals that Seoul day's transfers").toEqual([]);

  const lastAfter = await db.query(
    `SELECT a.id FROM accounts a JOIN LATERAL (
       SELECT balance_after FROM entries e WHERE e.cooperative_id = a.cooperative_id AND e.account_id = a.id ORDER BY e.id DESC LIMIT 1
     ) last ON true WHERE last.balance_after <> a.balance`,
  );
  expect(lastAfter.rows, "the running balance ends at the balance").toEqual([]);
}
