// Every JSON route of the member and teller API, as the OpenAPI description lists it, sent bodies
// that are wrong in each field in turn (wrong types, absurd numbers, odd strings) and bodies that are
// not objects at all: each answer is a refusal with a code and words in Korean and English, or a
// success, and never a 5xx or a stack trace.
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTeller } from "../../src/auth/tellers.ts";
import { testRrn } from "../support/bank.ts";
import { dbKinds } from "../support/db.ts";
import { pins, type Session, startWebServer, type WebServer } from "../support/web-server.ts";

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  items?: Schema;
  minimum?: number;
  minLength?: number;
  pattern?: string;
  format?: string;
}

interface Operation {
  method: string;
  path: string;
  body: Schema | undefined;
}

/** Values wrong for almost any field, as JSON text (so that numbers no double holds go as sent): each goes into one field at a time. */
const hostile: string[] = [
  "null",
  "-1",
  "0",
  "-0",
  "1.5",
  "1e400",
  "9007199254740993",
  "-99999999999999999999999",
  '""',
  '" "',
  '"-1"',
  '"1e400"',
  '"99999999999999999999999999999"',
  '"１２３"',
  '"1,000"',
  '"0x10"',
  '"\\u202e12"',
  `"${"x".repeat(5000)}"`,
  "true",
  "[]",
  "[1,2]",
  "{}",
  '{"a":{"b":1}}',
];

/** Whole bodies that are not what any route takes. */
const hostileBodies = ["null", "[]", '"text"', "1", "{", '{"a":1}'];

/** Routes that close the drawer or an account, then those that end a session: sent last, so the rest run deeper. */
function lateness(path: string): number {
  // Ending internet banking removes the member's user: the very last, so the rest run logged in.
  if (/internet-banking\/end$/.test(path)) return 3;
  if (/logout|password/.test(path)) return 2;
  return /\/close$/.test(path) ? 1 : 0;
}

/** A value the schema takes: the member's own where the field's name says what it is, else one of its type. */
function plausible(s: Schema, known: Record<string, unknown> = {}, name = ""): unknown {
  if (name in known) return known[name];
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  const alt = s.anyOf ?? s.oneOf;
  if (alt?.[0]) return plausible(alt[0], known, name);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case "object": {
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(s.properties ?? {})) o[k] = plausible(v, known, k);
      return o;
    }
    case "array":
      return [];
    case "boolean":
      return true;
    case "integer":
    case "number":
      return s.minimum ?? 1;
    default:
      if (s.format === "day") return "2026-11-25";
      if (s.pattern && /\[0-9\]|\\d/.test(s.pattern)) return "1".repeat(Math.max(s.minLength ?? 1, 1));
      return "a".repeat(Math.max(s.minLength ?? 1, 1));
  }
}

function expectHandled(r: LightMyRequestResponse, what: string): void {
  expect(r.statusCode, `${what} → ${r.statusCode} ${r.body.slice(0, 300)}`).toBeLessThan(500);
  expect(r.body, what).not.toMatch(/\n\s+at /);
  if (r.statusCode >= 400) {
    const body = r.json() as { error?: { code?: unknown; message?: { ko?: unknown; en?: unknown } } };
    expect(typeof body.error?.code, `${what}: ${r.body.slice(0, 200)}`).toBe("string");
    expect(typeof body.error?.message?.ko, what).toBe("string");
    expect(typeof body.error?.message?.en, what).toBe("string");
  }
}

describe.each(dbKinds)("hostile bodies on every JSON route, on %s", (kind) => {
  let s: WebServer;
  let member: Session;
  let teller: Session;
  let operations: Operation[];
  let known: Record<string, unknown>;
  let keys = 0;

  beforeAll(async () => {
    s = await startWebServer(kind, { rateRules: {} });
    await createTeller(s.app.db, {
      cooperativeId: 1,
      branchId: 1,
      tellerId: "probe01",
      password: "Probe!2026zq",
      name: "김창구",
      at: s.clock.now(),
    });
    member = await s.login(s.hong.userId, s.hong.password);
    const r = await s.request("POST", "/api/teller/login", {
      body: { tellerId: "probe01", password: "Probe!2026zq" },
    });
    teller = { cookie: String(r.headers["set-cookie"]).split(";")[0]!, csrf: r.json().csrfToken };
    const doc = (await s.request("GET", "/api/docs/json")).json() as {
      paths: Record<
        string,
        Record<string, { requestBody?: { content?: Record<string, { schema?: Schema }> } }>
      >;
    };
    operations = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        if (!["post", "put", "patch", "delete"].includes(method)) continue;
        operations.push({
          method: method.toUpperCase(),
          path,
          body: op.requestBody?.content?.["application/json"]?.schema,
        });
      }
    }
    known = {
      account: s.kim.accounts[0],
      fromAccount: s.hong.accounts[0],
      toAccount: s.kim.accounts[0],
      feeAccount: s.hong.accounts[0],
      to: s.hong.accounts[0],
      amount: "1000",
      count: "0",
      perTransfer: "1000000",
      perDay: "5000000",
      pin: pins.hong,
      otp: "000000",
      rrn: testRrn(),
      name: "홍길동",
      depositorName: "김예금",
      phone: "010-1234-5678",
      email: "probe@example.com",
      address: "서울특별시 종로구 세종대로 1",
      userId: "probe2026",
      serial: "01",
      phoneCode: "123456",
    };
    operations.sort((a, b) => lateness(a.path) - lateness(b.path));
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  it("answers each with a coded refusal or a success, never a 5xx", async () => {
    expect(operations.length, "the OpenAPI description lists the routes").toBeGreaterThan(20);
    let sent = 0;
    for (const op of operations) {
      const session = op.path.startsWith("/api/teller") ? teller : member;
      // Path parameters get an absurd id and a plausible one.
      const urls = /\{/.test(op.path)
        ? [
            op.path.replace(/\{[^}]+\}/g, "99999999999999999999"),
            op.path
              .replace("{memberId}", String(s.hong.member.id))
              .replace("{number}", s.hong.accounts[1]!)
              .replace(/\{[^}]+\}/g, "1"),
          ]
        : [op.path];
      for (const url of urls) {
        const send = (payload: string) =>
          s.fastify.inject({
            method: op.method as "POST",
            url,
            payload,
            headers: {
              "content-type": "application/json",
              cookie: session.cookie,
              "x-csrf-token": session.csrf,
            },
          });
        for (const body of hostileBodies) {
          expectHandled(await send(body), `${op.method} ${url} body ${body}`);
          sent++;
        }
        if (op.body?.type !== "object" || !op.body.properties) continue;
        // A new idempotency key for each request, so that each reaches the route's own checks.
        const fresh = () => ({
          ...(op.body?.properties?.idempotencyKey ? { idempotencyKey: `probe-${++keys}-key` } : {}),
        });
        const base = plausible(op.body, known) as Record<string, unknown>;
        const first = await send(JSON.stringify({ ...base, ...fresh() }));
        expectHandled(first, `${op.method} ${url} plausible`);
        for (const field of Object.keys(op.body.properties)) {
          for (const value of hostile) {
            const payload = JSON.stringify({ ...base, ...fresh(), [field]: "\u0000hostile" }).replace(
              '"\\u0000hostile"',
              value,
            );
            expectHandled(await send(payload), `${op.method} ${url} ${field}=${value.slice(0, 40)}`);
            sent++;
          }
        }
      }
    }
    expect(sent, "every field of every route was tried").toBeGreaterThan(2_000);
  }, 600_000);
});
