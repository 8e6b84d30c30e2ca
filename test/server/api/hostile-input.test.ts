// Hostile input for every route the OpenAPI document lists, and for the operator and PKI routes
// from a list: malformed and deeply nested JSON, control and bidi characters in every string,
// wrong types, huge and fractional numbers, out-of-range dates and ids, overlong strings, unknown
// fields. Each answer must come within a time bound and be below 500: bad input is the caller's.
import { randomBytes } from "node:crypto";
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTeller } from "../../../src/auth/tellers.ts";
import { createCaHierarchy } from "../../../src/ca/ca-keys.ts";
import { buildServer } from "../../../src/server/app.ts";
import { dbKinds } from "../../support/db.ts";
import { pins, type Session, startWebServer, type WebServer } from "../../support/web-server.ts";

/** A request that has not answered by then is a hang, whatever the machine's load. */
const hangMs = 15_000;
const teller = { tellerId: "hostile01", password: "Hostile!2026x" };
const adminToken = "hostile-test-admin-token-0123456789";

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  anyOf?: Schema[];
  const?: unknown;
  enum?: unknown[];
  examples?: unknown[];
  default?: unknown;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  format?: string;
  items?: Schema;
};
type Operation = {
  parameters?: { name: string; in: "path" | "query" | "header" | "cookie"; schema: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
};

/** Text a schema's pattern and lengths may accept; the first that fits is a valid baseline value. */
const candidates = [
  "1",
  "0000",
  "000000",
  "00",
  "aaaaaa",
  "abcdefgh12",
  "900101-1234567",
  "010-1234-5678",
  "a@b.cd",
  "2026-11-01",
  "9002-0000-1000-3",
];

function stringBaseline(s: Schema): string {
  if (typeof s.examples?.[0] === "string") return s.examples[0];
  for (const c of candidates) {
    if (s.pattern && !new RegExp(s.pattern, "u").test(c)) continue;
    if (c.length < (s.minLength ?? 0) || c.length > (s.maxLength ?? Infinity)) continue;
    return c;
  }
  return "a";
}

/** A value the schema accepts (as far as the generator can tell), to change one field at a time. */
function baseline(s: Schema): unknown {
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  if (s.anyOf) return baseline(s.anyOf[0]!);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  if (type === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(s.properties ?? {})) out[k] = baseline(v);
    return out;
  }
  if (type === "integer" || type === "number") return s.default ?? 1;
  if (type === "boolean") return false;
  if (type === "array") return [];
  return stringBaseline(s);
}

/** What goes into every string field of a body. */
const everyField = ["a\u0000b", "\u0001\u001f\u007f", "\u202etxt.exe", "😀", "x".repeat(5000)];
/** And into every path segment and query parameter, where ids, cursors and days travel. */
const everyParam = [...everyField, "9223372036854775808", "-1", "0000-01-01", "9999-12-31"];

/**
 * The rest, a few to each field in turn (every route still meets most of them): sending all of
 * them everywhere would take minutes for no more coverage of the edge, which treats fields alike.
 */
const inTurn = [
  "\u0000",
  "tab\there",
  "\u0085",
  "\u2066x\u2069",
  "zero\u200bwidth",
  "\ufeff",
  "\ud800",
  "",
  " ",
  "0",
  "0.5",
  "1e400",
  "9999999999999999999",
  "-9223372036854775809",
  "2026-02-30",
  "garbage",
  "%00",
  "../../etc/passwd",
  "__proto__",
];

/** Raw JSON put in place of one field's value (numbers JSON.stringify cannot write among them). */
const rawInTurn = [
  "1",
  "-1",
  "0.5",
  "1e400",
  "9223372036854775808",
  "-9223372036854775809",
  "true",
  "null",
  "[]",
  '["a"]',
  "{}",
  '{"a":"\\u0000"}',
];

/** `count` items of a list, starting where the last call stopped. */
function taker<T>(list: readonly T[]) {
  let at = 0;
  return (count: number): T[] => Array.from({ length: count }, () => list[at++ % list.length]!);
}

