// The real HTTP server in this process on a fresh database of either kind, with a P-384 CA, the
// demo federation (teller01 at cooperative 1, hong with an OTP device, a member at cooperative 2),
// a second teller at cooperative 2, a clock the test moves, and a small cookie-keeping client; the
// demo's members and accounts by name, refusals as every route gives them, and the audit log.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { createTeller } from "../../../src/auth/tellers.ts";
import { formatAccountNumber } from "../../../src/bank/account-number.ts";
import { demoLogins, seedDemo } from "../../../src/demo/seed.ts";
import type { App } from "../../../src/server/context.ts";
import { TestClock } from "../../support/bank.ts";
import { type DbKind, freshDb } from "../../support/db.ts";
import { listenLocally, testApp } from "../../support/test-app.ts";

export const otherTeller = { tellerId: "haeoreum01", password: "Haeoreum!2026x" };

export interface TellerServer {
  app: App;
  clock: TestClock;
  url: string;
  close(): Promise<void>;
}

export async function startTellerServer(kind: DbKind): Promise<TellerServer> {
  const db = await freshDb(kind);
  const dir = mkdtempSync(join(tmpdir(), "geumgo-teller-"));
  // A Wednesday morning in Seoul, so that business days are easy to count.
  const clock = new TestClock(new Date("2026-11-25T01:00:00Z"));
  const app = await testApp(db, { clock, dataDir: join(dir, "data"), withCa: true });
  await seedDemo(app.bank);
  await createTeller(db, { cooperativeId: 2, branchId: 1, ...otherTeller, name: "이창구", at: clock.now() });
  const { fastify, url } = await listenLocally(app, { logLevel: "warn" });
  return {
    app,
    clock,
    url,
    async close() {
      await fastify.close();
      await db.close();
    },
  };
}

/** A refusal as every teller route gives it: the status, the code, and words in Korean and English. */
export function expectRefusal(r: Answer, status: number, code: string): void {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  const e = (r.body as { error: { code: string; message: { ko: string; en: string } } }).error;
  expect(e.code).toBe(code);
  expect(e.message.ko).toMatch(/[가-힣]/);
  expect(e.message.en).toMatch(/^[\x20-\x7e]+$/);
  expect(JSON.stringify(r.body)).not.toMatch(/at .*\.ts:\d+/);
}

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** A browser in miniature: keeps the teller cookie and sends the CSRF token it was given. */
export class TellerClient {
  cookie: string | undefined;
  csrfToken: string | undefined;

  constructor(readonly url: string) {}

  async call<T = Record<string, unknown>>(
    method: "GET" | "POST",
    path: string,
    body?: unknown,
    options: { csrf?: boolean } = {},
  ): Promise<Answer<T>> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers["content-type"] = "application/json";
    if (this.cookie) headers.cookie = this.cookie;
    if (method !== "GET" && (options.csrf ?? true) && this.csrfToken)
      headers["x-csrf-token"] = this.csrfToken;
    const r = await fetch(`${this.url}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const setCookie = r.headers.get("set-cookie");
    if (setCookie?.startsWith("geumgo_teller=")) {
      const value = setCookie.split(";")[0]!;
      this.cookie = value === "geumgo_teller=" ? undefined : value;
    }
    const text = await r.text();
    return { status: r.status, body: (text ? JSON.parse(text) : {}) as T, headers: r.headers };
  }

  get<T = Record<string, unknown>>(path: string) {
    return this.call<T>("GET", path);
  }

  post<T = Record<string, unknown>>(path: string, body?: unknown, options: { csrf?: boolean } = {}) {
    return this.call<T>("POST", path, body, options);
  }

  async login(who: { tellerId: string; password: string } = demoLogins.teller): Promise<Answer> {
    const r = await this.post("/api/teller/login", who);
    if (r.status === 200) this.csrfToken = String(r.body.csrfToken);
    return r;
  }
}

/** A demo member's ID as the teller routes take it, by their real name (the demo's are unique). */
export async function demoMemberId(app: App, realName: string): Promise<string> {
  const { rows } = await app.db.query<{ id: bigint }>("SELECT id FROM members WHERE real_name = $1", [
    realName,
  ]);
  return String(rows[0]!.id);
}

/** A demo member's account of a kind, by their real name: its number as the console types it, and its holder. */
export async function demoAccount(
  app: App,
  realName: string,
  kind: "demand" | "savings" = "demand",
): Promise<{ number: string; memberId: string }> {
  const { rows } = await app.db.query<{ number: string; member_id: bigint }>(
    `SELECT a.number, a.member_id FROM accounts a JOIN members m ON m.cooperative_id = a.cooperative_id AND m.id = a.member_id
     WHERE m.real_name = $1 AND a.kind = $2`,
    [realName, kind],
  );
  return { number: formatAccountNumber(rows[0]!.number), memberId: String(rows[0]!.member_id) };
}

/** The audit entries (payload JSON text included) written since `afterSeq`. */
export async function auditSince(
  app: App,
  afterSeq: bigint,
): Promise<{ seq: bigint; actor: string; action: string; subject: string | null; payload: string }[]> {
  const { rows } = await app.db.query<{
    seq: bigint;
    actor: string;
    action: string;
    subject: string | null;
    payload: string;
  }>("SELECT seq, actor, action, subject, payload FROM audit_log WHERE seq > $1 ORDER BY seq", [afterSeq]);
  return rows;
}

export async function auditHead(app: App): Promise<bigint> {
  const { rows } = await app.db.query<{ seq: bigint }>("SELECT seq FROM audit_head");
  return rows[0]!.seq;
}
