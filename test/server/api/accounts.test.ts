// My information, accounts, history paging and date filters, statements.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deposit } from "../../support/bank.ts";
import { dbKinds } from "../../support/db.ts";
import { type Session, startWebServer, type WebServer } from "../../support/web-server.ts";

const kst = (s: string) => new Date(`${s}+09:00`);

describe.each(dbKinds)("accounts through the API on %s", (kind) => {
  let s: WebServer;
  let hong: Session;
  beforeAll(async () => {
    s = await startWebServer(kind, { at: kst("2026-11-02T10:00:00") });
    // Seven deposits on seven days (11-03 … 11-09), 1,000 won more each time.
    for (let day = 3; day <= 9; day++) {
      s.clock.at = kst(`2026-11-0${day}T12:00:00`);
      await deposit(s.app.bank, s.hong.accountRows[0]!, BigInt(day * 1000));
    }
    s.clock.at = kst("2026-11-10T09:00:00");
    hong = await s.login("hong", "Hong!2026demo");
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  it("tells me who I am, with the registration number masked", async () => {
    const me = (await s.request("GET", "/api/me", { session: hong })).json();
    expect(me).toMatchObject({
      userId: "hong",
      name: "홍길동",
      cooperative: { code: "9002", name: "한빛새마을금고" },
      email: "hong@example.com",
      // This server's hong was registered without one.
      address: null,
    });
    expect(me.rrnMasked).toMatch(/^\d{6}-\d\*{6}$/);
  });

  it("names my cooperative's customer-centre number, for the footer", async () => {
    const before = (await s.request("GET", "/api/me", { session: hong })).json();
    expect(before.cooperative.customerCentrePhone).toBeNull();
    await s.app.db.query(
      "UPDATE cooperatives SET customer_centre_phone = '02-0000-9002' WHERE code = '9002'",
    );
    const me = (await s.request("GET", "/api/me", { session: hong })).json();
    expect(me.cooperative.customerCentrePhone).toBe("02-0000-9002");
  });

  it("lists my accounts only, with balances as strings", async () => {
    const { accounts } = (await s.request("GET", "/api/accounts", { session: hong })).json();
    expect(accounts.map((a: { number: string }) => a.number)).toEqual(s.hong.accounts);
    expect(accounts[0]).toMatchObject({
      kind: "demand",
      balance: "5042000",
      available: "5042000",
      status: "active",
    });
  });

  it("pages the history newest first by cursor, without gaps or repeats", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = `limit=3${cursor ? `&cursor=${cursor}` : ""}`;
      const r = await s.request("GET", `/api/accounts/${s.hong.accounts[0]}/history?${q}`, { session: hong });
      expect(r.statusCode).toBe(200);
      const page = r.json();
      seen.push(...page.entries.map((e: { amount: string }) => e.amount));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(["9000", "8000", "7000", "6000", "5000", "4000", "3000", "5000000"]);
  });

  it("filters by Seoul days, both ends included", async () => {
    const r = await s.request(
      "GET",
      `/api/accounts/${s.hong.accounts[0]}/history?from=2026-11-04&to=2026-11-06`,
      {
        session: hong,
      },
    );
    const entries = r.json().entries;
    expect(entries.map((e: { amount: string }) => e.amount)).toEqual(["6000", "5000", "4000"]);
    expect(entries[0]).toMatchObject({
      kind: "in",
      balanceAfter: "5018000",
      memo: "현금입금",
      counterpartyName: null,
    });
    const backwards = await s.request(
      "GET",
      `/api/accounts/${s.hong.accounts[0]}/history?from=2026-11-06&to=2026-11-04`,
      {
        session: hong,
      },
    );
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().error.code).toBe("bad_date_range");
    const badDay = await s.request("GET", `/api/accounts/${s.hong.accounts[0]}/history?from=2026-13-01`, {
      session: hong,
    });
    expect(badDay.statusCode).toBe(400);
  });

  it("issues statements as CSV and PDF attachments", async () => {
    const url = (format: string) =>
      `/api/accounts/${s.hong.accounts[0]}/statement?from=2026-11-04&to=2026-11-06&format=${format}`;
    const csv = await s.request("GET", url("csv"), { session: hong });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(csv.headers["content-disposition"]).toMatch(
      /^attachment; filename="statement-\d{13}-2026-11-04-2026-11-06\.csv"$/,
    );
    expect(csv.body).toContain("홍길동");
    expect(csv.body).toContain("거래건수,3");
    const pdf = await s.request("GET", url("pdf"), { session: hong });
    expect(pdf.headers["content-type"]).toBe("application/pdf");
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe("%PDF-");
    const long = await s.request(
      "GET",
      `/api/accounts/${s.hong.accounts[0]}/statement?from=2025-01-01&to=2026-11-06&format=csv`,
      { session: hong },
    );
    expect(long.json().error.code).toBe("bad_date_range");
  });

  it("shows the limits of my medium and what today used", async () => {
    expect((await s.request("GET", "/api/limits", { session: hong })).json()).toEqual({
      medium: "otp",
      perTransfer: "100000000",
      perDay: "500000000",
      usedToday: "0",
    });
  });
});
