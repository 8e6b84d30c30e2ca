// Maker-checker at the counter, on both databases: a cash withdrawal above the cooperative's amount
// waits as a request (ID and PIN checked, nothing moved) until a manager of the branch approves it,
// when it is paid once from the maker's drawer under the maker's key, or rejects it, when nothing
// moves. The maker cannot decide their own, a teller who is no manager cannot decide, a decision is
// taken once, a request lapses, and a drawer closed meanwhile refuses the approval.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatAccountNumber } from "../../src/bank/account-number.ts";
import { type Account, getAccount } from "../../src/bank/accounts.ts";
import { createBranch } from "../../src/bank/federation.ts";
import { approvalAppliers } from "../../src/branch/approval-kinds.ts";
import { approvalExpiry, decideApproval, getApproval, pendingApprovals } from "../../src/branch/approvals.ts";
import {
  branchRules,
  defaultBranchRules,
  limitChangeNeedsApproval,
  setBranchRules,
} from "../../src/branch/branch-rules.ts";
import { closeDrawer, drawerDay, openDrawer } from "../../src/branch/cash-drawer.ts";
import { type CashWithdrawalInput, cashWithdrawal } from "../../src/branch/cash-withdrawal.ts";
import { bankFixture, expectLedgerInvariants, type Fixture } from "../support/bank.ts";
import { dbKinds } from "../support/db.ts";
import { createTellers, tellerDesk } from "../support/desk.ts";

