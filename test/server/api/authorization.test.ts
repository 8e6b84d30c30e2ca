// A member can never see or touch another member's data: every route that takes an account
// number or an id answers someone else's exactly as it answers one that does not exist.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatAccountNumber, makeAccountNumber } from "../../../src/bank/account-number.ts";
import { dbKinds } from "../../support/db.ts";
import { pins, type Session, startWebServer, type WebServer } from "../../support/web-server.ts";

type Probe = (id: string) => { method: "GET" | "POST"; url: string; body?: Record<string, unknown> };

describe.each(dbKinds)("authorisation on %s", (kind) => {
  let s: WebServer;
  let kim: Session;
  let hongNotification: string;
  beforeAll(async () => {
    s = await startWebServer(kind);
    const hong = await s.login("hong", "Hong!2026demo");
    // Something in hong's notification centre.
    const sent = await s.request("POST", "/api/transfers", {
      session: hong,
      body: {
        idempotencyKey: "authz-setup-00001",
        fromAccount: s.hong.accounts[0],
        toAccount: s.lee.accounts[0],
        amount: "1000",
        pin: pins.hong,
        otp: s.nextOtp(s.hong),
      },
    });
    expect(sent.statusCode).toBe(201);
    hongNotification = (await s.request("GET", "/api/notifications", { session: hong })).json()
      .notifications[0].id;
    kim = await s.login("kim2026", "Kim!2026pass");
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  const accountRoutes: [string, Probe][] = [
    ["history", (n) => ({ method: "GET", url: `/api/accounts/${n}/history` })],
    [
      "history with dates",
      (n) => ({ method: "GET", url: `/api/accounts/${n}/history?from=2026-01-01&to=2026-12-31` }),
    ],
    [
      "statement csv",
      (n) => ({
        method: "GET",
        url: `/api/accounts/${n}/statement?from=2026-11-01&to=2026-11-30&format=csv`,
      }),
    ],
    [
      "statement pdf",
      (n) => ({
        method: "GET",
        url: `/api/accounts/${n}/statement?from=2026-11-01&to=2026-11-30&format=pdf`,
      }),
    ],
    [
      "recipient preview (from)",
      (n) => ({
        method: "POST",
        url: "/api/transfers/recipient",
        body: { fromAccount: n, toAccount: "9002-0000-1000-6", amount: "1" },
      }),
    ],
    [
      "transfer (from)",
      (n) => ({
        method: "POST",
        url: "/api/transfers",
        body: {
          idempotencyKey: `authz-${n}`,
          fromAccount: n,
          toAccount: "9002-0000-1000-6",
          amount: "1",
          pin: "1234",
          otp: "123456",
        },
      }),
    ],
  ];

  it.each(accountRoutes)("%s: another member's account is 404 like a missing one", async (_name, probe) => {
    const missing = formatAccountNumber(makeAccountNumber("9002", 77_777));
    const answers = [];
    for (const number of [s.hong.accounts[0]!, s.hong.accounts[1]!, s.lee.accounts[0]!, missing]) {
      const p = probe(number);
      const r = await s.request(p.method, p.url, { session: kim, body: p.body });
      expect(r.statusCode, number).toBe(404);
      answers.push(r.json());
    }
    for (const a of answers) expect(a).toEqual(answers[answers.length - 1]);
    expect(answers[0].error.code).toBe("account_not_found");
  });

  it("the cooperative's own accounts are nobody's to read", async () => {
    const clearing = formatAccountNumber(makeAccountNumber("9002", 2));
    const r = await s.request("GET", `/api/accounts/${clearing}/history`, { session: kim });
    expect(r.statusCode).toBe(404);
  });

  it("marking another member's notification read is 404 like a missing one, and leaves it unread", async () => {
    const theirs = await s.request("POST", `/api/notifications/${hongNotification}/read`, { session: kim });
    const none = await s.request("POST", "/api/notifications/987654321/read", { session: kim });
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json()).toEqual(none.json());
    const { rows } = await s.app.db.query<{ read_at: Date | null }>(
      "SELECT read_at FROM notifications WHERE id = $1",
      [hongNotification],
    );
    expect(rows[0]!.read_at).toBeNull();
  });

  it("lists never include another member's accounts or notifications", async () => {
    const accounts = (await s.request("GET", "/api/accounts", { session: kim })).json().accounts;
    expect(accounts.map((a: { number: string }) => a.number)).toEqual(s.kim.accounts);
    const notes = (await s.request("GET", "/api/notifications", { session: kim })).json().notifications;
    expect(notes.map((n: { id: string }) => n.id)).not.toContain(hongNotification);
    expect((await s.request("GET", "/api/me", { session: kim })).json().userId).toBe("kim2026");
  });

  it("every member route listed in the OpenAPI description refuses a caller without a session", async () => {
    const spec = (await s.request("GET", "/api/docs/json")).json();
    const calls: [string, string][] = [];
    for (const [path, ops] of Object.entries(spec.paths as Record<string, Record<string, unknown>>)) {
      // The teller's routes sit in the same document; their guards are test/server/teller's.
      if (path.startsWith("/api/teller/")) continue;
      for (const method of Object.keys(ops)) calls.push([method.toUpperCase(), path]);
    }
    expect(calls.length).toBeGreaterThanOrEqual(16);
    for (const [method, path] of calls) {
      // The ways in: a password login, and a certificate login's challenge (asked before any session).
      if (path === "/api/auth/login" || path === "/api/auth/certificate/challenge") continue;
      const url = path.replace("{number}", s.hong.accounts[0]!).replace("{id}", hongNotification);
      const r = await s.request(
        method as "GET",
        `${url}${url.includes("statement") ? "?from=2026-11-01&to=2026-11-02&format=csv" : ""}`,
        {
          body: method === "GET" ? undefined : {},
        },
      );
      if (path === "/api/auth/logout") {
        expect(r.statusCode).toBe(204);
        continue;
      }
      // A body the schema refuses is a 400 before anyone is asked who they are; it reveals nothing either.
      expect([400, 401], `${method} ${path}`).toContain(r.statusCode);
      if (r.statusCode === 400) expect(r.json().error.code).toBe("validation");
      else expect(r.json().error.code).toBe("unauthenticated");
    }
  });
});
