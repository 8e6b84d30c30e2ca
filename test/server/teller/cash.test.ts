// The teller's cash routes over HTTP, as the console drives them: the drawer opened with a count,
// deposits and withdrawals with receipts (repeats answered once), a reprint (today's only), the
// close with its difference; every refusal a 4xx with its code and Korean and English words, never a 500.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dbKinds } from "../../support/db.ts";
import {
  demoAccount,
  expectRefusal,
  otherTeller,
  startTellerServer,
  TellerClient,
  type TellerServer,
} from "./teller-server.ts";

type Receipt = { number: string; kind: string; amount: string; balanceAfter: string; holderName: string };
type CashAnswer = { receipt: Receipt; replayed: boolean };

describe.each(dbKinds)("the teller's cash routes on %s", (kind) => {
  let s: TellerServer;
  let t: TellerClient;
  let hong: string;
  let chulsoo: string;
  /** The first day's deposit receipt, reprinted that day and refused the next. */
  let firstReceipt = "";
  const balanceOf = async (number: string) =>
    (
      await s.app.db.query<{ balance: bigint }>("SELECT balance FROM accounts WHERE number = $1", [
        number.replace(/-/g, ""),
      ])
    ).rows[0]!.balance;

  beforeAll(async () => {
    s = await startTellerServer(kind);
    t = new TellerClient(s.url);
    await t.login();
    hong = (await demoAccount(s.app, "홍길동")).number;
    chulsoo = (await demoAccount(s.app, "이철수")).number;
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  }, 60_000);

  it("opens the drawer, takes and pays cash with receipts, and closes with the difference shown", async () => {
    const empty = await t.get("/api/teller/cash/drawer");
    expect(empty.body).toEqual({ drawerAccount: null, cash: "0", day: null, lines: [] });
    const deposit = (body: Record<string, unknown>) =>
      t.post<CashAnswer>("/api/teller/cash/deposits", {
        idempotencyKey: randomUUID(),
        account: hong,
        ...body,
      });
    expectRefusal(await deposit({ amount: "10000" }), 409, "drawer_not_open");

    const opened = await t.post("/api/teller/cash/drawer/open", { count: "1000000" });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ status: "open", openingCount: "1000000", fromVault: "1000000" });
    expectRefusal(
      await t.post("/api/teller/cash/drawer/open", { count: "1000000" }),
      409,
      "drawer_already_open",
    );

    // Bad amounts: each its own code, none a 500.
    expectRefusal(await deposit({ amount: "-5" }), 400, "amount_must_be_positive");
    expectRefusal(await deposit({ amount: "0" }), 400, "amount_must_be_positive");
    expectRefusal(await deposit({ amount: "1.5" }), 400, "amount_not_whole");
    expectRefusal(await deposit({ amount: "2000000000" }), 400, "amount_too_large");
    expectRefusal(await deposit({ amount: "5e3" }), 400, "validation");
    expectRefusal(await deposit({ amount: "오천원" }), 400, "validation");
    expectRefusal(await deposit({ amount: "5000", account: chulsoo }), 403, "account_other_cooperative");
    expectRefusal(await deposit({ amount: "5000", account: "9002-0000-9999-0" }), 400, "bad_account_number");
    expectRefusal(await deposit({ amount: "5000", idempotencyKey: "short" }), 400, "validation");
    expectRefusal(
      await t.post(
        "/api/teller/cash/deposits",
        { idempotencyKey: randomUUID(), account: hong, amount: "5000" },
        {
          csrf: false,
        },
      ),
      403,
      "csrf",
    );

    const before = await balanceOf(hong);
    const key = randomUUID();
    const d = await deposit({ idempotencyKey: key, amount: "250000", depositorName: "홍부모" });
    expect(d.status).toBe(201);
    expect(d.body.replayed).toBe(false);
    expect(d.body.receipt).toMatchObject({
      kind: "deposit",
      amount: "250000",
      balanceAfter: String(before + 250_000n),
      holderName: "홍길동",
    });
    const again = await deposit({ idempotencyKey: key, amount: "250000", depositorName: "홍부모" });
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual({ receipt: d.body.receipt, replayed: true });
    expect(await balanceOf(hong)).toBe(before + 250_000n);

    const withdraw = (body: Record<string, unknown>) =>
      t.post<CashAnswer>("/api/teller/cash/withdrawals", {
        idempotencyKey: randomUUID(),
        account: hong,
        pin: "1234",
        idCheck: { document: "resident_card", checked: true },
        ...body,
      });
    expectRefusal(await withdraw({ amount: "1000", pin: "0000" }), 400, "pin_wrong");
    expectRefusal(
      await withdraw({ amount: "1000", idCheck: { document: "resident_card", checked: false } }),
      400,
      "id_not_checked",
    );
    expectRefusal(
      await withdraw({ amount: "1000", idCheck: { document: "library_card", checked: true } }),
      400,
      "validation",
    );
    expectRefusal(await withdraw({ amount: "1250001" }), 409, "cash_insufficient");
    const w = await withdraw({ amount: "50000" });
    expect(w.status, JSON.stringify(w.body)).toBe(201);
    expect(w.body.receipt).toMatchObject({ kind: "withdrawal", amount: "50000" });

    firstReceipt = d.body.receipt.number;
    const reprint = await t.get<Receipt>(`/api/teller/cash/receipts/${d.body.receipt.number}`);
    expect(reprint.status).toBe(200);
    expect(reprint.body).toEqual(d.body.receipt);
    expectRefusal(await t.get("/api/teller/cash/receipts/20261125-99999999"), 404, "receipt_not_found");
    expectRefusal(await t.get("/api/teller/cash/receipts/not-a-number"), 400, "validation");
    // Another cooperative's teller finds no such receipt.
    const t2 = new TellerClient(s.url);
    await t2.login(otherTeller);
    expectRefusal(
      await t2.get(`/api/teller/cash/receipts/${d.body.receipt.number}`),
      404,
      "receipt_not_found",
    );

    const view = await t.get<{ cash: string; lines: { kind: string; cash: string }[] }>(
      "/api/teller/cash/drawer",
    );
    expect(view.body.cash).toBe("1200000");
    expect(view.body.lines.map((l) => [l.kind, l.cash])).toEqual([
      ["vault_cash", "1000000"],
      ["cash_deposit", "250000"],
      ["cash_withdrawal", "-50000"],
    ]);

    expectRefusal(await t.post("/api/teller/cash/drawer/close", { count: "-1" }), 400, "bad_count");
    const closed = await t.post("/api/teller/cash/drawer/close", { count: "1210000" });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: "closed", closingLedger: "1200000", difference: "10000" });
    expectRefusal(await t.post("/api/teller/cash/drawer/close", { count: "1210000" }), 409, "drawer_closed");
    expectRefusal(await deposit({ amount: "1000" }), 409, "drawer_closed");
  });

  it("moves money once for one key sent twice at the same moment", async () => {
    s.clock.advance(86_400_000);
    await t.login();
    expect((await t.post("/api/teller/cash/drawer/open", { count: "1210000" })).status).toBe(201);
    const before = await balanceOf(hong);
    const body = { idempotencyKey: randomUUID(), account: hong, amount: "33000" };
    const answers = await Promise.all([
      t.post<CashAnswer>("/api/teller/cash/deposits", body),
      t.post<CashAnswer>("/api/teller/cash/deposits", body),
    ]);
    expect(answers.map((a) => a.status)).toEqual([201, 201]);
    expect(answers.filter((a) => a.body.replayed)).toHaveLength(1);
    expect(await balanceOf(hong)).toBe(before + 33_000n);
  });

  it("reprints today's receipts only: yesterday's, by the bank's clock, is refused", async () => {
    const old = await t.get(`/api/teller/cash/receipts/${firstReceipt}`);
    expectRefusal(old, 409, "receipt_not_today");
    expect(JSON.stringify(old.body)).toContain("오늘 발행한 영수증만");
    const d = await t.post<CashAnswer>("/api/teller/cash/deposits", {
      idempotencyKey: randomUUID(),
      account: hong,
      amount: "1000",
    });
    expect(d.status).toBe(201);
    const today = await t.get<Receipt>(`/api/teller/cash/receipts/${d.body.receipt.number}`);
    expect(today.status).toBe(200);
    expect(today.body).toEqual(d.body.receipt);
  });
});
