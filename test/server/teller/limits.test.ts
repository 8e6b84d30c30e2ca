// The teller's limit routes over HTTP, as the console drives them: the member's limits read, a change
// applied (and a repeat answered without a second notification), a raise above the cooperative's
// amount answered 202 with the request a manager approves, every bad request (no idempotency key among
// them) a 4xx with its code and Korean and English words, never a 500; a POST without CSRF refused.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoLogins } from "../../../src/demo/seed.ts";
import { dbKinds } from "../../support/db.ts";
import {
  demoMemberId,
  expectRefusal,
  startTellerServer,
  TellerClient,
  type TellerServer,
} from "./teller-server.ts";

describe.each(dbKinds)("the teller's limit routes on %s", (kind) => {
  let s: TellerServer;
  let t: TellerClient;
  let hong: string;
  let younghee: string;
  let chulsoo: string;
  const body = (more: Record<string, unknown> = {}) => ({
    idempotencyKey: randomUUID(),
    perTransfer: "20000000",
    perDay: "80000000",
    reason: "급여 이체: 회원 요청",
    idCheck: { document: "resident_card", checked: true },
    ...more,
  });

  beforeAll(async () => {
    s = await startTellerServer(kind);
    t = new TellerClient(s.url);
    await t.login();
    hong = await demoMemberId(s.app, "홍길동");
    younghee = await demoMemberId(s.app, "김영희");
    chulsoo = await demoMemberId(s.app, "이철수");
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  }, 60_000);

  it("reads the limits and raises them, a repeat changing and telling nothing again", async () => {
    const read = await t.get(`/api/teller/members/${hong}/limits`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual({
      medium: "otp",
      perTransfer: "100000000",
      perDay: "500000000",
      usedToday: "0",
      maximum: { perTransfer: "100000000", perDay: "500000000" },
    });
    const changed = await t.post(`/api/teller/members/${hong}/limits`, body());
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({
      limits: { medium: "otp", perTransfer: "20000000", perDay: "80000000" },
      before: { perTransfer: "100000000", perDay: "500000000" },
      changed: true,
      approvedBy: null,
    });
    const again = await t.post(`/api/teller/members/${hong}/limits`, body());
    expect(again.body).toMatchObject({ changed: false });
    const n = await s.app.db.query<{ n: bigint }>(
      "SELECT count(*)::bigint AS n FROM notifications WHERE member_id = $1 AND kind = 'limits_changed'",
      [hong],
    );
    expect(n.rows[0]!.n).toBe(1n);
  });

  it("refuses bad requests with a stable code, never a 500", async () => {
    const post = (memberId: string, b: unknown) => t.post(`/api/teller/members/${memberId}/limits`, b);
    expectRefusal(
      await post(hong, body({ perTransfer: "100000001", perDay: "500000000" })),
      400,
      "limit_above_maximum",
    );
    expectRefusal(await post(hong, body({ perTransfer: "300", perDay: "200" })), 400, "bad_limits");
    expectRefusal(await post(hong, body({ perTransfer: "0" })), 400, "bad_limits");
    expectRefusal(
      await post(hong, body({ idCheck: { document: "passport", checked: false } })),
      400,
      "limit_id_not_checked",
    );
    expectRefusal(await post(hong, body({ reason: "  " })), 400, "limit_reason_required");
    expectRefusal(await post(younghee, body()), 409, "no_security_medium");
    // Another cooperative's member, and no member at all: not found alike.
    expectRefusal(await post(chulsoo, body()), 404, "member_not_found");
    expectRefusal(await post("999999", body()), 404, "member_not_found");
    expect((await t.get(`/api/teller/members/${chulsoo}/limits`)).status).toBe(404);
    // What the schema refuses: still a 4xx with a code.
    for (const bad of [
      body({ perTransfer: "-5" }),
      body({ perTransfer: "1.5" }),
      body({ perDay: "9".repeat(40) }),
      body({ reason: "" }),
      body({ reason: "가".repeat(201) }),
      body({ idCheck: { document: "library_card", checked: true } }),
      { perTransfer: "1000" },
      "not json",
    ]) {
      const r = await post(hong, bad);
      expect(r.status, JSON.stringify(bad)).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect((r.body as { error: { code: string } }).error.code).toMatch(/^[a-z_]+$/);
    }
    const r = await t.post(`/api/teller/members/abc/limits`, body());
    expect(r.status).toBe(400);
    // Every submission names its key: without one, refused by the schema.
    const { idempotencyKey: _, ...keyless } = body({ perDay: "90000000" });
    expect((await post(hong, keyless)).status).toBe(400);
    // Without the CSRF header: refused, and nothing changed.
    expect(
      (await t.post(`/api/teller/members/${hong}/limits`, body({ perDay: "90000000" }), { csrf: false }))
        .status,
    ).toBe(403);
    expect((await t.get(`/api/teller/members/${hong}/limits`)).body).toMatchObject({ perDay: "80000000" });
  });

  it("answers a raise above the cooperative's amount 202 with its request, applied once a manager approves", async () => {
    const notices = async () =>
      (
        await s.app.db.query<{ n: bigint }>(
          "SELECT count(*)::bigint AS n FROM notifications WHERE member_id = $1 AND kind = 'limits_changed'",
          [hong],
        )
      ).rows[0]!.n;
    const before = await notices();
    const raise = body({ perTransfer: "50000000", perDay: "200000000" });
    const heldAnswer = await t.post(`/api/teller/members/${hong}/limits`, raise);
    expect(heldAnswer.status, JSON.stringify(heldAnswer.body)).toBe(202);
    const { approval } = heldAnswer.body as { approval: { id: string } };
    expect(approval).toMatchObject({
      kind: "limit_change",
      status: "pending",
      maker: { tellerId: demoLogins.teller.tellerId },
      memberName: "홍길동",
      account: null,
      amount: "200000000",
      request: { medium: "otp", perTransfer: "50000000", perDay: "200000000", currentPerDay: "80000000" },
    });
    expect((await t.get(`/api/teller/members/${hong}/limits`)).body).toMatchObject({ perDay: "80000000" });
    // The same key again: the same request, still waiting.
    const again = await t.post(`/api/teller/members/${hong}/limits`, raise);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(heldAnswer.body);
    // The maker cannot approve it.
    expectRefusal(await t.post(`/api/teller/approvals/${approval.id}/approve`), 403, "approval_not_manager");

    const manager = new TellerClient(s.url);
    await manager.login(demoLogins.manager);
    const decided = await manager.post(`/api/teller/approvals/${approval.id}/approve`);
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    expect(decided.body).toMatchObject({
      status: "approved",
      checker: { tellerId: demoLogins.manager.tellerId },
    });
    // The maker's poll sees it, and the limits are as asked, told once.
    expect((await t.get(`/api/teller/approvals/${approval.id}`)).body).toMatchObject({ status: "approved" });
    expect((await t.get(`/api/teller/members/${hong}/limits`)).body).toMatchObject({
      perTransfer: "50000000",
      perDay: "200000000",
    });
    expect(await notices()).toBe(before + 1n);
  });
});
