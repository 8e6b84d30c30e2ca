// Closing an account at the counter, on both databases: the balance paid in cash out of the teller's
// drawer or moved to another account of the holder, holds released or refused, every refusal by its
// code with nothing moved, repeats and races closing once, and the ledger's invariants after each step.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatAccountNumber } from "../../src/bank/account-number.ts";
import { type Account, getAccount, openAccount, setAccountStatus } from "../../src/bank/accounts.ts";
import { ledgerCash } from "../../src/bank/cash.ts";
import { placeHold } from "../../src/bank/holds.ts";
import { transfer } from "../../src/bank/transfer.ts";
import { cashDeposit } from "../../src/branch/cash-deposit.ts";
import { openDrawer } from "../../src/branch/cash-drawer.ts";
import { type CloseAccountInput, closeAccount } from "../../src/branch/close-account.ts";
import { bankFixture, deposit, expectLedgerInvariants, type Fixture } from "../support/bank.ts";
import { dbKinds } from "../support/db.ts";
import { createTellers, tellerDesk } from "../support/desk.ts";

describe.each(dbKinds)("closing an account at the counter on %s", (kind) => {
  let f: Fixture;
  const desk = (tellerId: string) => tellerDesk(f, tellerId);
  const number = (a: Account) => formatAccountNumber(a.number);
  const fresh = (a: Account) => getAccount(f.db, a.cooperativeId, a.id);
  const close = (tellerId: string, a: Account, more: Partial<CloseAccountInput> = {}) =>
    closeAccount(desk(tellerId), a.memberId!, {
      idempotencyKey: randomUUID(),
      account: number(a),
      payout: { kind: "cash" },
      pin: "1234",
      idCheck: { document: "resident_card", checked: true },
      ...more,
    });
  /** A new account of the member with `amount` on it. */
  const second = async (owner: Account, amount: bigint, options: { overdraftLimit?: bigint } = {}) => {
    const a = await openAccount(f.ctx, {
      cooperativeId: 1,
      memberId: owner.memberId!,
      kind: "demand",
      pin: "1234",
      ...options,
    });
    if (amount > 0n) await deposit(f.ctx, a, amount);
    return fresh(a);
  };
  let drawerAccount: bigint;

  beforeAll(async () => {
    f = await bankFixture(kind);
    await createTellers(f, ["teller01", "teller02"]);
    await openDrawer(desk("teller01"), { count: "1000000" });
    const { rows } = await f.db.query<{ account_id: bigint }>(
      "SELECT account_id FROM cash_drawers WHERE cooperative_id = 1 AND teller_id = 'teller01'",
    );
    drawerAccount = rows[0]!.account_id;
  }, 120_000);
  afterAll(async () => {
    await f?.close();
  });

  it("pays the balance out of the drawer in cash, closes for good, and answers a repeat with the first closing", async () => {
    const [a] = f.accounts as [Account];
    const b = await second(a, 250_000n);
    const key = randomUUID();
    const closed = await close("teller01", b, { idempotencyKey: key });
    expect(closed).toMatchObject({
      amount: "250000",
      payout: "cash",
      transferredTo: null,
      replayed: false,
      releasedHolds: { count: 0, amount: "0" },
      account: { number: number(b), status: "closed", balance: "0", held: "0" },
      receipt: { kind: "closing", amount: "250000", balanceAfter: "0", idDocument: "resident_card" },
    });
    expect(await fresh(b)).toMatchObject({ status: "closed", balance: 0n });
    expect(await ledgerCash(f.db, 1, drawerAccount)).toBe(750_000n);
    const told = await f.db.query<{ kind: string; title_ko: string; body_en: string }>(
      "SELECT kind, title_ko, body_en FROM notifications WHERE cooperative_id = 1 AND member_id = $1",
      [b.memberId],
    );
    expect(told.rows).toEqual([
      {
        kind: "account_closed",
        title_ko: `계좌 해지 ${number(b)}`,
        body_en: expect.stringContaining("KRW 250,000 was paid in cash"),
      },
    ]);
    const audit = await f.db.query<{ action: string }>(
      "SELECT action FROM audit_log WHERE action = 'teller.account_close'",
    );
    expect(audit.rows).toHaveLength(1);
    await expectLedgerInvariants(f.db);

    // The same request again (a retry after a dropped answer): the first answer, nothing moved twice.
    const again = await close("teller01", b, { idempotencyKey: key });
    expect(again).toEqual({ ...closed, replayed: true });
    expect(await ledgerCash(f.db, 1, drawerAccount)).toBe(750_000n);
    // A new request to close it: refused by name. Another request under the key: refused too.
    await expect(close("teller01", b)).rejects.toMatchObject({ code: "account_closed" });
    await expect(
      close("teller01", b, { idempotencyKey: key, payout: { kind: "transfer", to: number(a) } }),
    ).rejects.toMatchObject({ code: "idempotency_key_reused" });

    // Closed: no cash in, no transfer in or out.
    await expect(
      cashDeposit(desk("teller01"), { idempotencyKey: randomUUID(), account: number(b), amount: "1000" }),
    ).rejects.toMatchObject({ code: "account_closed" });
    const move = (from: Account, to: Account) =>
      transfer(f.ctx, {
        idempotencyKey: randomUUID(),
        actor: { kind: "system" },
        from: { cooperativeId: 1, accountId: from.id },
        to: { cooperativeId: 1, accountId: to.id },
        amount: 1n,
      });
    await expect(move(a, b)).rejects.toMatchObject({ code: "account_closed" });
    await expect(move(b, a)).rejects.toMatchObject({ code: "account_not_active" });
    await expectLedgerInvariants(f.db);
  });

  it("moves the balance to another account of the same member, never to another member's", async () => {
    const [, , other] = f.accounts as [Account, Account, Account];
    const [, own] = f.accounts as [Account, Account];
    const c = await second(own, 70_000n);
    const before = (await fresh(own)).balance;
    await expect(
      close("teller01", c, { payout: { kind: "transfer", to: number(f.accounts[0]!) } }),
    ).rejects.toMatchObject({ code: "close_target_not_own" });
    // Another cooperative's account, even of a namesake: refused the same way.
    await expect(
      close("teller01", c, { payout: { kind: "transfer", to: number(other) } }),
    ).rejects.toMatchObject({ code: "close_target_not_own" });
    await expect(close("teller01", c, { payout: { kind: "transfer", to: number(c) } })).rejects.toMatchObject(
      { code: "same_account" },
    );
    expect((await fresh(c)).status).toBe("active");

    const closed = await close("teller01", c, { payout: { kind: "transfer", to: number(own) } });
    expect(closed).toMatchObject({
      amount: "70000",
      payout: "transfer",
      transferredTo: number(own),
      receipt: null,
    });
    expect((await fresh(own)).balance).toBe(before + 70_000n);
    expect(await fresh(c)).toMatchObject({ status: "closed", balance: 0n });
    // Into a closed account: refused.
    const d = await second(own, 5_000n);
    await expect(close("teller01", d, { payout: { kind: "transfer", to: number(c) } })).rejects.toMatchObject(
      { code: "account_not_active" },
    );
    await expectLedgerInvariants(f.db);
  });

  it("refuses a wrong PIN, counts it, and locks after five; needs the ID checked", async () => {
    const [a] = f.accounts as [Account];
    const e = await second(a, 10_000n);
    await expect(
      close("teller01", e, { idCheck: { document: "passport", checked: false } }),
    ).rejects.toMatchObject({ code: "id_not_checked" });
    for (let i = 0; i < 4; i++) {
      await expect(close("teller01", e, { pin: "0000" })).rejects.toMatchObject({ code: "pin_wrong" });
    }
    await expect(close("teller01", e, { pin: "0000" })).rejects.toMatchObject({ code: "pin_locked" });
    await expect(close("teller01", e)).rejects.toMatchObject({ code: "pin_locked" });
    expect(await fresh(e)).toMatchObject({ status: "active", balance: 10_000n });
    await expectLedgerInvariants(f.db);
  });

  it("needs an open drawer to pay cash, but not to close an empty account", async () => {
    const [a] = f.accounts as [Account];
    const g = await second(a, 3_000n);
    await expect(close("teller02", g)).rejects.toMatchObject({ code: "drawer_not_open" });
    expect((await fresh(g)).status).toBe("active");
    const empty = await second(a, 0n);
    const closed = await close("teller02", empty);
    expect(closed).toMatchObject({ amount: "0", receipt: null, account: { status: "closed" } });
    await expectLedgerInvariants(f.db);
  });

  it("pays no cash above the manager-approval amount, but moves it to the member's own account", async () => {
    const [a] = f.accounts as [Account];
    const big = await second(a, 10_000_001n);
    await expect(close("teller01", big)).rejects.toMatchObject({ code: "closing_needs_approval" });
    expect(await fresh(big)).toMatchObject({ status: "active", balance: 10_000_001n });
    const moved = await close("teller01", big, { payout: { kind: "transfer", to: number(a) } });
    expect(moved).toMatchObject({ amount: "10000001", account: { status: "closed" } });
    await expectLedgerInvariants(f.db);
  });

  it("releases a lapsed hold, refuses while a live one stands", async () => {
    const [a] = f.accounts as [Account];
    const h = await second(a, 40_000n);
    const now = f.clock.now().getTime();
    const hold = (ms: number) =>
      placeHold(f.ctx, {
        account: { cooperativeId: 1, accountId: h.id },
        amount: 4_400n,
        reason: "test hold",
        idempotencyKey: randomUUID(),
        expiresAt: new Date(now + ms),
      });
    await hold(60_000);
    await expect(close("teller01", h)).rejects.toMatchObject({ code: "account_has_holds" });
    expect(await fresh(h)).toMatchObject({ status: "active", held: 4_400n });

    // Past its time, the hold is the closing's to release (the scheduler would), and it goes.
    f.clock.advance(120_000);
    const closed = await close("teller01", h);
    expect(closed).toMatchObject({ amount: "40000", releasedHolds: { count: 1, amount: "4400" } });
    expect(await fresh(h)).toMatchObject({ status: "closed", balance: 0n, held: 0n });
    await expectLedgerInvariants(f.db);
  });

  it("keeps a certificate fee's hold for the certificate centre, lapsed or not", async () => {
    const [a] = f.accounts as [Account];
    const h = await second(a, 9_000n);
    const now = f.clock.now().getTime();
    const fee = await placeHold(f.ctx, {
      account: { cooperativeId: 1, accountId: h.id },
      amount: 4_400n,
      reason: "universal certificate fee",
      idempotencyKey: randomUUID(),
      expiresAt: new Date(now + 1_000),
    });
    await f.db.query(
      `INSERT INTO certcenter_fees (cooperative_id, member_id, hold_id, amount, kind, expires_at, created_at)
       VALUES (1, $1, $2, 4400, 'issuance', $3, $4)`,
      [a.memberId, fee.id, new Date(now + 1_000), f.clock.now()],
    );
    f.clock.advance(60_000);
    // Past its time, but the certificate centre settles its own fee (a certificate is never valid unpaid).
    await expect(close("teller01", h)).rejects.toMatchObject({ code: "account_has_holds" });
    expect(await fresh(h)).toMatchObject({ status: "active", balance: 9_000n, held: 4_400n });
    await expectLedgerInvariants(f.db);
  });

  it("revives a dormant account at the counter and closes it", async () => {
    const [a] = f.accounts as [Account];
    const dormant = await second(a, 6_000n);
    await setAccountStatus(f.ctx, 1, dormant.id, "dormant");
    const closed = await close("teller01", dormant, { payout: { kind: "transfer", to: number(a) } });
    expect(closed).toMatchObject({ amount: "6000", account: { status: "closed" } });
    await expectLedgerInvariants(f.db);
  });

  it("refuses a frozen or overdrawn account, and the last demand account of an internet banking user", async () => {
    const [a, b] = f.accounts as [Account, Account];
    const frozen = await second(a, 1_000n);
    await setAccountStatus(f.ctx, 1, frozen.id, "frozen");
    await expect(close("teller01", frozen)).rejects.toMatchObject({ code: "account_frozen" });

    const overdrawn = await second(a, 0n, { overdraftLimit: 50_000n });
    await transfer(f.ctx, {
      idempotencyKey: randomUUID(),
      actor: { kind: "system" },
      from: { cooperativeId: 1, accountId: overdrawn.id },
      to: { cooperativeId: 1, accountId: a.id },
      amount: 20_000n,
    });
    await expect(close("teller01", overdrawn)).rejects.toMatchObject({ code: "account_overdrawn" });

    // Member b is enrolled and has closed their other demand accounts: b's first one stays.
    await f.db.query(
      `INSERT INTO users (cooperative_id, member_id, user_id, user_id_key, password_hash, enrolled_at)
       VALUES (1, $1, 'closer01', 'closer01', 'x', $2)`,
      [b.memberId, f.clock.now()],
    );
    const open = await f.db.query<{ id: bigint }>(
      "SELECT id FROM accounts WHERE cooperative_id = 1 AND member_id = $1 AND status <> 'closed' AND id <> $2",
      [b.memberId, b.id],
    );
    for (const r of open.rows) {
      const acc = await getAccount(f.db, 1, r.id);
      await close("teller01", acc, { payout: { kind: "transfer", to: number(b) } });
    }
    await expect(close("teller01", b)).rejects.toMatchObject({ code: "last_account_internet_banking" });
    expect((await fresh(b)).status).toBe("active");
    await expectLedgerInvariants(f.db);
  });

  it("closes once when the same request arrives twice at the same moment", async () => {
    const [a] = f.accounts as [Account];
    const r = await second(a, 12_345n);
    const cashBefore = await ledgerCash(f.db, 1, drawerAccount);
    const key = randomUUID();
    const both = await Promise.allSettled([
      close("teller01", r, { idempotencyKey: key }),
      close("teller01", r, { idempotencyKey: key }),
    ]);
    const answers = both.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    const refusals = both.flatMap((s) => (s.status === "rejected" ? [s.reason as { code: string }] : []));
    expect(answers.length).toBeGreaterThanOrEqual(1);
    for (const e of refusals) expect(e.code).toBe("transfer_in_progress");
    expect(await ledgerCash(f.db, 1, drawerAccount)).toBe(cashBefore - 12_345n);
    expect((await close("teller01", r, { idempotencyKey: key })).replayed).toBe(true);
    expect(await ledgerCash(f.db, 1, drawerAccount)).toBe(cashBefore - 12_345n);
    await expectLedgerInvariants(f.db);
  });
});
