// The maker-checker routes over HTTP, as the two consoles drive them: a withdrawal above the
// cooperative's amount answered 202 with its request, the manager's list and decision, the maker's
// poll and retry; every refusal a 4xx with its code and Korean and English words.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setBranchRules } from "../../../src/branch/branch-rules.ts";
import { demoLogins } from "../../../src/demo/seed.ts";
import { dbKinds } from "../../support/db.ts";
import {
  demoAccount,
  expectRefusal,
  otherTeller,
  startTellerServer,
  TellerClient,
  type TellerServer,
} from "./teller-server.ts";

type Approval = {
  id: string;
  status: string;
  maker: { tellerId: string };
  checker: { tellerId: string } | null;
  amount: string;
  receipt: { number: string; tellerId: string; amount: string } | null;
};

describe.each(dbKinds)("the approval routes on %s", (kind) => {
  let s: TellerServer;
  let maker: TellerClient;
  let manager: TellerClient;
  let hong: string;
  const balance = async () =>
    (
      await s.app.db.query<{ balance: bigint }>("SELECT balance FROM accounts WHERE number = $1", [
        hong.replace(/-/g, ""),
      ])
    ).rows[0]!.balance;
  const withdraw = (amount: string, idempotencyKey = randomUUID()) =>
    maker.post<{ approval: Approval }>("/api/teller/cash/withdrawals", {
      idempotencyKey,
      account: hong,
      amount,
      pin: "1234",
      idCheck: { document: "resident_card", checked: true },
    });

  beforeAll(async () => {
    s = await startTellerServer(kind);
    maker = new TellerClient(s.url);
    manager = new TellerClient(s.url);
    await maker.login();
    await manager.login(demoLogins.manager);
    hong = (await demoAccount(s.app, "홍길동")).number;
    await setBranchRules(s.app.db, 1, { withdrawalApprovalAbove: 100_000n }, s.clock.now());
    expect((await maker.post("/api/teller/cash/drawer/open", { count: "2000000" })).status).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  }, 60_000);

  it("holds the withdrawal until the manager approves, then the maker's poll and retry get the receipt", async () => {
    expect((await maker.get("/api/teller/session")).body.role).toBe("teller");
    expect((await manager.get("/api/teller/session")).body.role).toBe("manager");
    const before = await balance();
    const key = randomUUID();
    const held = await withdraw("150000", key);
    expect(held.status, JSON.stringify(held.body)).toBe(202);
    const id = held.body.approval.id;
    expect(held.body.approval).toMatchObject({
      status: "pending",
      maker: { tellerId: "teller01" },
      amount: "150000",
    });
    expect((await withdraw("150000", key)).body.approval.id).toBe(id);
    expect(await balance()).toBe(before);

    expectRefusal(await maker.get("/api/teller/approvals"), 403, "approval_not_manager");
    expectRefusal(await maker.post(`/api/teller/approvals/${id}/approve`), 403, "approval_not_manager");
    const list = await manager.get<{ approvals: Approval[] }>("/api/teller/approvals");
    expect(list.body.approvals.map((a) => a.id)).toEqual([id]);
    // Without the CSRF header nothing is decided.
    expect(
      (await manager.post(`/api/teller/approvals/${id}/approve`, undefined, { csrf: false })).status,
    ).toBe(403);
    expect((await maker.get<Approval>(`/api/teller/approvals/${id}`)).body.status).toBe("pending");

    const approved = await manager.post<Approval>(`/api/teller/approvals/${id}/approve`);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({
      status: "approved",
      checker: { tellerId: "manager01" },
      receipt: { tellerId: "teller01", amount: "150000" },
    });
    expect(await balance()).toBe(before - 150_000n);
    expectRefusal(await manager.post(`/api/teller/approvals/${id}/approve`), 409, "approval_already_decided");

    const polled = await maker.get<Approval>(`/api/teller/approvals/${id}`);
    expect(polled.body).toEqual(approved.body);
    const retry = await maker.post<{ receipt: { number: string }; replayed: boolean }>(
      "/api/teller/cash/withdrawals",
      {
        idempotencyKey: key,
        account: hong,
        amount: "150000",
        pin: "1234",
        idCheck: { document: "resident_card", checked: true },
      },
    );
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({ replayed: true, receipt: { number: approved.body.receipt!.number } });
    expect(await balance()).toBe(before - 150_000n);
  });

  it("rejects without moving money, and shows no other cooperative's request", async () => {
    const before = await balance();
    const held = await withdraw("200000");
    expect(held.status).toBe(202);
    const id = held.body.approval.id;
    const other = new TellerClient(s.url);
    await other.login(otherTeller);
    expectRefusal(await other.get(`/api/teller/approvals/${id}`), 404, "approval_not_found");
    expectRefusal(await manager.get("/api/teller/approvals/0"), 400, "validation");
    const rejected = await manager.post<Approval>(`/api/teller/approvals/${id}/reject`);
    expect(rejected.body).toMatchObject({ status: "rejected", receipt: null });
    expect(await balance()).toBe(before);
    expect((await manager.get<{ approvals: Approval[] }>("/api/teller/approvals")).body.approvals).toEqual(
      [],
    );
  });
});
