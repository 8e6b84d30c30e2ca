// The real HTTP server (src/server) on a fresh database of either kind, for the internet banking
// API: two cooperatives, three members with funded accounts, two of them enrolled for internet
// banking with an OTP device, a clock the test moves, and a small client over Fastify's inject.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { enrollUser } from "../../src/auth/users.ts";
import { formatAccountNumber } from "../../src/bank/account-number.ts";
import { type Account, openAccount } from "../../src/bank/accounts.ts";
import { createBranch, createCooperative } from "../../src/bank/federation.ts";
import { createMember, type Member } from "../../src/bank/members.ts";
import { registerOtp } from "../../src/bank/security-medium.ts";
import { totpCode } from "../../src/bank/totp.ts";
import { buildServer, type ServerOptions } from "../../src/server/app.ts";
import type { App } from "../../src/server/context.ts";
import { deposit, TestClock, testRrn } from "./bank.ts";
import { type DbKind, freshDb } from "./db.ts";
import { testApp } from "./test-app.ts";

export interface WebMember {
  member: Member;
  userId: string;
  password: string;
  /** Formatted account numbers: demand first. */
  accounts: string[];
  accountRows: Account[];
  otpSecret?: Uint8Array;
}

export interface Session {
  cookie: string;
  csrf: string;
}

export interface WebServer {
  app: App;
  fastify: FastifyInstance;
  clock: TestClock;
  hong: WebMember;
  kim: WebMember;
  /** In the other cooperative; not enrolled for internet banking. */
  lee: WebMember;
  /** The OTP code of the next 30-second step (a code is good once), moving the clock to it. */
  nextOtp(who: WebMember): string;
  login(userId: string, password: string): Promise<Session>;
  request(
    method: "GET" | "POST" | "PUT" | "DELETE",
    url: string,
    options?: { session?: Session; body?: unknown; csrf?: string | null },
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export const pins = { hong: "1234", kim: "4321", lee: "1111" };

export async function startWebServer(
  kind: DbKind,
  options: { at?: Date; rateRules?: ServerOptions["rateRules"] } = {},
): Promise<WebServer> {
  const db = await freshDb(kind);
  const clock = new TestClock(options.at ?? new Date("2026-11-25T03:00:00Z"));
  const app = await testApp(db, { clock, dataDir: join(mkdtempSync(join(tmpdir(), "geumgo-web-")), "data") });
  const { bank } = app;
  await createCooperative(bank, { id: 1, code: "9002", name: "한빛새마을금고" });
  await createBranch(bank, { cooperativeId: 1, id: 1, code: "001", name: "본점" });
  await createCooperative(bank, { id: 2, code: "9003", name: "해오름새마을금고" });
  await createBranch(bank, { cooperativeId: 2, id: 1, code: "001", name: "본점" });

  async function person(
    coop: number,
    name: string,
    pin: string,
    login?: { userId: string; password: string },
    savings = false,
  ): Promise<WebMember> {
    const member = await createMember(bank, {
      cooperativeId: coop,
      branchId: 1,
      realName: name,
      rrn: testRrn(),
      phone: "010-0000-0000",
      email: `${login?.userId ?? "x"}@example.com`,
    });
    const rows = [await openAccount(bank, { cooperativeId: coop, memberId: member.id, kind: "demand", pin })];
    if (savings)
      rows.push(await openAccount(bank, { cooperativeId: coop, memberId: member.id, kind: "savings", pin }));
    for (const a of rows) await deposit(bank, a, 5_000_000n);
    const who: WebMember = {
      member,
      userId: login?.userId ?? "",
      password: login?.password ?? "",
      accounts: rows.map((a) => formatAccountNumber(a.number)),
      accountRows: rows,
    };
    if (login) {
      await enrollUser(db, {
        cooperativeId: coop,
        memberId: member.id,
        ...login,
        mustChangePassword: false,
        at: clock.now(),
      });
      const otp = await registerOtp(bank, {
        cooperativeId: coop,
        memberId: member.id,
        account: login.userId,
        issuer: "Geumgo",
      });
      who.otpSecret = otp.secret;
    }
    return who;
  }
  const hong = await person(1, "홍길동", pins.hong, { userId: "hong", password: "Hong!2026demo" }, true);
  const kim = await person(1, "김영희", pins.kim, { userId: "kim2026", password: "Kim!2026pass" });
  const lee = await person(2, "이철수", pins.lee);

  const fastify = await buildServer(app, {
    logLevel: "warn",
    ...(options.rateRules ? { rateRules: options.rateRules } : {}),
  });
  await fastify.ready();

  const request: WebServer["request"] = (method, url, o = {}) => {
    const headers: Record<string, string> = {};
    if (o.session) headers.cookie = o.session.cookie;
    const csrf = o.csrf === undefined ? o.session?.csrf : o.csrf;
    if (csrf) headers["x-csrf-token"] = csrf;
    return fastify.inject({
      method,
      url,
      headers,
      ...(o.body !== undefined ? { payload: o.body as Record<string, unknown> } : {}),
    });
  };

  return {
    app,
    fastify,
    clock,
    hong,
    kim,
    lee,
    nextOtp(who) {
      clock.advance(30_000);
      return totpCode(who.otpSecret!, clock.now());
    },
    async login(userId, password) {
      const r = await request("POST", "/api/auth/login", { body: { userId, password } });
      if (r.statusCode !== 200) throw new Error(`login ${userId}: ${r.statusCode} ${r.body}`);
      const setCookie = String(r.headers["set-cookie"]);
      return { cookie: setCookie.split(";")[0]!, csrf: r.json().csrfToken };
    },
    request,
    async close() {
      await fastify.close();
      await db.close();
    },
  };
}
