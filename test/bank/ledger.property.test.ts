// Random sequences of transfers, repeats, holds, captures, releases, failed transactions and cash at
// the counter (drawers opened and closed with counts, deposits, withdrawals, another day), checked
// after every step against a model of the balances and the drawers' cash and against the ledger
// invariants.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TellerError } from "../../src/auth/teller-errors.ts";
import { isBankError } from "../../src/bank/errors.ts";
import { internalAccountId } from "../../src/bank/federation.ts";
import { captureHold, placeHold, releaseHold } from "../../src/bank/holds.ts";
import { postTransfer, type TransferRequest, transfer } from "../../src/bank/transfer.ts";
import { cashDeposit } from "../../src/branch/cash-deposit.ts";
import { closeDrawer, openDrawer } from "../../src/branch/cash-drawer.ts";
import { cashWithdrawal } from "../../src/branch/cash-withdrawal.ts";
import type { DeskContext } from "../../src/branch/desk.ts";
import type { CaContext } from "../../src/certcenter/context.ts";
import { bankFixture, expectLedgerInvariants } from "../support/bank.ts";
import { dbKinds } from "../support/db.ts";

type Command =
  | { op: "transfer"; from: number; to: number; amount: bigint; key: number }
  | { op: "hold"; account: number; amount: bigint; key: number }
  | { op: "capture"; hold: number }
  | { op: "release"; hold: number }
  | { op: "crash"; from: number; to: number; amount: bigint }
  | { op: "open" | "close"; teller: number; count: bigint }
  | { op: "cashIn" | "cashOut"; teller: number; account: number; amount: bigint; key: number }
  | { op: "nextDay" };

const accountCount = 4; // two per cooperative
const tellers = ["cash01", "cash02"]; // both at cooperative 1's head office
const amount = fc.oneof(
  fc.bigInt({ min: 1n, max: 400_000n }),
  fc.constantFrom(0n, -1n, 1_000_000n, 2_000_000n, 10n ** 16n),
);
const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant("transfer" as const),
      from: fc.nat(accountCount - 1),
      to: fc.nat(accountCount - 1),
      amount,
      key: fc.nat(6),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("hold" as const),
      account: fc.nat(accountCount - 1),
      amount,
      key: fc.nat(6),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("capture" as const), hold: fc.nat(5) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("release" as const), hold: fc.nat(5) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("crash" as const),
      from: fc.nat(accountCount - 1),
      to: fc.nat(accountCount - 1),
      amount,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constantFrom("open" as const, "close" as const),
      teller: fc.nat(tellers.length - 1),
      count: fc.oneof(fc.bigInt({ min: 0n, max: 2_000_000n }), fc.constantFrom(-1n, 10n ** 12n)),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constantFrom("cashIn" as const, "cashOut" as const),
      teller: fc.nat(tellers.length - 1),
      // Mostly cooperative 1's (the tellers'), sometimes another's (refused).
      account: fc.oneof(
        { weight: 4, arbitrary: fc.nat(1) },
        { weight: 1, arbitrary: fc.nat(accountCount - 1) },
      ),
      amount: fc.oneof(
        { weight: 4, arbitrary: fc.bigInt({ min: 1n, max: 400_000n }) },
        { weight: 1, arbitrary: amount },
      ),
      key: fc.nat(6),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("nextDay" as const) }) },
);

