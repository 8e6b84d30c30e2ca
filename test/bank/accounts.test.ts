import { afterEach, describe, expect, it } from "vitest";
import { formatAccountNumber } from "../../src/bank/account-number.ts";
import {
  getAccountByNumber,
  listMemberAccounts,
  openAccount,
  setAccountStatus,
} from "../../src/bank/accounts.ts";
import { createMember, findMemberByRrn, getMember, memberRrnMatches } from "../../src/bank/members.ts";
import { bankFixture, expectLedgerInvariants, type Fixture } from "../support/bank.ts";
import { dbKinds } from "../support/db.ts";

describe.each(dbKinds)("members and accounts on %s", (kind) => {
  let f: Fixture;
  afterEach(async () => {
    await expectLedgerInvariants(f.db);
    await f.close();
  });

  it("keeps the resident registration number encrypted, finds it by index, shows it masked", async () => {
    f = await bankFixture(kind, { membersPerCoop: 0 });
    const m = await createMember(f.ctx, {
      cooperativeId: 1,
      branchId: 1,
      realName: "홍길동",
      rrn: "850315-1234567",
    });
    expect(m.rrnMasked).toBe("850315-1******");
    const { rows } = await f.db.query<{ rrn_ciphertext: Uint8Array }>("SELECT rrn_ciphertext FROM members");
    expect(Buffer.from(rows[0]!.rrn_ciphertext).includes(Buffer.from("8503151234567"))).toBe(false);
    expect((await findMemberByRrn(f.ctx, 1, "8503151234567"))?.id).toBe(m.id);
    expect(await findMemberByRrn(f.ctx, 2, "8503151234567")).toBeUndefined();
    expect(await memberRrnMatches(f.ctx, 1, m.id, "850315-1234567")).toBe(true);
    expect(await memberRrnMatches(f.ctx, 1, m.id, "850315-1234568")).toBe(false);
    await expect(
      createMember(f.ctx, { cooperativeId: 1, branchId: 1, realName: "홍길동", rrn: "8503151234567" }),
    ).rejects.toMatchObject({ code: "member_exists" });
    await expect(
      createMember(f.ctx, { cooperativeId: 1, branchId: 9, realName: "x", rrn: "8503151234560" }),
    ).rejects.toMatchObject({ code: "branch_not_found" });
    expect((await getMember(f.ctx, 1, m.id)).realName).toBe("홍길동");
  });

  it("numbers accounts per cooperative and finds them by their number", async () => {
    f = await bankFixture(kind);
    const m = f.members[0]!;
    const savings = await openAccount(f.ctx, {
      cooperativeId: 1,
      memberId: m.id,
      kind: "savings",
      pin: "0000",
    });
    expect(savings.number.startsWith("9002")).toBe(true);
    expect(new Set(f.accounts.map((a) => a.number).concat(savings.number)).size).toBe(f.accounts.length + 1);
    expect((await getAccountByNumber(f.db, formatAccountNumber(savings.number))).id).toBe(savings.id);
    expect((await listMemberAccounts(f.db, 1, m.id)).map((a) => a.kind)).toEqual(["demand", "savings"]);
    await expect(getAccountByNumber(f.db, "9999-0000-1000-0")).rejects.toMatchObject({
      code: expect.stringMatching(/account_not_found|bad_account_number/),
    });
  });

  it("closes only an empty account, and never reopens a closed one", async () => {
    f = await bankFixture(kind);
    await expect(setAccountStatus(f.ctx, 1, f.accounts[0]!.id, "closed")).rejects.toMatchObject({
      code: "insufficient_funds",
    });
    const m = f.members[0]!;
    const empty = await openAccount(f.ctx, {
      cooperativeId: 1,
      memberId: m.id,
      kind: "savings",
      pin: "0000",
    });
    await setAccountStatus(f.ctx, 1, empty.id, "closed");
    await expect(setAccountStatus(f.ctx, 1, empty.id, "active")).rejects.toMatchObject({
      code: "account_closed",
    });
  });
});
