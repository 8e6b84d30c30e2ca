// Each input the outside probe found answered 500 is now a 400 that names the field: NUL in a
// string, JSON nested 50,000 deep, ids past bigint, year 0, a bidi override in a memo, an emoji on
// a passbook line, a control character in a teller's new member, an overlong user ID.
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTeller } from "../../src/auth/tellers.ts";
import { dbKinds } from "../support/db.ts";
import { pins, type Session, startWebServer, type WebServer } from "../support/web-server.ts";

const teller = { tellerId: "guard01", password: "Guard!2026xx" };

function refusal(r: LightMyRequestResponse, code: string, field: string) {
  expect(r.statusCode, r.body).toBe(400);
  const { error } = r.json();
  expect(error.code).toBe(code);
  expect(error.details.field).toBe(field);
  expect(error.message.ko).toContain(field);
  expect(error.message.en).toContain(field);
  return error;
}

describe.each(dbKinds)("the input guard on %s", (kind) => {
  let s: WebServer;
  let hong: Session;
  let desk: Session;
  const post = (url: string, payload: string, session?: Session) =>
    s.fastify.inject({
      method: "POST",
      url,
      payload,
      headers: {
        "content-type": "application/json",
        ...(session ? { cookie: session.cookie, "x-csrf-token": session.csrf } : {}),
      },
    });

  beforeAll(async () => {
    s = await startWebServer(kind);
    await createTeller(s.app.db, {
      cooperativeId: 1,
      branchId: 1,
      ...teller,
      name: "김창구",
      at: s.clock.now(),
    });
    hong = await s.login(s.hong.userId, s.hong.password);
    const r = await post("/api/teller/login", JSON.stringify(teller));
    desk = { cookie: String(r.headers["set-cookie"]).split(";")[0]!, csrf: r.json().csrfToken };
  });
  afterAll(async () => {
    await s?.close();
  });

  it("refuses NUL in the login's user ID, naming the field, before any look-up", async () => {
    const r = await post("/api/auth/login", JSON.stringify({ userId: "a\u0000b", password: "x" }));
    const error = refusal(r, "control_character", "userId");
    expect(error.details.character).toBe("U+0000");
  });

  it("refuses DEL and other C0 characters in any string, keys included", async () => {
    refusal(
      await post("/api/auth/login", JSON.stringify({ userId: "hong\u007f", password: "x" })),
      "control_character",
      "userId",
    );
    refusal(
      await post("/api/auth/login", JSON.stringify({ userId: "hong", "x\u0001": "y", password: "x" })),
      "control_character",
      "xU+0001",
    );
  });

  it("refuses JSON nested 50,000 deep before walking it, on any route", async () => {
    for (const body of [
      "[".repeat(50_000) + "]".repeat(50_000),
      `${'{"a":'.repeat(50_000)}1${"}".repeat(50_000)}`,
    ]) {
      for (const url of ["/api/auth/login", "/api/teller/login"]) {
        const r = await post(url, body);
        expect(r.statusCode, url).toBe(400);
        expect(r.json().error.code).toBe("body_too_deep");
      }
    }
  });

  it("refuses ids and cursors beyond PostgreSQL's bigint", async () => {
    const get = (url: string) => s.request("GET", url, { session: hong });
    refusal(await get("/api/notifications?cursor=9223372036854775808"), "validation", "cursor");
    refusal(
      await get(`/api/accounts/${s.hong.accounts[0]}/history?cursor=9223372036854775808`),
      "validation",
      "cursor",
    );
    refusal(
      await s.request("POST", "/api/notifications/9999999999999999999/read", { session: hong }),
      "validation",
      "id",
    );
    // The largest bigint is an id like any other: not found, not refused.
    const max = await s.request("POST", "/api/notifications/9223372036854775807/read", { session: hong });
    expect(max.statusCode).toBe(404);
  });

  it("refuses days outside 1900-01-01 … 2999-12-31 and days that do not exist", async () => {
    const account = s.hong.accounts[0];
    for (const [query, field] of [
      ["from=0000-01-01", "from"],
      ["to=9999-12-31", "to"],
      ["from=2026-02-30", "from"],
    ] as const) {
      refusal(
        await s.request("GET", `/api/accounts/${account}/history?${query}`, { session: hong }),
        "validation",
        field,
      );
    }
    const statement = await s.request(
      "GET",
      `/api/accounts/${account}/statement?from=0000-01-01&to=2026-11-01&format=csv`,
      {
        session: hong,
      },
    );
    expect(refusal(statement, "validation", "from").details.rule).toBe("day");
  });

  it("refuses a memo with a bidi override, and one a passbook printer cannot print", async () => {
    const transfer = (memo: string) => ({
      idempotencyKey: `guard-${memo.length}-${Math.random().toString(36).slice(2)}`,
      fromAccount: s.hong.accounts[0],
      toAccount: s.kim.accounts[0],
      amount: "1000",
      memo,
      pin: pins.hong,
      otp: s.nextOtp(s.hong),
    });
    const bidi = await s.request("POST", "/api/transfers", {
      session: hong,
      body: transfer("회비\u202eexe.txt"),
    });
    // A passbook prints no direction override: the memo's rule is the printer's, stricter than display text.
    refusal(bidi, "not_printable", "memo");
    const emoji = await s.request("POST", "/api/transfers", { session: hong, body: transfer("회비😀") });
    refusal(emoji, "not_printable", "memo");
    // What a passbook prints goes through.
    const ok = await s.request("POST", "/api/transfers", {
      session: hong,
      body: transfer("11월 회비 (A-1)"),
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().memo).toBe("11월 회비 (A-1)");
  });

  it("refuses control and invisible characters in a new member's name and address at the desk", async () => {
    const member = (name: string, address?: string) =>
      JSON.stringify({ name, rrn: "900101-1234567", ...(address !== undefined ? { address } : {}) });
    refusal(await post("/api/teller/members", member("홍\u0000길동"), desk), "control_character", "name");
    refusal(
      await post("/api/teller/members", member("홍길동", "서울\u0000"), desk),
      "control_character",
      "address",
    );
    refusal(await post("/api/teller/members", member("홍\u200b길동"), desk), "invisible_character", "name");
    refusal(
      await post("/api/teller/login", JSON.stringify({ tellerId: "t\u0000", password: "x" })),
      "control_character",
      "tellerId",
    );
  });

  it("names the field of an overlong string and its limit", async () => {
    const r = await post("/api/auth/login", JSON.stringify({ userId: "a".repeat(31), password: "x" }));
    const error = refusal(r, "validation", "userId");
    expect(error.details).toMatchObject({ rule: "maxLength", limit: 30 });
  });
});