describe.each(dbKinds)("ledger properties on %s", (kind) => {
  it("money is conserved, floors hold, keys apply once, balances match a model", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 20 }), async (commands) => {
        const f = await bankFixture(kind, { funding: 1_000_000n });
        try {
          for (const tellerId of tellers) {
            // No password is ever checked here: a row is all a desk needs.
            await f.db.query(
              `INSERT INTO tellers (cooperative_id, teller_id, teller_id_key, branch_id, name, password_hash, created_at)
               VALUES (1, $1, $1, 1, $1, 'none', $2)`,
              [tellerId, f.clock.now()],
            );
          }
          const desk = (teller: number): DeskContext => ({
            bank: f.ctx,
            ca: {} as CaContext,
            teller: { cooperativeId: 1, branchId: 1, tellerId: tellers[teller]! },
          });
          // Each drawer's cash as the model has it, and the cash requests made under each teller's keys.
          const drawerCash = new Map<string, bigint>();
          const cashApplied = new Map<string, string>();
          // Both drawers start the run open, so that cash commands have somewhere to go.
          for (const [i, tellerId] of tellers.entries()) {
            await openDrawer(desk(i), { count: "500000" });
            drawerCash.set(tellerId, 500_000n);
          }
          const model = new Map(f.accounts.map((a) => [a.id, { balance: 1_000_000n, held: 0n }]));
          const fee = await internalAccountId(f.db, 1, "fee");
          const applied = new Map<string, { id: bigint; amount: bigint; from: number; to: number }>();
          const holds: {
            cooperativeId: number;
            id: bigint;
            account: number;
            amount: bigint;
            status: string;
          }[] = [];
          const req = (c: { from: number; to: number; amount: bigint }, key: string): TransferRequest => {
            const from = f.accounts[c.from]!;
            const to = f.accounts[c.to]!;
            return {
              idempotencyKey: key,
              actor: {
                kind: "member",
                cooperativeId: from.cooperativeId,
                memberId: from.memberId!,
                medium: "otp",
              },
              from: { cooperativeId: from.cooperativeId, accountId: from.id },
              to: { cooperativeId: to.cooperativeId, accountId: to.id },
              amount: c.amount,
            };
          };
          for (const c of commands) {
            try {
              if (c.op === "transfer") {
                const key = `t${c.key}`;
                const r = await transfer(f.ctx, req(c, key));
                const scoped = `${c.from}:${key}`;
                const prior = applied.get(scoped);
                if (r.replayed) {
                  expect(prior?.id, "a replay names the first transfer").toBe(r.transfer.id);
                } else {
                  expect(prior, "a key applies once").toBeUndefined();
                  applied.set(scoped, { id: r.transfer.id, amount: c.amount, from: c.from, to: c.to });
                  model.get(f.accounts[c.from]!.id)!.balance -= c.amount;
                  model.get(f.accounts[c.to]!.id)!.balance += c.amount;
                }
              } else if (c.op === "hold") {
                const a = f.accounts[c.account]!;
                const h = await placeHold(f.ctx, {
                  account: { cooperativeId: a.cooperativeId, accountId: a.id },
                  amount: c.amount,
                  reason: "test",
                  idempotencyKey: `h${c.account}-${c.key}`,
                  expiresAt: new Date(f.clock.now().getTime() + 600_000),
                });
                if (!holds.some((x) => x.id === h.id)) {
                  holds.push({
                    cooperativeId: a.cooperativeId,
                    id: h.id,
                    account: c.account,
                    amount: c.amount,
                    status: "active",
                  });
                  model.get(a.id)!.held += c.amount;
                }
              } else if (c.op === "capture" || c.op === "release") {
                const h = holds[c.hold];
                if (!h) continue;
                const acc = model.get(f.accounts[h.account]!.id)!;
                if (c.op === "capture") {
                  const to = h.cooperativeId === 1 ? fee : await internalAccountId(f.db, 2, "fee");
                  await captureHold(f.ctx, {
                    cooperativeId: h.cooperativeId,
                    holdId: h.id,
                    to: { cooperativeId: h.cooperativeId, accountId: to },
                  });
                  if (h.status === "active") {
                    acc.held -= h.amount;
                    acc.balance -= h.amount;
                    h.status = "captured";
                  }
                } else {
                  await releaseHold(f.ctx, { cooperativeId: h.cooperativeId, holdId: h.id });
                  if (h.status === "active") {
                    acc.held -= h.amount;
                    h.status = "released";
                  }
                }
              } else if (c.op === "open" || c.op === "close") {
                const day = await (c.op === "open" ? openDrawer : closeDrawer)(desk(c.teller), {
                  count: c.count.toString(),
                });
                const ledger = c.op === "open" ? day.openingLedger : day.closingLedger;
                expect(ledger, "the ledger's cash is the model's").toBe(
                  String(drawerCash.get(tellers[c.teller]!) ?? 0n),
                );
                drawerCash.set(tellers[c.teller]!, c.count);
              } else if (c.op === "cashIn" || c.op === "cashOut") {
                const a = f.accounts[c.account]!;
                const key = `c${c.key}`;
                const request = {
                  idempotencyKey: key,
                  account: a.number,
                  amount: c.amount.toString(),
                };
                const r =
                  c.op === "cashIn"
                    ? await cashDeposit(desk(c.teller), request)
                    : await cashWithdrawal(desk(c.teller), {
                        ...request,
                        pin: "1234",
                        idCheck: { document: "resident_card", checked: true },
                      });
                // The amounts drawn are below the approval amount: paid at once.
                if ("approval" in r) throw new Error("held for approval");
                const scoped = `${c.teller}:${key}`;
                if (r.replayed) {
                  expect(cashApplied.get(scoped), "a replay names the first receipt").toBe(r.receipt.number);
                } else {
                  expect(cashApplied.get(scoped), "a key applies once").toBeUndefined();
                  cashApplied.set(scoped, r.receipt.number);
                  const signed = c.op === "cashIn" ? c.amount : -c.amount;
                  model.get(a.id)!.balance += signed;
                  const teller = tellers[c.teller]!;
                  drawerCash.set(teller, (drawerCash.get(teller) ?? 0n) + signed);
                }
              } else if (c.op === "nextDay") {
                f.clock.advance(86_400_000);
              } else if (c.op === "crash") {
                // A transaction that dies after posting must leave no trace.
                await f.db
                  .transaction(async (tx) => {
                    await postTransfer(f.ctx, tx, req(c, `crash-${Math.random()}`));
                    throw new Error("crash after posting");
                  })
                  .catch((e: unknown) => {
                    if (!(e instanceof Error && e.message === "crash after posting") && !isBankError(e))
                      throw e;
                  });
              }
            } catch (e) {
              if (!isBankError(e) && !(e instanceof TellerError)) throw e;
            }
            await expectLedgerInvariants(f.db);
            const drawers = await f.db.query<{ teller_id: string; balance: bigint; posted: bigint }>(
              `SELECT d.teller_id, a.balance, coalesce((SELECT sum(e.amount) FROM entries e
                 WHERE e.cooperative_id = a.cooperative_id AND e.account_id = a.id), 0)::bigint AS posted
               FROM cash_drawers d JOIN accounts a ON a.cooperative_id = d.cooperative_id AND a.id = d.account_id`,
            );
            for (const d of drawers.rows) {
              expect(d.balance, "a drawer's balance is the sum of its postings").toBe(d.posted);
              expect(-d.balance, "a drawer holds the model's cash").toBe(drawerCash.get(d.teller_id) ?? 0n);
            }
            const { rows } = await f.db.query<{ id: bigint; balance: bigint; held: bigint }>(
              "SELECT id, balance, held FROM accounts WHERE member_id IS NOT NULL ORDER BY id",
            );
            for (const r of rows) expect({ balance: r.balance, held: r.held }).toEqual(model.get(r.id));
          }
        } finally {
          await f.close();
        }
      }),
      { numRuns: kind === "pglite" ? 10 : 25 },
    );
  }, 300_000);
});