/** URL-encoded; a lone surrogate, which UTF-8 cannot carry, as the bytes a sloppy encoder sends. */
function enc(v: string): string {
  try {
    return encodeURIComponent(v);
  } catch {
    return "%ED%A0%80";
  }
}

const deep = (n: number, open: string, close: string) => `${open.repeat(n)}${close.repeat(n)}`;

/** Whole bodies: not JSON, nested past any sense (every route), and the rest in turn. */
const everyBody = ["{", deep(50_000, "[", "]"), `${'{"a":'.repeat(50_000)}1${"}".repeat(50_000)}`];
const bodiesInTurn = [
  '{"a":',
  "nul\u0000",
  "[]",
  '"text"',
  "123",
  "null",
  '{"__proto__":{"x":1}}',
  '{"constructor":{"prototype":{"x":1}}}',
  `{"a\\u0000":"b"}`,
];

interface Case {
  label: string;
  method: string;
  url: string;
  /** Made when sent, so that a one-time code in it is current. */
  payload?: () => string;
  contentType?: string;
}

/** Sets one dotted field of a copy of the body to raw JSON text. */
function withRaw(body: unknown, path: string[], raw: string): string {
  const marker = `@@${randomBytes(6).toString("hex")}@@`;
  const copy = structuredClone(body) as Record<string, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
  at[path[path.length - 1]!] = marker;
  return JSON.stringify(copy).replace(JSON.stringify(marker), raw);
}

/** Every field of a body schema, nested ones too (`card`, `card.first`), as paths of keys. */
function fields(s: Schema, path: string[] = []): string[][] {
  return Object.entries(s.properties ?? {}).flatMap(([k, v]) => [[...path, k], ...fields(v, [...path, k])]);
}

type Overrides = Record<string, () => string>;

interface Turns {
  strings(n: number): string[];
  raw(n: number): string[];
  bodies(n: number): string[];
}

function casesFor(path: string, method: string, op: Operation, overrides: Overrides, turn: Turns): Case[] {
  const M = method.toUpperCase();
  const params = op.parameters ?? [];
  const value = (name: string, s: Schema) => overrides[name]?.() ?? String(baseline(s));
  const url = (pathValues: Record<string, string> = {}, query: Record<string, string> = {}) => {
    let u = path;
    for (const p of params.filter((p) => p.in === "path")) {
      const v = pathValues[p.name] ?? value(p.name, p.schema);
      u = u.replace(`{${p.name}}`, enc(v));
    }
    const q = new Map<string, string>();
    for (const p of params.filter((p) => p.in === "query")) {
      const v = query[p.name] ?? (p.name in overrides ? value(p.name, p.schema) : undefined);
      if (v !== undefined) q.set(p.name, v);
    }
    for (const [k, v] of Object.entries(query)) if (!q.has(k)) q.set(k, v);
    const qs = [...q].map(([k, v]) => `${enc(k)}=${enc(v)}`).join("&");
    return qs ? `${u}?${qs}` : u;
  };
  const bodySchema = op.requestBody?.content["application/json"]?.schema;
  // A fresh body for each case: a one-time code or an idempotency key is good once.
  const body = () => {
    if (!bodySchema) return undefined;
    const b = baseline(bodySchema) as Record<string, unknown>;
    for (const path of fields(bodySchema)) {
      const o = overrides[path.join(".")];
      if (o) {
        let at = b;
        for (const k of path.slice(0, -1)) at = at[k] as Record<string, unknown>;
        at[path[path.length - 1]!] = o();
      }
    }
    return b;
  };
  const json = (payload: () => string, label: string): Case => ({
    label,
    method: M,
    url: url(),
    payload,
    contentType: "application/json",
  });
  const cases: Case[] = [];
  for (const p of params.filter((p) => p.in === "path" || p.in === "query")) {
    for (const v of [...everyParam, ...turn.strings(2)]) {
      const given = p.in === "path" ? { [p.name]: v } : {};
      const query = p.in === "query" ? { [p.name]: v } : {};
      cases.push({
        label: `${p.in} ${p.name}=${JSON.stringify(v).slice(0, 40)}`,
        method: M,
        url: url(given, query),
        ...(bodySchema ? { payload: () => JSON.stringify(body()), contentType: "application/json" } : {}),
      });
    }
  }
  if (M !== "GET") {
    for (const raw of [...everyBody, ...turn.bodies(1)])
      cases.push(json(() => raw, `body ${raw.slice(0, 30)}`));
    cases.push({
      label: "text/plain body",
      method: M,
      url: url(),
      payload: () => "x",
      contentType: "text/plain",
    });
    cases.push({
      label: "form body",
      method: M,
      url: url(),
      payload: () => "a=b",
      contentType: "application/x-www-form-urlencoded",
    });
  }
  if (bodySchema) {
    cases.push(json(() => JSON.stringify(body()), "baseline"));
    cases.push(
      json(
        () => JSON.stringify({ ...(body() as object), unknownField: "x", "k\u0000": "v" }),
        "unknown fields",
      ),
    );
    for (const path of fields(bodySchema)) {
      const name = path.join(".");
      for (const v of [...everyField, ...turn.strings(1)])
        cases.push(
          json(() => withRaw(body(), path, JSON.stringify(v)), `${name}=${JSON.stringify(v).slice(0, 40)}`),
        );
      for (const raw of turn.raw(2)) cases.push(json(() => withRaw(body(), path, raw), `${name}=${raw}`));
    }
  }
  return cases;
}

