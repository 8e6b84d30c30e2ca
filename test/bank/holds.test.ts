import { afterEach, describe, expect, it } from "vitest";
import { getAccount } from "../../src/bank/accounts.ts";
import { internalAccountId } from "../../src/bank/federation.ts";
import { captureHold, placeHold, releaseExpiredHolds, releaseHold } from "../../src/bank/holds.ts";
import { transfer } from "../../src/bank/transfer.ts";
import { bankFixture, expectLedgerInvariants, type Fixture } from "../support/bank.ts";
import { dbKinds } from "../support/db.ts";

describe.each(dbKinds)("holds on %s", (kind) => {
  let f: Fixture;
  afterEach(async () => {
    await expectLedgerInvariants(f.db);
    await f.close();
  });

  const ref = () => ({ cooperativeId: 1, accountId: f.accounts[0]!.id });
  const later = () => new Date(f.clock.now().getTime() + 600_000);

  it("a held fee cannot be spent, is captured into the fee account once, and the key repeats", async () => {
    f = await bankFixture(kind);
    const h = await placeHold(f.ctx, {
      account: ref(),
      amount: 4_400n,
      reason: "universal certificate fee",
      idempotencyKey: "fee-1",
      expiresAt: later(),
    });
    expect(
      (
        await placeHold(f.ctx, {
          account: ref(),
          amount: 4_400n,
          reason: "x",
          idempotencyKey: "fee-1",
          expiresAt: later(),
        })
      ).id,
    ).toBe(h.id);
    await expect(
      placeHold(f.ctx, {
        account: ref(),
        amount: 4_401n,
        reason: "x",
        idempotencyKey: "fee-1",
        expiresAt: later(),
      }),
    ).rejects.toMatchObject({ code: "idempotency_key_reused" });
    expect((await getAccount(f.db, 1, f.accounts[0]!.id)).available).toBe(995_600n);
    const m = f.members[0]!;
    await expect(
      transfer(f.ctx, {
        idempotencyKey: "too-much",
        actor: { kind: "member", cooperativeId: 1, memberId: m.id, medium: "otp" },
        from: ref(),
        to: { cooperativeId: 1, accountId: f.accounts[1]!.id },
        amount: 995_601n,
      }),
    ).rejects.toMatchObject({ code: "insufficient_funds" });
    const fee = { cooperativeId: 1, accountId: await internalAccountId(f.db, 1, "fee") };
    const first = await captureHold(f.ctx, {
      cooperativeId: 1,
      holdId: h.id,
      to: fee,
      memoFrom: "범용인증서 수수료",
    });
    const again = await captureHold(f.ctx, {
      cooperativeId: 1,
      holdId: h.id,
      to: fee,
      memoFrom: "범용인증서 수수료",
    });
    expect(again.transfer.id).toBe(first.transfer.id);
    expect((await getAccount(f.db, 1, fee.accountId)).balance).toBe(4_400n);
    const acc = await getAccount(f.db, 1, f.accounts[0]!.id);
    expect([acc.balance, acc.held]).toEqual([995_600n, 0n]);
    await expect(releaseHold(f.ctx, { cooperativeId: 1, holdId: h.id })).rejects.toMatchObject({
      code: "hold_not_active",
    });
  });

  it("releases on request and on expiry, and never more than it holds", async () => {
    f = await bankFixture(kind);
    await expect(
      placeHold(f.ctx, {
        account: ref(),
        amount: 1_000_001n,
        reason: "x",
        idempotencyKey: "big",
        expiresAt: later(),
      }),
    ).rejects.toMatchObject({ code: "insufficient_funds" });
    const a = await placeHold(f.ctx, {
      account: ref(),
      amount: 100n,
      reason: "x",
      idempotencyKey: "a",
      expiresAt: later(),
    });
    await placeHold(f.ctx, {
      account: ref(),
      amount: 200n,
      reason: "x",
      idempotencyKey: "b",
      expiresAt: later(),
    });
    await releaseHold(f.ctx, { cooperativeId: 1, holdId: a.id });
    await releaseHold(f.ctx, { cooperativeId: 1, holdId: a.id });
    expect((await getAccount(f.db, 1, f.accounts[0]!.id)).held).toBe(200n);
    expect(await releaseExpiredHolds(f.ctx)).toBe(0);
    f.clock.advance(600_001);
    expect(await releaseExpiredHolds(f.ctx)).toBe(1);
    expect((await getAccount(f.db, 1, f.accounts[0]!.id)).held).toBe(0n);
    await expect(captureHold(f.ctx, { cooperativeId: 1, holdId: a.id, to: ref() })).rejects.toMatchObject({
      code: "hold_not_active",
    });
    await expect(releaseHold(f.ctx, { cooperativeId: 1, holdId: 999n })).rejects.toMatchObject({
      code: "hold_not_found",
    });
  });
});
