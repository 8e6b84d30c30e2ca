import { afterEach, describe, expect, it, vi } from "vitest";
import { formatAccountNumber } from "../../src/bank/account-number.ts";
import { getAccount } from "../../src/bank/accounts.ts";
import { memberTransfer } from "../../src/bank/member-transfer.ts";
import { registerOtp } from "../../src/bank/security-medium.ts";
import { totpCode } from "../../src/bank/totp.ts";
import { claimLifetimeMs, purgeStaleClaims } from "../../src/bank/transfer-claims.ts";
import { openPostgres } from "../../src/db/postgres.ts";
import { bankFixture, expectLedgerInvariants, type Fixture } from "../support/bank.ts";
import { dbKinds } from "../support/db.ts";

/**
 * Starts a transfer that never gets past its signature check (as a process that died there), and
 * resolves once it is stuck there, its claim taken.
 */
async function stuckTransferOn(
  ctx: Parameters<typeof memberTransfer>[0],
  input: Parameters<typeof memberTransfer>[1],
) {
  await new Promise<void>((stuck) => {
    void memberTransfer(ctx, input, {
      checkSignature: () => {
        stuck();
        return new Promise<void>(() => {});
      },
    });
  });
}

describe.each(dbKinds)("a member's transfer on %s", (kind) => {
  let f: Fixture;
  afterEach(async () => {
    await expectLedgerInvariants(f.db);
    await f.close();
  });

  async function setUp() {
    f = await bankFixture(kind);
    const m = f.members[0]!;
    const who = { cooperativeId: m.cooperativeId, memberId: m.id };
    const { secret } = await registerOtp(f.ctx, { ...who, account: "hong", issuer: "금고" });
    const [a, b] = f.accounts;
    const input = (over: { idempotencyKey?: string; amount?: bigint } = {}) => ({
      who,
      idempotencyKey: over.idempotencyKey ?? `k-${Math.random()}`,
      fromAccount: formatAccountNumber(a!.number),
      toAccount: b!.number,
      amount: over.amount ?? 30_000n,
      memo: null,
      pin: "1234",
      mediumAnswer: vi.fn(() => totpCode(secret, f.clock.now())),
    });
    return { who, a: a!, b: b!, input };
  }

  it("posts, notifies and answers a repeat with the first receipt, spending no code", async () => {
    const { a, b, input } = await setUp();
    const first = input({ idempotencyKey: "same-key-1" });
    const beforeCodeCheck = vi.fn(async () => {});
    const r = await memberTransfer(f.ctx, first, { beforeCodeCheck });
    expect(r.replayed).toBe(false);
    expect(r.receipt).toMatchObject({
      fromAccount: a.number,
      toAccount: b.number,
      recipientName: "회원1-1",
      amount: 30_000n,
      balanceAfter: 970_000n,
      memo: null,
    });
    expect(beforeCodeCheck).toHaveBeenCalledOnce();
    expect(first.mediumAnswer).toHaveBeenCalledWith("otp");
    const { rows } = await f.db.query<{ kind: string }>("SELECT kind FROM notifications ORDER BY id");
    expect(rows.map((n) => n.kind)).toEqual(["transfer_out", "transfer_in"]);

    const repeat = input({ idempotencyKey: "same-key-1" });
    const again = await memberTransfer(f.ctx, repeat, { beforeCodeCheck });
    expect(again).toEqual({ receipt: r.receipt, replayed: true });
    expect(beforeCodeCheck).toHaveBeenCalledOnce();
    expect(repeat.mediumAnswer).not.toHaveBeenCalled();
    await expect(
      memberTransfer(f.ctx, input({ idempotencyKey: "same-key-1", amount: 1n })),
    ).rejects.toMatchObject({ code: "idempotency_key_reused" });
  });

  it("lets the caller's signature check refuse the transfer before any money moves", async () => {
    const { a, b, who, input } = await setUp();
    const checkSignature = vi.fn(async () => {
      throw new Error("signature refused");
    });
    await expect(memberTransfer(f.ctx, input(), { checkSignature })).rejects.toThrow("signature refused");
    expect(checkSignature).toHaveBeenCalledWith(
      expect.objectContaining({
        actor: { kind: "member", ...who, medium: "otp" },
        from: { cooperativeId: a.cooperativeId, accountId: a.id },
        to: { cooperativeId: b.cooperativeId, accountId: b.id },
        amount: 30_000n,
      }),
    );
    expect((await getAccount(f.db, a.cooperativeId, a.id)).balance).toBe(1_000_000n);
  });
  it("refuses a duplicate while the first is running, checking no code; another body under the key is reused", async () => {
    const { a, who, input } = await setUp();
    const failures = async () => ({
      pin: (
        await f.db.query<{ pin_failures: number }>(
          "SELECT pin_failures FROM accounts WHERE cooperative_id = $1 AND id = $2",
          [a.cooperativeId, a.id],
        )
      ).rows[0]!.pin_failures,
      medium: (
        await f.db.query<{ failures: number }>(
          "SELECT failures FROM security_media WHERE cooperative_id = $1 AND member_id = $2",
          [who.cooperativeId, who.memberId],
        )
      ).rows[0]!.failures,
    });
    // The first stops just before the money moves, its PIN and OTP already judged.
    let release = () => {};
    let reached = () => {};
    const atSignature = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const first = memberTransfer(f.ctx, input({ idempotencyKey: "in-flight-1" }), {
      checkSignature: () =>
        new Promise<void>((resolve) => {
          release = resolve;
          reached();
        }),
    });
    await atSignature;
    // On PostgreSQL the duplicates come through a pool of their own, as from another process.
    const elsewhereDb = f.db.url ? openPostgres(f.db.url) : undefined;
    const elsewhere = elsewhereDb ? { ...f.ctx, db: elsewhereDb } : f.ctx;
    const duplicate = input({ idempotencyKey: "in-flight-1" });
    const beforeCodeCheck = vi.fn(async () => {});
    await expect(memberTransfer(elsewhere, duplicate, { beforeCodeCheck })).rejects.toMatchObject({
      code: "transfer_in_progress",
      details: { retryAfterSeconds: 1 },
    });
    const other = input({ idempotencyKey: "in-flight-1", amount: 1n });
    await expect(memberTransfer(elsewhere, other)).rejects.toMatchObject({
      code: "idempotency_key_reused",
    });
    await elsewhereDb?.close();
    expect(duplicate.mediumAnswer).not.toHaveBeenCalled();
    expect(other.mediumAnswer).not.toHaveBeenCalled();
    expect(beforeCodeCheck).not.toHaveBeenCalled();
    expect(await failures()).toEqual({ pin: 0, medium: 0 });

    release();
    const done = await first;
    expect(done.replayed).toBe(false);
    // Once it has finished, the duplicate gets its receipt; the claim is gone.
    expect(await memberTransfer(f.ctx, input({ idempotencyKey: "in-flight-1" }))).toEqual({
      receipt: done.receipt,
      replayed: true,
    });
    expect((await f.db.query("SELECT 1 FROM transfer_claims")).rows).toHaveLength(0);
    expect(await failures()).toEqual({ pin: 0, medium: 0 });
  });

  it("a refused transfer lets its key go, and a claim left by a dead process is taken over", async () => {
    const { input } = await setUp();
    await expect(
      memberTransfer(f.ctx, { ...input({ idempotencyKey: "refused-1" }), pin: "0000" }),
    ).rejects.toMatchObject({ code: "pin_wrong", details: { remaining: 4 } });
    expect((await f.db.query("SELECT 1 FROM transfer_claims")).rows).toHaveLength(0);
    expect((await memberTransfer(f.ctx, input({ idempotencyKey: "refused-1" }))).replayed).toBe(false);

    // A process that died mid-transfer (here: one that never gets past its signature check) left
    // its claim: a duplicate is refused at first, and takes the claim over once it is stale.
    f.clock.advance(30_000); // the next OTP step: the last code was spent
    await stuckTransferOn(f.ctx, input({ idempotencyKey: "dead-1" }));
    await expect(memberTransfer(f.ctx, input({ idempotencyKey: "dead-1" }))).rejects.toMatchObject({
      code: "transfer_in_progress",
    });
    f.clock.advance(claimLifetimeMs + 1);
    expect((await memberTransfer(f.ctx, input({ idempotencyKey: "dead-1" }))).replayed).toBe(false);
  });

  it("the scheduler sweeps away a dead process's claim once it is stale, and not before", async () => {
    const { input } = await setUp();
    await stuckTransferOn(f.ctx, input({ idempotencyKey: "dead-2" }));
    const claims = async () => (await f.db.query("SELECT 1 FROM transfer_claims")).rows.length;
    expect(await purgeStaleClaims(f.db, f.clock.now())).toBe(0);
    expect(await claims()).toBe(1);
    f.clock.advance(claimLifetimeMs + 1);
    expect(await purgeStaleClaims(f.db, f.clock.now())).toBe(1);
    expect(await claims()).toBe(0);
  });
});
