// The demo federation that `geumgo init --demo` (and `npm start` on an empty data directory)
// creates: two cooperatives, branches, members with accounts and three months of history, among
// them 홍길동 with internet banking user ID `hong` and an OTP device, and the teller `teller01` and the
// manager `manager01` at the first cooperative's head office. Every person and number here is made up.
import { createTeller } from "../auth/tellers.ts";
import { enrollUser } from "../auth/users.ts";
import { type Account, openAccount } from "../bank/accounts.ts";
import type { BankContext } from "../bank/context.ts";
import { createBranch, createCooperative, internalAccountId } from "../bank/federation.ts";
import { createMember } from "../bank/members.ts";
import { registerOtp } from "../bank/security-medium.ts";
import { transfer } from "../bank/transfer.ts";

export const demoLogins = {
  member: { userId: "hong", password: "Hong!2026demo" },
  /** At 한빛새마을금고 본점 (cooperative 1, branch 1). */
  teller: { tellerId: "teller01", password: "Teller!2026demo" },
  /** A manager (책임자) at the same branch, who approves teller01's large withdrawals and limit raises. */
  manager: { tellerId: "manager01", password: "Manager!2026demo" },
};

const dayMs = 86_400_000;

/** The demo cooperatives' customer-centre numbers: made up (no exchange 0000 exists), shown in the footer. */
export const demoCustomerCentrePhones = { 1: "02-0000-9002", 2: "02-0000-9003" } as const;

async function setCustomerCentrePhone(ctx: BankContext, cooperativeId: number, phone: string): Promise<void> {
  await ctx.db.query("UPDATE cooperatives SET customer_centre_phone = $1 WHERE id = $2", [
    phone,
    cooperativeId,
  ]);
}

export async function demoExists(ctx: BankContext): Promise<boolean> {
  const { rowCount } = await ctx.db.query("SELECT 1 FROM cooperatives LIMIT 1");
  return rowCount > 0;
}

export async function seedDemo(ctx: BankContext): Promise<{ created: boolean }> {
  if (await demoExists(ctx)) return { created: false };
  const today = ctx.clock.now();
  await createCooperative(ctx, { id: 1, code: "9002", name: "한빛새마을금고" });
  await setCustomerCentrePhone(ctx, 1, demoCustomerCentrePhones[1]);
  await createBranch(ctx, { cooperativeId: 1, id: 1, code: "001", name: "본점" });
  await createBranch(ctx, { cooperativeId: 1, id: 2, code: "002", name: "역삼지점" });
  await createCooperative(ctx, { id: 2, code: "9003", name: "해오름새마을금고" });
  await setCustomerCentrePhone(ctx, 2, demoCustomerCentrePhones[2]);
  await createBranch(ctx, { cooperativeId: 2, id: 1, code: "001", name: "본점" });

  await createTeller(ctx.db, {
    cooperativeId: 1,
    branchId: 1,
    ...demoLogins.teller,
    name: "박창구",
    at: today,
  });
  await createTeller(ctx.db, {
    cooperativeId: 1,
    branchId: 1,
    ...demoLogins.manager,
    name: "최책임",
    role: "manager",
    at: today,
  });

  const people = [
    {
      coop: 1,
      branch: 1,
      name: "홍길동",
      rrn: "8503151234567",
      phone: "010-1234-5678",
      email: "hong@example.com",
    },
    {
      coop: 1,
      branch: 2,
      name: "김영희",
      rrn: "9207222345678",
      phone: "010-2345-6789",
      email: "younghee@example.com",
    },
    {
      coop: 2,
      branch: 1,
      name: "이철수",
      rrn: "7811301456789",
      phone: "010-3456-7890",
      email: "chulsoo@example.com",
    },
  ];
  const accounts: Account[] = [];
  for (const p of people) {
    const m = await createMember(ctx, {
      cooperativeId: p.coop,
      branchId: p.branch,
      realName: p.name,
      rrn: p.rrn,
      phone: p.phone,
      email: p.email,
      address: "서울특별시 강남구 테헤란로 1",
    });
    accounts.push(
      await openAccount(ctx, { cooperativeId: p.coop, memberId: m.id, kind: "demand", pin: "1234" }),
    );
    if (p.name === "홍길동") {
      await openAccount(ctx, { cooperativeId: p.coop, memberId: m.id, kind: "savings", pin: "1234" });
      await enrollUser(ctx.db, {
        cooperativeId: p.coop,
        memberId: m.id,
        ...demoLogins.member,
        mustChangePassword: false,
        at: today,
      });
      // Its code for a transfer: `geumgo demo otp hong`.
      await registerOtp(ctx, {
        cooperativeId: p.coop,
        memberId: m.id,
        account: demoLogins.member.userId,
        issuer: "한빛새마을금고",
      });
    }
  }
  const [hong, younghee, chulsoo] = accounts as [Account, Account, Account];

  // The outside world (employers, utilities) reaches the ledger through the clearing account.
  const outside = async (coop: number) => ({
    cooperativeId: coop,
    accountId: await internalAccountId(ctx.db, coop, "clearing"),
  });
  const ref = (a: Account) => ({ cooperativeId: a.cooperativeId, accountId: a.id });
  let n = 0;
  const post = async (
    daysAgo: number,
    hour: number,
    from: { cooperativeId: number; accountId: bigint },
    to: { cooperativeId: number; accountId: bigint },
    amount: bigint,
    memoTo: string,
    memoFrom: string,
  ) => {
    const at = new Date(today.getTime() - daysAgo * dayMs);
    at.setUTCHours(hour - 9, 10 + (n % 40), 0, 0);
    await transfer(
      { ...ctx, clock: { now: () => at } },
      {
        idempotencyKey: `demo-${n++}`,
        actor: { kind: "system" },
        kind: "deposit",
        from,
        to,
        amount,
        memoTo,
        memoFrom,
      },
    );
  };
  for (const a of accounts)
    await post(95, 10, await outside(a.cooperativeId), ref(a), 2_000_000n, "현금입금", "현금입금");
  for (const daysAgo of [85, 55, 25]) {
    await post(daysAgo, 9, await outside(1), ref(hong), 3_200_000n, "한빛상사 급여", "한빛상사 급여");
    await post(daysAgo - 2, 14, ref(hong), await outside(1), 187_400n, "관리비", "아파트관리비");
    await post(daysAgo - 5, 19, ref(hong), ref(younghee), 50_000n, "홍길동", "김영희 모임회비");
    await post(daysAgo - 9, 12, ref(hong), ref(chulsoo), 120_000n, "홍길동", "이철수");
    await post(daysAgo - 12, 20, ref(younghee), ref(hong), 35_000n, "김영희", "홍길동");
  }
  return { created: true };
}
