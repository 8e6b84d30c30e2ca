import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { findUser, passwordMatches } from "../../src/auth/users.ts";
import { getAccountByNumber, listMemberAccounts } from "../../src/bank/accounts.ts";
import { accountHistory } from "../../src/bank/history.ts";
import { getMember } from "../../src/bank/members.ts";
import { verifyPin } from "../../src/bank/passbook-pin.ts";
import { demoCustomerCentrePhones, demoLogins, seedDemo } from "../../src/demo/seed.ts";
import { expectLedgerInvariants } from "../support/bank.ts";
import { dbKinds, freshDb } from "../support/db.ts";

describe.each(dbKinds)("the demo federation on %s", (kind) => {
  it("has 홍길동 as `hong` with accounts and three months of history, once", async () => {
    const db = await freshDb(kind);
    try {
      const ctx = {
        db,
        clock: { now: () => new Date("2026-11-25T03:00:00Z") },
        rrnKeys: { encryption: randomBytes(32), index: randomBytes(32) },
        pinKey: randomBytes(32),
      };
      expect(await seedDemo(ctx)).toEqual({ created: true });
      expect(await seedDemo(ctx)).toEqual({ created: false });
      const user = (await findUser(db, "HONG"))!;
      expect(await passwordMatches(demoLogins.member.password, user.passwordHash)).toBe(true);
      expect(await passwordMatches("wrong", user.passwordHash)).toBe(false);
      const member = await getMember(ctx, user.cooperativeId, user.memberId);
      expect(member.realName).toBe("홍길동");
      const accounts = await listMemberAccounts(db, user.cooperativeId, user.memberId);
      expect(accounts.map((a) => a.kind)).toEqual(["demand", "savings"]);
      // README gives these to a newcomer, who needs them to finish a transfer.
      expect(accounts.map((a) => a.number)).toEqual(["9002000010006", "9002000010014"]);
      for (const a of accounts) await verifyPin(ctx, a.cooperativeId, a.id, "1234");
      for (const [number, name] of [
        ["9002-0000-1002-2", "김영희"],
        ["9003-0000-1000-4", "이철수"],
      ] as const) {
        const a = await getAccountByNumber(db, number);
        expect((await getMember(ctx, a.cooperativeId, a.memberId!)).realName).toBe(name);
      }
      const history = await accountHistory(db, { cooperativeId: 1, accountId: accounts[0]!.id, limit: 200 });
      expect(history.entries.length).toBeGreaterThan(10);
      expect(history.entries[0]!.balanceAfter).toBe(accounts[0]!.balance);
      await expectLedgerInvariants(db);
    } finally {
      await db.close();
    }
  });

  it("gives each demo cooperative a customer-centre number for the member site's footer", async () => {
    const db = await freshDb(kind);
    try {
      const ctx = {
        db,
        clock: { now: () => new Date("2026-11-25T03:00:00Z") },
        rrnKeys: { encryption: randomBytes(32), index: randomBytes(32) },
        pinKey: randomBytes(32),
      };
      await seedDemo(ctx);
      const { rows } = await db.query<{ id: number; customer_centre_phone: string | null }>(
        "SELECT id, customer_centre_phone FROM cooperatives ORDER BY id",
      );
      expect(rows).toEqual([
        { id: 1, customer_centre_phone: demoCustomerCentrePhones[1] },
        { id: 2, customer_centre_phone: demoCustomerCentrePhones[2] },
      ]);
      await expect(
        db.query("UPDATE cooperatives SET customer_centre_phone = 'call us' WHERE id = 1"),
      ).rejects.toThrow();
    } finally {
      await db.close();
    }
  });
});
