import { afterEach, describe, expect, it, vi } from "vitest";
import { formatAccountNumber } from "../../src/bank/account-number.ts";
import { getAccount } from "../../src/bank/accounts.ts";
import { memberTransfer } from "../../src/bank/member-transfer.ts";
import { registerOtp } from "../../src/bank/security-medium.ts";
import { totpCode } from "../../src/bank/totp.ts";
import { bankFixture, expectLedgerInvariants, type Fixture } from "../support/bank.ts";
import { dbKinds } from "../support/db.ts";

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
});
