// Cash at the counter through the desk's use cases, on both databases: the teller's day at the
// drawer (open with a count, the day's view, close with a count and the difference posted), cash
// deposits and withdrawals with receipts, every refusal by its code, repeats and races moving money
// once, and the ledger's invariants (money conserved, each drawer its postings) after each step; a
// receipt reprinted only by its own branch and only on its own Seoul day.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatAccountNumber } from "../../src/bank/account-number.ts";
import { type Account, getAccount, openAccount, setAccountStatus } from "../../src/bank/accounts.ts";
import { internalAccountId } from "../../src/bank/federation.ts";
import { cashDeposit } from "../../src/branch/cash-deposit.ts";
import { closeDrawer, drawerDay, openDrawer } from "../../src/branch/cash-drawer.ts";
import { reprintReceipt } from "../../src/branch/cash-receipt.ts";
import { type CashWithdrawalInput, cashWithdrawal } from "../../src/branch/cash-withdrawal.ts";
import { seoulDayBounds } from "../../src/calendar/seoul-day.ts";
import { bankFixture, expectLedgerInvariants, type Fixture } from "../support/bank.ts";
import { dbKinds } from "../support/db.ts";
import { createTellers, tellerDesk } from "../support/desk.ts";

const dayMs = 86_400_000;

