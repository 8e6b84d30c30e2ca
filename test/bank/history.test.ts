import { afterEach, describe, expect, it } from "vitest";
import { accountHistory, seoulDateRange } from "../../src/bank/history.ts";
import { transfer } from "../../src/bank/transfer.ts";
import { bankFixture, type Fixture } from "../support/bank.ts";

describe("account history", () => {
  let f: Fixture;
  afterEach(() => f.close());

  it("pages newest first with running balances, and filters by Seoul calendar day", async () => {
    f = await bankFixture("pglite");
    const [a, b] = f.accounts;
    const m = f.members[0]!;
    f.clock.at = new Date("2026-11-20T14:59:00Z"); // 23:59 on the 20th in Seoul
    for (let i = 1; i <= 5; i++) {
      if (i === 3) f.clock.at = new Date("2026-11-20T15:01:00Z"); // 00:01 on the 21st
      await transfer(f.ctx, {
        idempotencyKey: `h${i}`,
        actor: { kind: "member", cooperativeId: 1, memberId: m.id, medium: "otp" },
        from: { cooperativeId: 1, accountId: a!.id },
        to: { cooperativeId: 1, accountId: b!.id },
        amount: BigInt(i * 1000),
      });
    }
    const p1 = await accountHistory(f.db, { cooperativeId: 1, accountId: a!.id, limit: 4 });
    expect(p1.entries.map((e) => e.amount)).toEqual([-5000n, -4000n, -3000n, -2000n]);
    expect(p1.entries[0]!.balanceAfter).toBe(1_000_000n - 15_000n);
    const p2 = await accountHistory(f.db, {
      cooperativeId: 1,
      accountId: a!.id,
      limit: 4,
      before: p1.nextCursor!,
    });
    expect(p2.entries.map((e) => e.amount)).toEqual([-1000n, 1_000_000n]);
    expect(p2.nextCursor).toBeUndefined();
    const day20 = await accountHistory(f.db, {
      cooperativeId: 1,
      accountId: a!.id,
      ...seoulDateRange("2026-11-20", "2026-11-20"),
    });
    expect(day20.entries.map((e) => e.amount)).toEqual([-2000n, -1000n]);
    const day21 = await accountHistory(f.db, {
      cooperativeId: 1,
      accountId: a!.id,
      ...seoulDateRange("2026-11-21", "2026-11-21"),
    });
    expect(day21.entries.map((e) => e.amount)).toEqual([-5000n, -4000n, -3000n]);
  });

  it("refuses an impossible date range and an unknown account", async () => {
    f = await bankFixture("pglite");
    expect(() => seoulDateRange("2026-11-21", "2026-11-20")).toThrow(
      expect.objectContaining({ code: "bad_date_range" }),
    );
    expect(() => seoulDateRange("2026-13-01", "2026-13-02")).toThrow(
      expect.objectContaining({ code: "bad_date_range" }),
    );
    await expect(accountHistory(f.db, { cooperativeId: 1, accountId: 424242n })).rejects.toMatchObject({
      code: "account_not_found",
    });
  });
});