describe.each(dbKinds)("maker-checker on %s", (kind) => {
  let f: Fixture;
  const desk = (tellerId: string, branchId = 1) => tellerDesk(f, tellerId, { branchId });
  const balance = async (a: Account) => (await getAccount(f.db, a.cooperativeId, a.id)).balance;
  const drawerCash = async (tellerId: string) => (await drawerDay(desk(tellerId))).cash;
  const withdraw = (tellerId: string, a: Account, amount: string, more: Partial<CashWithdrawalInput> = {}) =>
    cashWithdrawal(desk(tellerId), {
      idempotencyKey: randomUUID(),
      account: formatAccountNumber(a.number),
      amount,
      pin: "1234",
      idCheck: { document: "passport", checked: true },
      ...more,
    });
  /** A withdrawal held for approval: its request id. */
  const held = async (tellerId: string, a: Account, amount: string, key = randomUUID()) => {
    const r = await withdraw(tellerId, a, amount, { idempotencyKey: key });
    if (!("approval" in r)) throw new Error("paid at once, not held");
    return r.approval;
  };
  const decide = (tellerId: string, id: string, decision: "approve" | "reject", branchId = 1) =>
    decideApproval(desk(tellerId, branchId), BigInt(id), decision, approvalAppliers);

  beforeAll(async () => {
    f = await bankFixture(kind);
    await createBranch(f.ctx, { cooperativeId: 1, id: 2, code: "002", name: "역삼지점" });
    await createTellers(f, [
      "maker01",
      "maker02",
      { tellerId: "boss01", role: "manager" },
      { tellerId: "boss02", role: "manager" },
      { tellerId: "boss09", role: "manager", branchId: 2 },
    ]);
    for (const t of ["maker01", "maker02", "boss01"]) await openDrawer(desk(t), { count: "900000" });
  }, 120_000);
  afterAll(async () => {
    await f?.close();
  });

  it("has the defaults until the operator sets the amounts; a limit needs approval only when raised above its amount", async () => {
    expect(await branchRules(f.db, 1)).toEqual(defaultBranchRules);
    expect(defaultBranchRules).toEqual({
      withdrawalApprovalAbove: 10_000_000n,
      limitApprovalAbove: 50_000_000n,
    });
    // With the default, 900,000 is paid at once.
    const a = f.accounts[0]!;
    const paid = await withdraw("maker01", a, "100000");
    expect("receipt" in paid).toBe(true);
    await setBranchRules(f.db, 1, { withdrawalApprovalAbove: 100_000n }, f.clock.now());
    expect(await branchRules(f.db, 1)).toEqual({
      withdrawalApprovalAbove: 100_000n,
      limitApprovalAbove: 50_000_000n,
    });
    expect(await branchRules(f.db, 2)).toEqual(defaultBranchRules);
    // The amount itself is still paid at once; a won more waits.
    expect("receipt" in (await withdraw("maker01", a, "100000"))).toBe(true);
    expect("approval" in (await withdraw("maker01", a, "100001"))).toBe(true);
    expect(limitChangeNeedsApproval(defaultBranchRules, 10_000_000n, 60_000_000n)).toBe(true);
    expect(limitChangeNeedsApproval(defaultBranchRules, 10_000_000n, 50_000_000n)).toBe(false);
    // Lowering, even from far above the amount, needs nobody.
    expect(limitChangeNeedsApproval(defaultBranchRules, 90_000_000n, 60_000_000n)).toBe(false);
  });

  it("holds a large withdrawal, then pays it once from the maker's drawer when a manager approves", async () => {
    const a = f.accounts[1]!;
    const before = await balance(a);
    const makerCash = await drawerCash("maker01");
    const bossCash = await drawerCash("boss01");
    const key = randomUUID();
    const request = await held("maker01", a, "300000", key);
    expect(request).toMatchObject({
      kind: "cash_withdrawal",
      status: "pending",
      maker: { tellerId: "maker01", name: "직원01" },
      checker: null,
      memberName: "회원1-1",
      account: formatAccountNumber(a.number),
      amount: "300000",
      request: { idDocument: "passport" },
      receipt: null,
    });
    expect(request.expiresAt).toBe(approvalExpiry(f.clock.now()).toISOString());
    // Nothing moved while it waits.
    expect(await balance(a)).toBe(before);
    expect(await drawerCash("maker01")).toBe(makerCash);

    // The maker's retry (a double click, a lost answer) is the same request, and spends no PIN try.
    const again = await withdraw("maker01", a, "300000", { idempotencyKey: key, pin: "0000" });
    expect(again).toEqual({ approval: request });
    await expect(withdraw("maker01", a, "300001", { idempotencyKey: key })).rejects.toMatchObject({
      code: "idempotency_key_reused",
    });

    expect((await pendingApprovals(desk("boss01"))).map((r) => r.id)).toContain(request.id);
    // Another branch's manager neither sees nor decides it.
    expect((await pendingApprovals(desk("boss09", 2))).map((r) => r.id)).not.toContain(request.id);
    await expect(decide("boss09", request.id, "approve", 2)).rejects.toMatchObject({
      code: "approval_not_found",
    });
    // A teller who is no manager cannot decide, nor list.
    await expect(decide("maker02", request.id, "approve")).rejects.toMatchObject({
      code: "approval_not_manager",
    });
    await expect(pendingApprovals(desk("maker02"))).rejects.toMatchObject({ code: "approval_not_manager" });

    // Two approvals at once (a double click, two managers): one is taken, the other refused.
    const both = await Promise.allSettled([
      decide("boss01", request.id, "approve"),
      decide("boss02", request.id, "approve"),
    ]);
    const approved = both.filter((r) => r.status === "fulfilled");
    expect(approved).toHaveLength(1);
    expect(both.find((r) => r.status === "rejected")).toMatchObject({
      reason: { code: "approval_already_decided" },
    });
    const decided = (approved[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof decide>>>).value;
    expect(decided).toMatchObject({
      status: "approved",
      checker: { tellerId: expect.stringMatching(/^boss0[12]$/) },
    });
    // Paid from the maker's drawer, once; the manager's drawer is untouched.
    expect(decided.receipt).toMatchObject({ kind: "withdrawal", amount: "300000", tellerId: "maker01" });
    expect(await balance(a)).toBe(before - 300_000n);
    expect(await drawerCash("maker01")).toBe((BigInt(makerCash) - 300_000n).toString());
    expect(await drawerCash("boss01")).toBe(bossCash);
    await expect(decide("boss01", request.id, "reject")).rejects.toMatchObject({
      code: "approval_already_decided",
    });

    // The maker's poll sees the outcome; their retry of the same request gets the receipt.
    expect(await getApproval(desk("maker01"), BigInt(request.id))).toEqual(decided);
    const retry = await withdraw("maker01", a, "300000", { idempotencyKey: key });
    expect(retry).toEqual({ receipt: decided.receipt, replayed: true });
    expect(await balance(a)).toBe(before - 300_000n);
    await expectLedgerInvariants(f.db);

    const audit = await f.db.query<{ action: string; actor: string }>(
      "SELECT action, actor FROM audit_log WHERE action LIKE 'teller.approval%' ORDER BY seq",
    );
    expect(audit.rows).toContainEqual({ action: "teller.approval_request", actor: "teller:maker01" });
    expect(audit.rows).toContainEqual({ action: "teller.approval_list", actor: "teller:boss01" });
    expect(audit.rows).toContainEqual({
      action: "teller.approval_approve",
      actor: decided.checker!.tellerId.replace(/^/, "teller:"),
    });
  });

  it("refuses the maker's own approval, and a rejection moves nothing", async () => {
    const a = f.accounts[0]!;
    const before = await balance(a);
    const own = await held("boss01", a, "200000");
    await expect(decide("boss01", own.id, "approve")).rejects.toMatchObject({ code: "approval_own_request" });
    const rejected = await decide("boss02", own.id, "reject");
    expect(rejected).toMatchObject({ status: "rejected", checker: { tellerId: "boss02" }, receipt: null });
    await expect(decide("boss02", own.id, "approve")).rejects.toMatchObject({
      code: "approval_already_decided",
    });
    expect(await balance(a)).toBe(before);
    expect((await pendingApprovals(desk("boss02"))).map((r) => r.id)).not.toContain(own.id);
    await expectLedgerInvariants(f.db);
  });

  it("lets a request lapse after half an hour", async () => {
    const a = f.accounts[0]!;
    const before = await balance(a);
    const request = await held("maker02", a, "150000");
    f.clock.advance(30 * 60_000);
    expect((await getApproval(desk("maker02"), BigInt(request.id))).status).toBe("expired");
    expect((await pendingApprovals(desk("boss01"))).map((r) => r.id)).not.toContain(request.id);
    await expect(decide("boss01", request.id, "approve")).rejects.toMatchObject({ code: "approval_expired" });
    const stored = await f.db.query<{ status: string }>(
      "SELECT status FROM approval_requests WHERE cooperative_id = 1 AND id = $1",
      [BigInt(request.id)],
    );
    expect(stored.rows[0]!.status).toBe("expired");
    expect(await balance(a)).toBe(before);
  });

  it("refuses the approval when the maker's drawer closed meanwhile, and pays nothing", async () => {
    const a = f.accounts[1]!;
    const before = await balance(a);
    const request = await held("maker02", a, "120000");
    const view = await drawerDay(desk("maker02"));
    await closeDrawer(desk("maker02"), { count: view.cash });
    await expect(decide("boss01", request.id, "approve")).rejects.toMatchObject({
      code: "approval_drawer_closed",
    });
    // Still pending, to be rejected.
    expect((await getApproval(desk("boss01"), BigInt(request.id))).status).toBe("pending");
    expect(await balance(a)).toBe(before);
    await expectLedgerInvariants(f.db);
  });
});
