import { afterEach, describe, expect, it } from "vitest";
import { getAccount, setAccountStatus } from "../../src/bank/accounts.ts";
import { internalAccountId } from "../../src/bank/federation.ts";
import { setLimits } from "../../src/bank/limits.ts";
import { type TransferRequest, transfer } from "../../src/bank/transfer.ts";
import { bankFixture, expectLedgerInvariants, type Fixture } from "../support/bank.ts";
import { dbKinds } from "../support/db.ts";

describe.each(dbKinds)("transfers on %s", (kind) => {
  let f: Fixture;
  afterEach(async () => {
    await expectLedgerInvariants(f.db);
    await f.close();
  });

  function request(over: Partial<TransferRequest> = {}): TransferRequest {
    const [a, b] = f.accounts;
    const m = f.members[0]!;
    return {
      idempotencyKey: `k-${Math.random()}`,
      actor: { kind: "member", cooperativeId: m.cooperativeId, memberId: m.id, medium: "otp" },
      from: { cooperativeId: a!.cooperativeId, accountId: a!.id },
      to: { cooperativeId: b!.cooperativeId, accountId: b!.id },
      amount: 50_000n,
      ...over,
    };
  }

  it("moves money within a cooperative and writes both postings with running balances", async () => {
    f = await bankFixture(kind);
    const [a, b] = f.accounts;
    const r = await transfer(f.ctx, request({ memoTo: "점심값" }));
    expect(r.replayed).toBe(false);
    expect(r.transfer.fromBalanceAfter).toBe(950_000n);
    expect((await getAccount(f.db, a!.cooperativeId, a!.id)).balance).toBe(950_000n);
    expect((await getAccount(f.db, b!.cooperativeId, b!.id)).balance).toBe(1_050_000n);
    const { rows } = await f.db.query<{ amount: bigint; balance_after: bigint; description: string }>(
      "SELECT amount, balance_after, description FROM entries WHERE transfer_id = $1 ORDER BY id",
      [r.transfer.id],
    );
    expect(rows).toEqual([
      { amount: -50_000n, balance_after: 950_000n, description: "회원1-1" },
      { amount: 50_000n, balance_after: 1_050_000n, description: "점심값" },
    ]);
  });

  it("crosses cooperatives through both clearing accounts", async () => {
    f = await bankFixture(kind);
    const to = f.accounts[2]!; // cooperative 2
    const r = await transfer(f.ctx, request({ to: { cooperativeId: to.cooperativeId, accountId: to.id } }));
    const { rows } = await f.db.query<{ cooperative_id: number; amount: bigint }>(
      "SELECT cooperative_id, amount FROM entries WHERE transfer_id = $1 ORDER BY id",
      [r.transfer.id],
    );
    expect(rows).toEqual([
      { cooperative_id: 1, amount: -50_000n },
      { cooperative_id: 1, amount: 50_000n },
      { cooperative_id: 2, amount: -50_000n },
      { cooperative_id: 2, amount: 50_000n },
    ]);
    const clearing1 = await internalAccountId(f.db, 1, "clearing");
    expect((await getAccount(f.db, 1, clearing1)).balance).toBe(50_000n);
    expect((await getAccount(f.db, to.cooperativeId, to.id)).balance).toBe(1_050_000n);
  });

  it("a repeat returns the first result; the same key with other content is refused", async () => {
    f = await bankFixture(kind);
    const req = request();
    const first = await transfer(f.ctx, req);
    const again = await transfer(f.ctx, req);
    expect(again.replayed).toBe(true);
    expect(again.transfer).toEqual(first.transfer);
    await expect(transfer(f.ctx, { ...req, amount: 50_001n })).rejects.toMatchObject({
      code: "idempotency_key_reused",
    });
    expect((await getAccount(f.db, 1, f.accounts[0]!.id)).balance).toBe(950_000n);
  });

  it("copies of one request sent at once move the money once", async () => {
    f = await bankFixture(kind);
    const req = request();
    const results = await Promise.all(Array.from({ length: 8 }, () => transfer(f.ctx, req)));
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(new Set(results.map((r) => r.transfer.id)).size).toBe(1);
    expect((await getAccount(f.db, 1, f.accounts[0]!.id)).balance).toBe(950_000n);
  });

  it("refuses bad requests and writes nothing", async () => {
    f = await bankFixture(kind);
    const before = await f.db.query("SELECT count(*)::int AS n FROM entries");
    const cases: [Partial<TransferRequest>, string][] = [
      [{ amount: 0n }, "amount_must_be_positive"],
      [{ amount: -5n }, "amount_must_be_positive"],
      [{ amount: 10n ** 19n }, "amount_too_large"],
      [{ amount: 1_000_001n }, "insufficient_funds"],
      [{ to: { cooperativeId: 1, accountId: f.accounts[0]!.id } }, "same_account"],
      [{ to: { cooperativeId: 1, accountId: 999_999n } }, "account_not_found"],
      [
        {
          from: { cooperativeId: 1, accountId: f.accounts[1]!.id },
          to: { cooperativeId: 1, accountId: f.accounts[0]!.id },
        },
        "not_account_owner",
      ],
      [{ memoTo: "가".repeat(21) }, "memo_too_long"],
    ];
    for (const [over, code] of cases) {
      await expect(transfer(f.ctx, request(over)), code).rejects.toMatchObject({ code });
    }
    expect((await f.db.query("SELECT count(*)::int AS n FROM entries")).rows).toEqual(before.rows);
    expect(
      (await f.db.query("SELECT count(*)::int AS n FROM transfers WHERE member_id IS NOT NULL")).rows[0],
    ).toEqual({ n: 0 });
  });

  it("a refused transfer leaves its key free for a retry", async () => {
    f = await bankFixture(kind);
    const req = request({ amount: 1_500_000n });
    await expect(transfer(f.ctx, req)).rejects.toMatchObject({ code: "insufficient_funds" });
    await transfer(
      f.ctx,
      request({
        actor: { kind: "system" },
        from: { cooperativeId: 1, accountId: f.accounts[1]!.id },
        to: { cooperativeId: 1, accountId: f.accounts[0]!.id },
        amount: 600_000n,
      }),
    );
    expect((await transfer(f.ctx, req)).replayed).toBe(false);
  });

  it("frozen and closed accounts", async () => {
    f = await bankFixture(kind);
    await setAccountStatus(f.ctx, 1, f.accounts[0]!.id, "frozen");
    await expect(transfer(f.ctx, request())).rejects.toMatchObject({ code: "account_not_active" });
    await setAccountStatus(f.ctx, 1, f.accounts[0]!.id, "active");
    // A frozen account still receives; a closed one does not.
    await setAccountStatus(f.ctx, 1, f.accounts[1]!.id, "frozen");
    await transfer(f.ctx, request());
  });

  it("enforces the per-transfer and the Seoul-day limits of the medium used", async () => {
    f = await bankFixture(kind, { funding: 100_000_000n });
    const card = { ...request().actor, medium: "card" } as TransferRequest["actor"];
    await expect(transfer(f.ctx, request({ actor: card, amount: 10_000_001n }))).rejects.toMatchObject({
      code: "exceeds_transfer_limit",
    });
    const m = f.members[0]!;
    await setLimits(f.db, {
      cooperativeId: 1,
      memberId: m.id,
      medium: "card",
      limits: { perTransfer: 1_000_000n, perDay: 2_000_000n },
      atBranch: false,
    });
    // 2026-11-25T14:30Z is 23:30 in Seoul: the last half hour of the day.
    f.clock.at = new Date("2026-11-25T14:30:00Z");
    await transfer(f.ctx, request({ actor: card, amount: 1_000_000n }));
    await transfer(f.ctx, request({ actor: card, amount: 1_000_000n }));
    await expect(transfer(f.ctx, request({ actor: card, amount: 1n }))).rejects.toMatchObject({
      code: "exceeds_daily_limit",
    });
    // OTP has its own, higher limits.
    await transfer(f.ctx, request({ amount: 5_000_000n }));
    // 15:00Z is midnight in Seoul: a new day.
    f.clock.at = new Date("2026-11-25T15:00:00Z");
    await transfer(f.ctx, request({ actor: card, amount: 1_000_000n }));
    await expect(
      setLimits(f.db, {
        cooperativeId: 1,
        memberId: m.id,
        medium: "card",
        limits: { perTransfer: 2_000_000n, perDay: 2_000_000n },
        atBranch: false,
      }),
    ).rejects.toMatchObject({ code: "limit_raise_needs_branch" });
  });
});
