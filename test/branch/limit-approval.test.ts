// A limit raise held for a manager, on both databases: above the cooperative's amount it is recorded
// as a request (nothing changed, no one told), the same key again finds the same request, a manager's
// approval applies it once and tells the member once, naming the manager in the record; the maker
// cannot approve their own, a rejection or a lapse changes nothing, and a lowering or a raise within
// the amount applies at once.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getLimits } from "../../src/bank/limits.ts";
import { lowerMemberLimits } from "../../src/bank/member-limits.ts";
import { issueSecurityCard, registerOtp } from "../../src/bank/security-medium.ts";
import { approvalAppliers } from "../../src/branch/approval-kinds.ts";
import { decideApproval, getApproval } from "../../src/branch/approvals.ts";
import type { ChangeLimitsInput } from "../../src/branch/change-limits.ts";
import { changeLimitsWithApproval } from "../../src/branch/limit-approval.ts";
import { bankFixture, type Fixture } from "../support/bank.ts";
import { dbKinds } from "../support/db.ts";
import { createTellers, tellerDesk } from "../support/desk.ts";
import { limitNotices, limitRaise } from "../support/limits.ts";

describe.each(dbKinds)("limit raises held for a manager on %s", (kind) => {
  let f: Fixture;
  const desk = (tellerId: string) => tellerDesk(f, tellerId);
  const otpMember = () => f.members[0]!.id;
  const cardMember = () => f.members[1]!.id;
  const input = limitRaise;
  const change = (tellerId: string, i: ChangeLimitsInput, key: string) =>
    changeLimitsWithApproval(desk(tellerId), i, key);
  /** A change held for approval: its request. */
  const held = async (tellerId: string, i: ChangeLimitsInput, key = randomUUID()) => {
    const r = await change(tellerId, i, key);
    if (!("approval" in r)) throw new Error("applied at once, not held");
    return r.approval;
  };
  const decide = (tellerId: string, id: string, decision: "approve" | "reject") =>
    decideApproval(desk(tellerId), BigInt(id), decision, approvalAppliers);
  const notices = (memberId: bigint) => limitNotices(f.db, memberId);
  const otp = async (memberId: bigint) => (await getLimits(f.db, 1, memberId)).otp;
  const audits = async (action: string) =>
    (
      await f.db.query<{ actor: string; subject: string | null; payload: string }>(
        "SELECT actor, subject, payload FROM audit_log WHERE action = $1 ORDER BY seq",
        [action],
      )
    ).rows.map((r) => ({ actor: r.actor, subject: r.subject, details: JSON.parse(r.payload).details }));
  const requestCount = async () =>
    Number((await f.db.query<{ n: string }>("SELECT count(*)::text AS n FROM approval_requests")).rows[0]!.n);

  beforeAll(async () => {
    f = await bankFixture(kind, { membersPerCoop: 3, funding: 0n });
    await createTellers(f, [
      "maker01",
      { tellerId: "boss01", role: "manager" },
      { tellerId: "boss02", role: "manager" },
    ]);
    await registerOtp(f.ctx, { cooperativeId: 1, memberId: otpMember(), account: "m0", issuer: "금고" });
    await issueSecurityCard(f.ctx, { cooperativeId: 1, memberId: cardMember() });
    // The member lowered the OTP limits online (told once): a raise is what the branch is asked.
    await lowerMemberLimits(
      f.ctx,
      { cooperativeId: 1, memberId: otpMember() },
      { perTransfer: 1_000_000n, perDay: 3_000_000n },
    );
  }, 120_000);
  afterAll(async () => {
    await f?.close();
  });

  let requestId = "";
  const key = randomUUID();

  it("holds a raise above the amount: nothing changed, no one told, the same key finds the same request", async () => {
    const request = await held("maker01", input(otpMember()), key);
    expect(request).toMatchObject({
      kind: "limit_change",
      status: "pending",
      maker: { tellerId: "maker01", name: "직원01" },
      checker: null,
      account: null,
      amount: "200000000",
      request: {
        medium: "otp",
        perTransfer: "50000000",
        perDay: "200000000",
        currentPerTransfer: "1000000",
        currentPerDay: "3000000",
        reason: "사업자금 이체: 회원 요청",
        idDocument: "driver_license",
      },
    });
    requestId = request.id;
    expect(await otp(otpMember())).toEqual({ perTransfer: 1_000_000n, perDay: 3_000_000n });
    expect(await notices(otpMember())).toHaveLength(1);
    expect(await audits("teller.limits_changed")).toEqual([]);

    // A retry after a lost answer: the same request as it stands, nothing recorded again.
    f.clock.advance(1_000);
    const again = await held("maker01", input(otpMember()), key);
    expect(again).toEqual(request);
    expect(await requestCount()).toBe(1);
    const asked = await audits("teller.approval_request");
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({
      actor: "teller:maker01",
      subject: `approval:${requestId}`,
      details: {
        kind: "limit_change",
        medium: "otp",
        perDay: "200000000",
        reason: "사업자금 이체: 회원 요청",
        idDocument: "driver_license",
      },
    });
  });

  it("applies the raise once when a manager approves, tells the member once and names the manager", async () => {
    f.clock.advance(60_000);
    const decided = await decide("boss01", requestId, "approve");
    expect(decided).toMatchObject({ status: "approved", checker: { tellerId: "boss01", name: "직원01" } });
    expect(await otp(otpMember())).toEqual({ perTransfer: 50_000_000n, perDay: 200_000_000n });
    const told = await notices(otpMember());
    expect(told).toHaveLength(2);
    expect(told[0]!.body.ko).toContain(
      "본점 창구에서 OTP 이체한도를 1회 50,000,000원, 1일 200,000,000원으로",
    );
    // The maker's poll sees the decision and who took it.
    expect(await getApproval(desk("maker01"), BigInt(requestId))).toMatchObject({
      status: "approved",
      checker: { tellerId: "boss01" },
    });
    const approved = await audits("teller.approval_approve");
    expect(approved).toHaveLength(1);
    expect(approved[0]).toMatchObject({
      actor: "teller:boss01",
      subject: `approval:${requestId}`,
      details: {
        kind: "limit_change",
        maker: "maker01",
        medium: "otp",
        perTransfer: "50000000",
        perDay: "200000000",
        reason: "사업자금 이체: 회원 요청",
      },
    });

    // A second approval is refused; the maker's retry under the same key changes nothing again.
    await expect(decide("boss02", requestId, "approve")).rejects.toMatchObject({
      code: "approval_already_decided",
    });
    const retried = await change("maker01", input(otpMember()), key);
    expect(retried).toMatchObject({ changed: false });
    expect(await notices(otpMember())).toHaveLength(2);
    expect(await requestCount()).toBe(1);
  });

  it("lets no one approve their own request, and a rejection changes nothing", async () => {
    const raise = input(otpMember(), { perTransfer: "70000000", perDay: "300000000" });
    const own = await held("boss02", raise);
    await expect(decide("boss02", own.id, "approve")).rejects.toMatchObject({
      name: "TellerError",
      code: "approval_own_request",
    });
    // A teller who is no manager decides nothing either.
    await expect(decide("maker01", own.id, "approve")).rejects.toMatchObject({
      code: "approval_not_manager",
    });
    expect(await getApproval(desk("boss02"), BigInt(own.id))).toMatchObject({ status: "pending" });
    expect(await decide("boss01", own.id, "reject")).toMatchObject({ status: "rejected" });
    expect(await otp(otpMember())).toEqual({ perTransfer: 50_000_000n, perDay: 200_000_000n });
    expect(await notices(otpMember())).toHaveLength(2);
  });

  it("changes nothing when the request lapses before a manager decides", async () => {
    const lapsing = await held("maker01", input(otpMember(), { perDay: "400000000" }));
    f.clock.advance(24 * 60 * 60_000);
    await expect(decide("boss01", lapsing.id, "approve")).rejects.toMatchObject({
      code: "approval_expired",
    });
    expect(await getApproval(desk("maker01"), BigInt(lapsing.id))).toMatchObject({ status: "expired" });
    expect(await otp(otpMember())).toEqual({ perTransfer: 50_000_000n, perDay: 200_000_000n });
    expect(await notices(otpMember())).toHaveLength(2);
  });

  it("applies a lowering, or a raise within the amount, at once", async () => {
    const before = await requestCount();
    // Lowered, even to a daily limit still above the amount: no manager needed.
    const lowered = await change(
      "maker01",
      input(otpMember(), { perTransfer: "10000000", perDay: "60000000" }),
      randomUUID(),
    );
    expect(lowered).toMatchObject({
      changed: true,
      approvedBy: null,
      limits: { perTransfer: "10000000", perDay: "60000000" },
    });
    expect(await notices(otpMember())).toHaveLength(3);

    // The security card's daily maximum is the amount itself: raised to it, it applies at once.
    await lowerMemberLimits(
      f.ctx,
      { cooperativeId: 1, memberId: cardMember() },
      { perTransfer: 1_000_000n, perDay: 5_000_000n },
    );
    const raised = await change(
      "maker01",
      input(cardMember(), { perTransfer: "10000000", perDay: "50000000" }),
      randomUUID(),
    );
    expect(raised).toMatchObject({ changed: true, limits: { perTransfer: "10000000", perDay: "50000000" } });
    expect((await getLimits(f.db, 1, cardMember())).card).toEqual({
      perTransfer: 10_000_000n,
      perDay: 50_000_000n,
    });
    expect(await requestCount()).toBe(before);
  });

  it("refuses to apply a raise judged on limits the member lowered since, and a key reused for another raise", async () => {
    // OTP limits now: 10,000,000 a transfer, 60,000,000 a day (the test before lowered them).
    const asked = input(otpMember(), { perTransfer: "60000000", perDay: "450000000" });
    const reusedKey = randomUUID();
    const pending = await held("maker01", asked, reusedKey);
    await expect(
      change("maker01", input(otpMember(), { perTransfer: "60000000", perDay: "460000000" }), reusedKey),
    ).rejects.toMatchObject({ code: "idempotency_key_reused" });

    // Fearing a phishing call, the member lowers them online before the manager decides.
    await lowerMemberLimits(
      f.ctx,
      { cooperativeId: 1, memberId: otpMember() },
      { perTransfer: 100_000n, perDay: 100_000n },
    );
    const told = (await notices(otpMember())).length;
    await expect(decide("boss01", pending.id, "approve")).rejects.toMatchObject({ code: "limits_stale" });
    expect(await otp(otpMember())).toEqual({ perTransfer: 100_000n, perDay: 100_000n });
    expect(await notices(otpMember())).toHaveLength(told);
    expect(await getApproval(desk("maker01"), BigInt(pending.id))).toMatchObject({ status: "pending" });
    expect(await decide("boss01", pending.id, "reject")).toMatchObject({ status: "rejected" });
  });
});