describe.each(dbKinds)("cash at the counter on %s", (kind) => {
  let f: Fixture;
  const desk = (tellerId: string, branchId = 1) => tellerDesk(f, tellerId, { branchId });
  const number = (a: Account) => formatAccountNumber(a.number);
  const balance = async (a: Account) => (await getAccount(f.db, a.cooperativeId, a.id)).balance;
  const deposit = (
    tellerId: string,
    a: Account,
    amount: string,
    key = randomUUID(),
    depositorName?: string,
  ) =>
    cashDeposit(desk(tellerId), {
      idempotencyKey: key,
      account: number(a),
      amount,
      ...(depositorName ? { depositorName } : {}),
    });
  const withdraw = async (
    tellerId: string,
    a: Account,
    amount: string,
    more: Partial<CashWithdrawalInput> = {},
  ) => {
    const r = await cashWithdrawal(desk(tellerId), {
      idempotencyKey: randomUUID(),
      account: number(a),
      amount,
      pin: "1234",
      idCheck: { document: "resident_card", checked: true },
      ...more,
    });
    // These amounts are all below the approval amount: paid at once.
    if ("approval" in r) throw new Error("held for approval");
    return r;
  };
  const auditActions = async () =>
    (await f.db.query<{ action: string }>("SELECT action FROM audit_log ORDER BY seq")).rows.map(
      (r) => r.action,
    );

  beforeAll(async () => {
    f = await bankFixture(kind);
    await createTellers(f, ["teller01", "teller02", "teller03"]);
  }, 120_000);
  afterAll(async () => {
    await f?.close();
  });

  it("runs a teller's day: open with a count, deposits and withdrawals with receipts, close with the difference posted", async () => {
    const [a, b] = f.accounts as [Account, Account];
    await expect(deposit("teller01", a, "1000")).rejects.toMatchObject({ code: "drawer_not_open" });

    // The first opening: the drawer held nothing, so the counted cash came from the vault.
    const opened = await openDrawer(desk("teller01"), { count: "500000" });
    expect(opened).toMatchObject({
      day: "2026-11-25",
      status: "open",
      openingCount: "500000",
      openingLedger: "0",
      fromVault: "500000",
      difference: null,
    });
    await expect(openDrawer(desk("teller01"), { count: "500000" })).rejects.toMatchObject({
      code: "drawer_already_open",
    });
    await expectLedgerInvariants(f.db);

    // A deposit by someone else than the holder: the holder's statement names them.
    const key = randomUUID();
    const d = await deposit("teller01", a, "300000", key, "김입금");
    expect(d.replayed).toBe(false);
    expect(d.receipt).toMatchObject({
      kind: "deposit",
      account: number(a),
      holderName: "회원1-0",
      amount: "300000",
      balanceAfter: "1300000",
      depositorName: "김입금",
      idDocument: null,
      tellerId: "teller01",
      branch: { code: "001", name: "본점" },
      number: expect.stringMatching(/^20261125-[0-9]{8}$/),
    });
    const memo = await f.db.query<{ description: string }>(
      "SELECT description FROM entries WHERE cooperative_id = 1 AND account_id = $1 ORDER BY id DESC LIMIT 1",
      [a.id],
    );
    expect(memo.rows[0]!.description).toBe("김입금");
    const told = await f.db.query<{ title_ko: string; title_en: string }>(
      "SELECT title_ko, title_en FROM notifications WHERE cooperative_id = 1 AND member_id = $1",
      [a.memberId],
    );
    expect(told.rows).toEqual([{ title_ko: "현금입금 300,000원", title_en: "Cash in KRW 300,000" }]);

    // The same request again (a double click, a retry): the first receipt, nothing moved twice.
    const again = await deposit("teller01", a, "300000", key, "김입금");
    expect(again).toEqual({ receipt: d.receipt, replayed: true });
    expect(await balance(a)).toBe(1_300_000n);
    await expect(deposit("teller01", a, "300001", key, "김입금")).rejects.toMatchObject({
      code: "idempotency_key_reused",
    });

    const w = await withdraw("teller01", b, "200000", {
      idCheck: { document: "driver_license", checked: true },
    });
    expect(w.receipt).toMatchObject({
      kind: "withdrawal",
      amount: "200000",
      balanceAfter: "800000",
      idDocument: "driver_license",
      depositorName: null,
    });
    expect(await balance(b)).toBe(800_000n);
    const toldB = await f.db.query<{ title_ko: string; body_ko: string }>(
      "SELECT title_ko, body_ko FROM notifications WHERE cooperative_id = 1 AND member_id = $1",
      [b.memberId],
    );
    expect(toldB.rows).toEqual([
      { title_ko: "현금출금 200,000원", body_ko: expect.stringContaining("본점 창구에서") },
    ]);

    // The drawer holds 600,000: more is refused, whatever the balance.
    await expect(withdraw("teller01", a, "600001")).rejects.toMatchObject({ code: "cash_insufficient" });
    // Above the balance: refused, though the drawer could pay it.
    await deposit("teller01", a, "1000000");
    await expect(withdraw("teller01", b, "800001")).rejects.toMatchObject({ code: "insufficient_funds" });
    expect(await balance(b)).toBe(800_000n);
    await expectLedgerInvariants(f.db);

    expect(await reprintReceipt(desk("teller02"), d.receipt.number)).toEqual(d.receipt);
    await expect(reprintReceipt(desk("teller01"), "20261125-99999999")).rejects.toMatchObject({
      code: "receipt_not_found",
    });

    const view = await drawerDay(desk("teller01"));
    expect(view.cash).toBe("1600000");
    expect(view.day).toMatchObject({ status: "open", openingCount: "500000" });
    expect(view.lines.map((l) => [l.kind, l.cash, l.receipt])).toEqual([
      ["vault_cash", "500000", null],
      ["cash_deposit", "300000", d.receipt.number],
      ["cash_withdrawal", "-200000", w.receipt.number],
      ["cash_deposit", "1000000", expect.any(String)],
    ]);
    expect(view.lines[1]!.account).toBe(number(a));

    // Counted 1,000 won short: posted to the branch's over/short account, and shown.
    const closed = await closeDrawer(desk("teller01"), { count: "1599000" });
    expect(closed).toMatchObject({
      status: "closed",
      closingCount: "1599000",
      closingLedger: "1600000",
      difference: "-1000",
    });
    const overShort = await f.db.query<{ balance: bigint }>(
      "SELECT balance FROM accounts WHERE cooperative_id = 1 AND kind = 'over_short'",
    );
    expect(overShort.rows.map((r) => r.balance)).toEqual([-1000n]);
    expect((await drawerDay(desk("teller01"))).cash).toBe("1599000");
    await expectLedgerInvariants(f.db);

    // Closed: no more cash, no second close, no second opening today.
    await expect(closeDrawer(desk("teller01"), { count: "1599000" })).rejects.toMatchObject({
      code: "drawer_closed",
    });
    await expect(deposit("teller01", a, "1000")).rejects.toMatchObject({ code: "drawer_closed" });
    await expect(withdraw("teller01", a, "1000")).rejects.toMatchObject({ code: "drawer_closed" });
    await expect(openDrawer(desk("teller01"), { count: "1599000" })).rejects.toMatchObject({
      code: "drawer_closed",
    });
    // A repeat of a request made before the close still answers with its receipt.
    expect((await deposit("teller01", a, "300000", key, "김입금")).receipt).toEqual(d.receipt);

    // The next day the ledger carries the close's count; 20,000 more counted came from the vault.
    f.clock.advance(dayMs);
    const next = await openDrawer(desk("teller01"), { count: "1619000" });
    expect(next).toMatchObject({ day: "2026-11-26", openingLedger: "1599000", fromVault: "20000" });
    const over = await closeDrawer(desk("teller01"), { count: "1619500" });
    expect(over.difference).toBe("500");
    const overShortAfter = await f.db.query<{ balance: bigint }>(
      "SELECT balance FROM accounts WHERE cooperative_id = 1 AND kind = 'over_short'",
    );
    expect(overShortAfter.rows.map((r) => r.balance)).toEqual([-500n]);
    await expectLedgerInvariants(f.db);

    expect(await auditActions()).toEqual(
      expect.arrayContaining([
        "teller.drawer_open",
        "teller.cash_deposit",
        "teller.cash_withdrawal",
        "teller.receipt_reprint",
        "teller.drawer_view",
        "teller.drawer_close",
      ]),
    );
    // The next day's opening and close, as the audit log holds them: the day, the count, the ledger
    // and what moved (from the vault, or over/short).
    const drawerAudit = await f.db.query<{ action: string; subject: string; payload: string }>(
      "SELECT action, subject, payload FROM audit_log WHERE action IN ('teller.drawer_open', 'teller.drawer_close') ORDER BY seq",
    );
    const nextDay = drawerAudit.rows
      .map((r) => ({ action: r.action, subject: r.subject, details: JSON.parse(r.payload).details }))
      .filter((r) => r.details.day === "2026-11-26");
    expect(nextDay).toEqual([
      {
        action: "teller.drawer_open",
        subject: "drawer:1:teller01",
        details: { branchId: 1, day: "2026-11-26", count: "1619000", ledger: "1599000", fromVault: "20000" },
      },
      {
        action: "teller.drawer_close",
        subject: "drawer:1:teller01",
        details: { branchId: 1, day: "2026-11-26", count: "1619500", ledger: "1619000", difference: "500" },
      },
    ]);
  });

  it("refuses bad input by its code and moves nothing", async () => {
    f.clock.advance(dayMs);
    const [a, b] = f.accounts as [Account, Account];
    const other = f.accounts[2]!; // cooperative 2's
    await openDrawer(desk("teller02"), { count: "100000" });
    const before = await f.db.query<{ n: bigint }>("SELECT count(*)::bigint AS n FROM entries");
    const balances = [await balance(a), await balance(b)];

    for (const [amount, code] of [
      ["-1", "amount_must_be_positive"],
      ["0", "amount_must_be_positive"],
      ["1.5", "amount_not_whole"],
      ["1000.00", "amount_not_whole"],
      ["1000000001", "amount_too_large"],
      ["99999999999999999999", "amount_too_large"],
    ] as const) {
      await expect(deposit("teller02", a, amount), amount).rejects.toMatchObject({ code });
      await expect(withdraw("teller02", a, amount), amount).rejects.toMatchObject({ code });
    }
    await expect(deposit("teller02", other, "1000")).rejects.toMatchObject({
      code: "account_other_cooperative",
    });
    await expect(withdraw("teller02", other, "1000")).rejects.toMatchObject({
      code: "account_other_cooperative",
    });
    const funding = await f.db.query<{ number: string }>(
      "SELECT number FROM accounts WHERE cooperative_id = 1 AND id = $1",
      [await internalAccountId(f.db, 1, "funding")],
    );
    await expect(
      cashDeposit(desk("teller02"), {
        idempotencyKey: randomUUID(),
        account: funding.rows[0]!.number,
        amount: "1",
      }),
    ).rejects.toMatchObject({ code: "not_member_account" });
    await expect(
      cashDeposit(desk("teller02"), {
        idempotencyKey: randomUUID(),
        account: "9002-0000-1000-0",
        amount: "1",
      }),
    ).rejects.toMatchObject({ code: "bad_account_number" });

    const closedAccount = await openAccount(f.ctx, {
      cooperativeId: 1,
      memberId: f.members[0]!.id,
      kind: "demand",
      pin: "1234",
    });
    await setAccountStatus(f.ctx, 1, closedAccount.id, "closed");
    await expect(deposit("teller02", closedAccount, "1000")).rejects.toMatchObject({
      code: "account_closed",
    });
    await expect(withdraw("teller02", closedAccount, "1000")).rejects.toMatchObject({
      code: "account_closed",
    });

    await expect(
      withdraw("teller02", a, "1000", { idCheck: { document: "passport", checked: false } }),
    ).rejects.toMatchObject({ code: "id_not_checked" });

    // Wrong PINs count, and the fifth locks the PIN: then even the right one is refused.
    for (let i = 1; i <= 4; i++) {
      await expect(withdraw("teller02", b, "1000", { pin: "9999" })).rejects.toMatchObject({
        code: "pin_wrong",
        details: { remaining: 5 - i },
      });
    }
    await expect(withdraw("teller02", b, "1000", { pin: "9999" })).rejects.toMatchObject({
      code: "pin_locked",
    });
    await expect(withdraw("teller02", b, "1000")).rejects.toMatchObject({ code: "pin_locked" });

    for (const count of ["-5", "1.5", "1000000001"]) {
      await expect(closeDrawer(desk("teller02"), { count }), count).rejects.toMatchObject({
        code: "bad_count",
      });
    }

    const after = await f.db.query<{ n: bigint }>("SELECT count(*)::bigint AS n FROM entries");
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
    expect([await balance(a), await balance(b)]).toEqual(balances);
    await closeDrawer(desk("teller02"), { count: "100000" });
    await expectLedgerInvariants(f.db);
  });

  it("moves money once for two deposits under one key sent together", async () => {
    f.clock.advance(dayMs);
    const a = f.accounts[0]!;
    await openDrawer(desk("teller03"), { count: "0" });
    const start = await balance(a);
    for (let round = 0; round < 3; round++) {
      const key = randomUUID();
      const answers = await Promise.all([
        deposit("teller03", a, "7000", key),
        deposit("teller03", a, "7000", key),
        deposit("teller03", a, "7000", key),
      ]);
      expect(answers.filter((x) => !x.replayed)).toHaveLength(1);
      expect(new Set(answers.map((x) => x.receipt.number)).size).toBe(1);
    }
    expect(await balance(a)).toBe(start + 21_000n);
    expect((await drawerDay(desk("teller03"))).cash).toBe("21000");
    await expectLedgerInvariants(f.db);

    // Two withdrawals under one key at once: paid once; the other gets the receipt or is told to wait.
    const key = randomUUID();
    const both = await Promise.allSettled([
      withdraw("teller03", a, "5000", { idempotencyKey: key }),
      withdraw("teller03", a, "5000", { idempotencyKey: key }),
    ]);
    const paid = both.filter((r) => r.status === "fulfilled" && !r.value.replayed);
    expect(paid).toHaveLength(1);
    for (const r of both) {
      if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "transfer_in_progress" });
    }
    expect(await balance(a)).toBe(start + 16_000n);
    await closeDrawer(desk("teller03"), { count: "16000" });
    await expectLedgerInvariants(f.db);
  });

  it("settles a withdrawal racing the close one way or the other, never both", async () => {
    const a = f.accounts[1]!;
    // Teller03 and a fresh PIN on the account (the bad-input test locked it).
    await f.db.query("UPDATE accounts SET pin_failures = 0 WHERE cooperative_id = 1 AND id = $1", [a.id]);
    // The close sent a little later each round, so that it lands before, during and after the
    // withdrawal's steps (the claim, the PIN's commit, the posting).
    for (const delayMs of [0, 5, 15, 40, 100]) {
      f.clock.advance(dayMs);
      const opened = await openDrawer(desk("teller03"), { count: "50000" });
      expect(opened.openingCount).toBe("50000");
      const before = await balance(a);
      // The teller counts as if the withdrawal had been paid.
      const [w, c] = await Promise.allSettled([
        withdraw("teller03", a, "10000"),
        new Promise((resolve) => setTimeout(resolve, delayMs)).then(() =>
          closeDrawer(desk("teller03"), { count: "40000" }),
        ),
      ]);
      expect(c.status).toBe("fulfilled");
      const closed = (c as PromiseFulfilledResult<Awaited<ReturnType<typeof closeDrawer>>>).value;
      if (w.status === "fulfilled") {
        expect(closed.difference).toBe("0");
        expect(await balance(a)).toBe(before - 10_000n);
      } else {
        expect(w.reason).toMatchObject({ code: "drawer_closed" });
        expect(closed.difference).toBe("-10000");
        expect(await balance(a)).toBe(before);
      }
      expect((await drawerDay(desk("teller03"))).cash).toBe("40000");
      await expectLedgerInvariants(f.db);
    }
  });
  it("reprints a receipt only at the branch that wrote it and only on its Seoul day", async () => {
    f.clock.advance(dayMs);
    const [a] = f.accounts as [Account];
    // A second branch of the cooperative, with a teller of its own.
    await f.db.query(
      "INSERT INTO branches (cooperative_id, id, code, name) VALUES (1, 2, '002', '서부지점')",
    );
    // The deposit a second before the bank's clock turns to the next day in Seoul.
    f.clock.advance(seoulDayBounds(f.clock.now()).end.getTime() - f.clock.now().getTime() - 1_000);
    await openDrawer(desk("teller02"), { count: "100000" });
    const d = await deposit("teller02", a, "5000");
    const reprints = async () => (await auditActions()).filter((x) => x === "teller.receipt_reprint").length;
    const before = await reprints();

    expect(await reprintReceipt(desk("teller01"), d.receipt.number), "today, same branch").toEqual(d.receipt);
    await expect(reprintReceipt(desk("seobu01", 2), d.receipt.number)).rejects.toMatchObject({
      code: "receipt_other_branch",
    });
    f.clock.advance(2_000);
    await expect(reprintReceipt(desk("teller02"), d.receipt.number), "yesterday's").rejects.toMatchObject({
      code: "receipt_not_today",
    });
    expect(await reprints(), "only the reprint given is audited").toBe(before + 1);
    await closeDrawer(desk("teller02"), { count: "105000" });
  });
});
