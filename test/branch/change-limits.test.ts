// Transfer limits changed at the counter, on both databases: every refusal by its code (above the
// maximum, no medium, no ID check, no reason, bad amounts, another cooperative's member), a raise
// applied, audited and notified once however often it is retried, the approval seam, and the
// member told of a lowering made online too.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getLimits } from "../../src/bank/limits.ts";
import { lowerMemberLimits } from "../../src/bank/member-limits.ts";
import { issueSecurityCard, registerOtp } from "../../src/bank/security-medium.ts";
import {
  type ChangeLimitsInput,
  changeLimitsAtBranch,
  type LimitChangeRequest,
  viewLimits,
} from "../../src/branch/change-limits.ts";
import type { DeskContext } from "../../src/branch/desk.ts";
import { bankFixture, type Fixture } from "../support/bank.ts";
import { dbKinds } from "../support/db.ts";
import { tellerDesk } from "../support/desk.ts";
import { limitNotices, limitRaise } from "../support/limits.ts";

describe.each(dbKinds)("limits changed at the counter on %s", (kind) => {
  let f: Fixture;
  const desk = () => tellerDesk(f);
  const otpMember = () => f.members[0]!.id;
  const cardMember = () => f.members[1]!.id;
  const noMedium = () => f.members[2]!.id;
  const input = limitRaise;
  const notices = (memberId: bigint) => limitNotices(f.db, memberId);
  const otp = async (memberId: bigint) => (await getLimits(f.db, 1, memberId)).otp;

  beforeAll(async () => {
    f = await bankFixture(kind, { membersPerCoop: 3, funding: 0n });
    await registerOtp(f.ctx, { cooperativeId: 1, memberId: otpMember(), account: "m0", issuer: "금고" });
    await issueSecurityCard(f.ctx, { cooperativeId: 1, memberId: cardMember() });
  }, 120_000);
  afterAll(async () => {
    await f?.close();
  });

  it("shows the medium, the limits, today's use and the maximums", async () => {
    expect(await viewLimits(desk(), cardMember())).toEqual({
      medium: "card",
      perTransfer: "10000000",
      perDay: "50000000",
      usedToday: "0",
      maximum: { perTransfer: "10000000", perDay: "50000000" },
    });
    expect(await viewLimits(desk(), noMedium())).toMatchObject({ medium: null, maximum: null });
    await expect(viewLimits(desk(), f.members[3]!.id)).rejects.toMatchObject({ code: "member_not_found" });
  });

  it("refuses each bad request by its code and changes nothing", async () => {
    const refused = async (i: ChangeLimitsInput, code: string) =>
      expect(changeLimitsAtBranch(desk(), i)).rejects.toMatchObject({ name: "TellerError", code });
    await refused(
      input(cardMember(), { perTransfer: "10000001", perDay: "10000001" }),
      "limit_above_maximum",
    );
    await refused(
      input(otpMember(), { perTransfer: "100000000", perDay: "500000001" }),
      "limit_above_maximum",
    );
    await refused(input(noMedium()), "no_security_medium");
    await refused(
      input(otpMember(), { idCheck: { document: "passport", checked: false } }),
      "limit_id_not_checked",
    );
    await refused(input(otpMember(), { reason: "   " }), "limit_reason_required");
    await refused(input(otpMember(), { reason: "가".repeat(201) }), "limit_reason_required");
    for (const [perTransfer, perDay] of [
      ["0", "100"],
      ["-5", "100"],
      ["1.5", "100"],
      ["1e9", "100"],
      ["200", "100"],
      ["9".repeat(30), "100"],
    ] as const) {
      await refused(input(otpMember(), { perTransfer, perDay }), "bad_limits");
    }
    // Another cooperative's member is not found, as everywhere at the desk.
    await refused(input(f.members[3]!.id), "member_not_found");
    expect(await otp(otpMember())).toEqual({ perTransfer: 100_000_000n, perDay: 500_000_000n });
    expect(await notices(otpMember())).toEqual([]);
  });

  it("raises a lowered limit, audits it and notifies once however often it is retried", async () => {
    const who = { cooperativeId: 1, memberId: otpMember() };
    // The member lowered it online: told so, in both languages, with the new amounts.
    await lowerMemberLimits(f.ctx, who, { perTransfer: 1_000_000n, perDay: 3_000_000n });
    const online = await notices(otpMember());
    expect(online).toHaveLength(1);
    expect(online[0]!.body.ko).toContain(
      "인터넷뱅킹에서 OTP 이체한도를 1회 1,000,000원, 1일 3,000,000원으로",
    );
    expect(online[0]!.body.en).toContain("KRW 1,000,000 a transfer and KRW 3,000,000 a day");
    // Lowering to what it is already tells no one again.
    await lowerMemberLimits(f.ctx, who, { perTransfer: 1_000_000n, perDay: 3_000_000n });
    expect(await notices(otpMember())).toHaveLength(1);

    f.clock.advance(60_000);
    const answer = await changeLimitsAtBranch(desk(), input(otpMember()));
    expect(answer).toEqual({
      limits: {
        medium: "otp",
        perTransfer: "50000000",
        perDay: "200000000",
        usedToday: "0",
        maximum: { perTransfer: "100000000", perDay: "500000000" },
      },
      before: { perTransfer: "1000000", perDay: "3000000" },
      changed: true,
      approvedBy: null,
    });
    expect(await otp(otpMember())).toEqual({ perTransfer: 50_000_000n, perDay: 200_000_000n });
    const [branch] = await notices(otpMember());
    expect(branch!.title).toEqual({ ko: "이체한도 변경", en: "Transfer limits changed" });
    expect(branch!.body.ko).toContain("본점 창구에서 OTP 이체한도를 1회 50,000,000원, 1일 200,000,000원으로");
    expect(branch!.body.en).toContain("KRW 50,000,000 a transfer and KRW 200,000,000 a day");

    // A retry (the answer lost on the way): nothing changes, no second notification.
    f.clock.advance(1_000);
    const again = await changeLimitsAtBranch(desk(), input(otpMember()));
    expect(again).toMatchObject({ changed: false, before: { perTransfer: "50000000" } });
    expect(await notices(otpMember())).toHaveLength(2);

    const audit = await f.db.query<{ payload: string }>(
      "SELECT payload FROM audit_log WHERE action = 'teller.limits_changed' ORDER BY seq",
    );
    expect(audit.rows).toHaveLength(2);
    expect(JSON.parse(audit.rows[0]!.payload).details).toMatchObject({
      medium: "otp",
      beforePerTransfer: "1000000",
      beforePerDay: "3000000",
      perTransfer: "50000000",
      perDay: "200000000",
      reason: "사업자금 이체: 회원 요청",
      idDocument: "driver_license",
      changed: true,
    });
  });

  it("applies one of two identical requests sent at the same moment, and notifies once", async () => {
    const before = (await notices(otpMember())).length;
    f.clock.advance(60_000);
    const same = input(otpMember(), { perTransfer: "70000000", perDay: "300000000" });
    // A clock that moves on every reading: the two are told apart by time, as real ones would be.
    const ticking: DeskContext = {
      ...desk(),
      bank: {
        ...f.ctx,
        clock: {
          now: () => {
            f.clock.advance(1);
            return f.clock.now();
          },
        },
      },
    };
    // Both judged against the limits before either applies: they meet at the approval and go on together.
    let arrived = 0;
    let meet = () => {};
    const met = new Promise<void>((resolve) => {
      meet = resolve;
    });
    const together = async () => {
      if (++arrived === 2) meet();
      await met;
    };
    const answers = await Promise.all([
      changeLimitsAtBranch(ticking, same, together),
      changeLimitsAtBranch(ticking, same, together),
    ]);
    expect(answers.map((a) => a.changed).sort()).toEqual([false, true]);
    expect(await notices(otpMember())).toHaveLength(before + 1);
  });

  it("lowers at the counter too", async () => {
    const answer = await changeLimitsAtBranch(
      desk(),
      input(cardMember(), { perTransfer: "1000000", perDay: "2000000", reason: "보이스피싱 예방" }),
    );
    expect(answer).toMatchObject({ changed: true, limits: { medium: "card", perTransfer: "1000000" } });
    const [n] = await notices(cardMember());
    expect(n!.body.ko).toContain("보안카드 이체한도를 1회 1,000,000원, 1일 2,000,000원으로");
  });

  it("asks the approval hook with the request, and a refusal there changes nothing", async () => {
    const seen: LimitChangeRequest[] = [];
    const before = await otp(otpMember());
    const count = (await notices(otpMember())).length;
    const held = changeLimitsAtBranch(
      desk(),
      input(otpMember(), { perTransfer: "100000000", perDay: "500000000", reason: " 급여 이체 " }),
      async (request) => {
        seen.push(request);
        throw new Error("held for a manager");
      },
    );
    await expect(held).rejects.toThrow("held for a manager");
    expect(seen).toEqual([
      {
        teller: { cooperativeId: 1, branchId: 1, tellerId: "teller01" },
        memberId: otpMember(),
        medium: "otp",
        perTransfer: 100_000_000n,
        perDay: 500_000_000n,
        current: before,
        reason: "급여 이체",
        idDocument: "driver_license",
      },
    ]);
    expect(await otp(otpMember())).toEqual(before);
    expect(await notices(otpMember())).toHaveLength(count);
    // Judged first: a refused request never reaches the hook.
    await expect(
      changeLimitsAtBranch(desk(), input(noMedium()), async (r) => {
        seen.push(r);
      }),
    ).rejects.toMatchObject({ code: "no_security_medium" });
    expect(seen).toHaveLength(1);
  });
});