async function send(
  fastify: FastifyInstance,
  c: Case,
  headers: Record<string, string>,
): Promise<LightMyRequestResponse | "hang"> {
  const options: InjectOptions = {
    method: c.method as InjectOptions["method"],
    url: c.url,
    headers: { ...headers, ...(c.contentType ? { "content-type": c.contentType } : {}) },
    ...(c.payload !== undefined ? { payload: c.payload() } : {}),
  };
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<"hang">((resolve) => {
    timer = setTimeout(() => resolve("hang"), hangMs);
  });
  try {
    return await Promise.race([fastify.inject(options), hang]);
  } finally {
    clearTimeout(timer);
  }
}

describe.each(dbKinds)("hostile input on %s", (kind) => {
  let s: WebServer;
  let admin: FastifyInstance;
  let member: Session;
  let tellerSession: Session;

  async function memberAlive(): Promise<Session> {
    const r = await s.request("GET", "/api/session", { session: member });
    if (r.statusCode !== 200) member = await s.login(s.hong.userId, s.hong.password);
    return member;
  }
  async function tellerAlive(): Promise<Session> {
    if (tellerSession) {
      const r = await s.fastify.inject({
        method: "GET",
        url: "/api/teller/session",
        headers: { cookie: tellerSession.cookie },
      });
      if (r.statusCode === 200) return tellerSession;
    }
    const r = await s.fastify.inject({ method: "POST", url: "/api/teller/login", payload: teller });
    if (r.statusCode !== 200) throw new Error(`teller login: ${r.statusCode} ${r.body}`);
    tellerSession = { cookie: String(r.headers["set-cookie"]).split(";")[0]!, csrf: r.json().csrfToken };
    return tellerSession;
  }

  beforeAll(async () => {
    s = await startWebServer(kind);
    await createCaHierarchy(s.app.db, {
      organization: "Geumgo Test",
      algorithm: "P-384",
      passphrase: s.app.config.caPassphrase,
      now: new Date(s.clock.now().getTime() - 86_400_000),
    });
    await createTeller(s.app.db, {
      cooperativeId: 1,
      branchId: 1,
      ...teller,
      name: "김창구",
      at: s.clock.now(),
    });
    admin = await buildServer(s.app, { adminToken, logLevel: "warn" });
    await admin.ready();
    member = await s.login(s.hong.userId, s.hong.password);
  });
  afterAll(async () => {
    await admin?.close();
    await s?.close();
  });

  it("answers every documented route below 500, whatever it is sent", async () => {
    const spec = (await s.request("GET", "/api/docs/json")).json() as {
      paths: Record<string, Record<string, Operation>>;
    };
    // Valid values where a generated one would stop the request before it reaches the bank:
    // the member's own accounts and PIN, a fresh OTP code and idempotency key, a member of the
    // teller's cooperative who is not the logged-in one (a password reset would end that).
    const overrides: Overrides = {
      fromAccount: () => s.hong.accounts[0]!,
      toAccount: () => s.kim.accounts[0]!,
      number: () => s.hong.accounts[0]!,
      amount: () => "1",
      pin: () => pins.hong,
      otp: () => s.nextOtp(s.hong),
      idempotencyKey: () => randomBytes(12).toString("hex"),
      perTransfer: () => "100000000",
      perDay: () => "500000000",
      memberId: () => String(s.kim.member.id),
      userId: () => "nobody01",
    };
    const turn: Turns = { strings: taker(inTurn), raw: taker(rawInTurn), bodies: taker(bodiesInTurn) };
    const failures: string[] = [];
    let sent = 0;
    for (const [path, ops] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        // Fresh rate-limit windows for each route; the sessions survive a minute without use.
        s.clock.advance(61_000);
        const session = path.startsWith("/api/teller/") ? await tellerAlive() : await memberAlive();
        const headers = { cookie: session.cookie, "x-csrf-token": session.csrf };
        for (const c of casesFor(path, method, op, overrides, turn)) {
          const r = await send(s.fastify, c, headers);
          sent++;
          if (r === "hang") failures.push(`${c.method} ${path} ${c.label}: no answer in ${hangMs} ms`);
          else if (r.statusCode >= 500)
            failures.push(`${c.method} ${path} ${c.label}: ${r.statusCode} ${r.body.slice(0, 120)}`);
        }
      }
    }
    expect(sent).toBeGreaterThan(400);
    expect(failures).toEqual([]);
  });

  it("answers the operator and PKI routes below 500, whatever they are sent", async () => {
    const op = (name: string, payload: string): Case => ({
      label: `${name} ${payload.slice(0, 30)}`,
      method: "POST",
      url: `/admin/operations/${name}`,
      payload: () => payload,
      contentType: "application/json",
    });
    const cases: Case[] = [];
    const strings = taker(inTurn);
    const bodies = taker(bodiesInTurn);
    for (const name of [
      "ca.hold",
      "ca.refusals",
      "teller.list",
      "teller.unlock",
      "demo.otp",
      "no.such",
      "%00",
      "x".repeat(300),
    ]) {
      for (const raw of [...everyBody, ...bodies(2)]) cases.push(op(name, raw));
      for (const arg of ["serial", "minutes", "user", "cooperative", "teller"])
        for (const v of [...everyField.slice(0, 3), ...strings(2)])
          cases.push(op(name, JSON.stringify({ [arg]: v })));
    }
    for (const path of ["/pki/cmp", "/pki/ocsp"]) {
      for (const payload of ["", "\u0000", "0".repeat(70_000), deep(50_000, "[", "]")]) {
        for (const contentType of ["application/pkixcmp", "application/ocsp-request", "application/json"])
          cases.push({
            label: `${contentType} ${payload.length}`,
            method: "POST",
            url: path,
            payload: () => payload,
            contentType,
          });
      }
    }
    // Under the web app's paths too, short of "/" itself (503 until the web app is built).
    for (const v of [...everyParam, ...inTurn])
      for (const base of [
        "/pki/ocsp/",
        "/pki/crl?x=",
        "/healthz?x=",
        "/pki/chain.pem?x=",
        "/assets/",
        "/api/docs/",
      ])
        cases.push({
          label: `${base}${JSON.stringify(v).slice(0, 20)}`,
          method: "GET",
          url: `${base}${enc(v)}`,
        });
    const failures: string[] = [];
    for (const c of cases) {
      const r = await send(admin, c, { authorization: `Bearer ${adminToken}` });
      if (r === "hang")
        failures.push(`${c.method} ${c.url.slice(0, 60)} ${c.label}: no answer in ${hangMs} ms`);
      else if (r.statusCode >= 500)
        failures.push(
          `${c.method} ${c.url.slice(0, 60)} ${c.label}: ${r.statusCode} ${r.body.slice(0, 120)}`,
        );
    }
    expect(failures).toEqual([]);
  });
});
