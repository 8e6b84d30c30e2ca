// Logins and transfers per second through the member API (src/server/api): autocannon in a child
// process against the real server on PGlite and on PostgreSQL, beside what the HTTP layer wraps,
// measured in the same run in the server's process: scrypt for a login, transfer() for a transfer.
import { randomUUID } from "node:crypto";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { createSession } from "../src/auth/sessions.ts";
import { enrollUser, hashPassword, passwordMatches } from "../src/auth/users.ts";
import { formatAccountNumber } from "../src/bank/account-number.ts";
import { openAccount } from "../src/bank/accounts.ts";
import type { BankContext } from "../src/bank/context.ts";
import { createBranch, createCooperative } from "../src/bank/federation.ts";
import { createMember } from "../src/bank/members.ts";
import { verifyPin } from "../src/bank/passbook-pin.ts";
import { issueSecurityCard } from "../src/bank/security-medium.ts";
import { transfer } from "../src/bank/transfer.ts";
import type { Queryable } from "../src/db/db.ts";
import { defaultRateRules, type RateRules } from "../src/server/api/rate-limits.ts";
import { sessionCookies } from "../src/server/api/session-hooks.ts";
import { buildServer } from "../src/server/app.ts";
import { type BenchServer, type DbKind, runChild, startBenchServer } from "./ca-server.ts";
import type {
  BenchSession,
  LoadInput,
  LoadResult,
  LoadRuns,
  LoadWork,
  TransferMember,
} from "./http-api-load.ts";
import { checkConserved, concurrency, drive, seconds } from "./transfers.ts";

const membersCount = Number(process.env.BENCH_HTTP_MEMBERS ?? 100);
/**
 * Sessions made per member for the transfer run; each takes the default number of code entries
 * (10), so 100 members have 20,000 transfers in them: room for 7 s at well over 1,000 a second.
 */
export const sessionsPerMember = 20;
const warmupSeconds = 1;
const password = "Bench!2026pass";
export const pin = "2580";
export const amount = 1000n;
export const cooperativeId = 1;
const loadScript = fileURLToPath(new URL("./http-api-load.ts", import.meta.url));

/**
 * The loader logs in from 127.0.0.1 alone, faster than the per-address limit lets one office do;
 * each limit is still counted in the database on every login. Code entry keeps its default: the
 * transfer run stays within it by spreading transfers over sessions.
 */
const benchRateRules: Partial<RateRules> = {
  loginPerAddress: { max: 1_000_000, windowMs: 60_000 },
  loginPerUser: { max: 1_000_000, windowMs: 60_000 },
};

export interface BenchMember extends Omit<TransferMember, "sessions"> {
  memberId: bigint;
  accountId: bigint;
  userId: string;
}

export interface Fixture {
  server: BenchServer;
  bank: BankContext;
  members: BenchMember[];
}

/** Members as a branch makes them: a demand account with a PIN, a login, a security card. */
export async function fixture(kind: DbKind): Promise<Fixture> {
  const server = await startBenchServer(kind, {
    poolSize: concurrency,
    // Warnings and errors go to stderr, out of the Markdown on stdout; at info, pino's line per
    // request would be a good part of what is measured.
    build: (app) =>
      buildServer(app, { logLevel: "warn", logStream: pino.destination(2), rateRules: benchRateRules }),
  });
  try {
    const { bank, db } = server.app;
    await createCooperative(bank, { id: cooperativeId, code: "9002", name: "벤치새마을금고" });
    await createBranch(bank, { cooperativeId, id: 1, code: "001", name: "본점" });
    const members: BenchMember[] = [];
    const now = bank.clock.now();
    // A few at a time: each one hashes a password (scrypt, on the thread pool).
    for (let start = 0; start < membersCount; start += 8) {
      const batch = Array.from({ length: Math.min(8, membersCount - start) }, async (_, j) => {
        const i = start + j;
        const member = await createMember(bank, {
          cooperativeId,
          branchId: 1,
          realName: `회원${i}`,
          rrn: `9001011${String(i).padStart(6, "0")}`,
        });
        // The overdraft lets every transfer through: the figures measure moving money, not refusing it.
        const account = await openAccount(bank, {
          cooperativeId,
          memberId: member.id,
          kind: "demand",
          pin,
          overdraftLimit: 1_000_000_000_000n,
        });
        const userId = `bench${String(i).padStart(4, "0")}`;
        await enrollUser(db, {
          cooperativeId,
          memberId: member.id,
          userId,
          password,
          mustChangePassword: false,
          at: now,
        });
        const card = await issueSecurityCard(bank, { cooperativeId, memberId: member.id });
        return {
          memberId: member.id,
          accountId: account.id,
          userId,
          fromAccount: formatAccountNumber(account.number),
          pin,
          card: card.codes,
        };
      });
      members.push(...(await Promise.all(batch)));
    }
    return { server, bank, members };
  } catch (e) {
    await server.close();
    throw e;
  }
}

/** What one kind of work cost: per second, and CPU ms of this process per operation. */
export interface Measured {
  rate: number;
  cpuMs: number;
}

/**
 * `fn`'s result with the CPU time this process spent meanwhile (all its threads: scrypt runs in
 * libuv's pool). On a shared machine CPU per operation moves less than operations per second.
 */
export async function withCpu<T>(fn: () => Promise<T>): Promise<{ value: T; cpuMs: number; wallMs: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const cpu = process.cpuUsage(cpu0);
  return { value, cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - t0 };
}

/** What the server has done so far of one kind of work, counted in the database. */
type Completed = (db: Queryable) => Promise<number>;

async function countOf(db: Queryable, sql: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(sql);
  return rows[0]!.n;
}

/** Every successful login makes a session; every member transfer one row. */
const loginsDone: Completed = (db) => countOf(db, "SELECT count(*)::int AS n FROM sessions");
export const transfersDone: Completed = (db) =>
  countOf(db, "SELECT count(*)::int AS n FROM transfers WHERE kind = 'transfer'");

/**
 * The loader's run against the server. CPU per operation is over everything the server did while
 * the loader ran and after: the requests in flight when a run stops are finished but not counted
 * by the loader, so the database counts them.
 */
export async function load(
  f: Fixture,
  work: LoadWork,
  completed: Completed,
): Promise<Measured & { result: LoadResult }> {
  const { db } = f.server.app;
  const input: LoadInput = { url: f.server.url, connections: concurrency, seconds, warmupSeconds, ...work };
  const before = await completed(db);
  const { value, cpuMs } = await withCpu(async () => {
    const runs = await runChild<LoadRuns>(loadScript, input);
    // Until the count stands still: the server is through what the loader left in flight.
    let last = -1;
    for (let count = await completed(db); count !== last; count = await completed(db)) {
      last = count;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return runs;
  });
  return {
    result: value.measured,
    rate: value.measured.ok / value.measured.seconds,
    cpuMs: cpuMs / ((await completed(db)) - before),
  };
}

/** A baseline in this process, through the transfers bench's drive(): the same concurrency. */
export async function baseline(op: () => Promise<boolean>): Promise<Measured> {
  const { value: rate, cpuMs, wallMs } = await withCpu(() => drive(op));
  return { rate, cpuMs: cpuMs / ((rate * wallMs) / 1000) };
}

interface Row {
  kind: DbKind;
  login: Measured & { result: LoadResult };
  /** Password checks, the same scrypt as a login's. */
  scrypt: Measured;
  transfers: Measured & { result: LoadResult };
  /** transfer() called directly: the posting without the HTTP layer. */
  direct: Measured;
  /** verifyPin alone: a transfer checks the PIN (one statement) before anything moves. */
  pinChecks: Measured;
}

/** Sessions as the login route makes them (not timed, and no password check spent on them). */
async function transferMembers(f: Fixture): Promise<TransferMember[]> {
  const now = f.bank.clock.now();
  return Promise.all(
    f.members.map(async (m) => {
      const sessions: BenchSession[] = [];
      for (let k = 0; k < sessionsPerMember; k++) {
        const s = await createSession(
          f.server.app.db,
          { kind: "member", cooperativeId, memberId: m.memberId },
          now,
        );
        sessions.push({ cookie: `${sessionCookies.member}=${s.token}`, csrf: s.csrfToken });
      }
      return { fromAccount: m.fromAccount, pin: m.pin, card: m.card, sessions };
    }),
  );
}

/** The better of two runs of a baseline: the machine is shared, and a baseline should not lose by it. */
export const better = (a: Measured, b: Measured) => (a.rate >= b.rate ? a : b);

async function measure(kind: DbKind): Promise<Row> {
  const f = await fixture(kind);
  try {
    const stored = await hashPassword(password);
    const checkPassword = () => passwordMatches(password, stored);
    const scryptBefore = await baseline(checkPassword);
    const login = await load(
      f,
      { kind: "login", users: f.members.map((m) => ({ userId: m.userId, password })) },
      loginsDone,
    );
    const scrypt = better(scryptBefore, await baseline(checkPassword));

    const pick = () => f.members[Math.floor(Math.random() * f.members.length)]!;
    const directTransfer = async () => {
      const from = pick();
      let to = pick();
      while (to === from) to = pick();
      await transfer(f.bank, {
        idempotencyKey: randomUUID(),
        actor: { kind: "member", cooperativeId, memberId: from.memberId, medium: "card" },
        from: { cooperativeId, accountId: from.accountId },
        to: { cooperativeId, accountId: to.accountId },
        amount,
      });
      return true;
    };
    const directBefore = await baseline(directTransfer);
    const transfers = await load(
      f,
      {
        kind: "transfer",
        members: await transferMembers(f),
        recipients: f.members.map((m) => m.fromAccount),
        amount: String(amount),
        codeEntriesPerSession: defaultRateRules.codeEntryPerSession.max,
      },
      transfersDone,
    );
    const direct = better(directBefore, await baseline(directTransfer));
    const pinChecks = await baseline(async () => {
      await verifyPin(f.bank, cooperativeId, pick().accountId, pin);
      return true;
    });
    await checkConserved(f.server.app.db);
    return { kind, login, scrypt, transfers, direct, pinChecks };
  } finally {
    await f.server.close();
  }
}

export const f0 = (x: number) => x.toFixed(0);
/** A latency; a run that got no answer has none (NaN in the loader, null once through JSON). */
export const ms = (x: number | null) =>
  x === null || Number.isNaN(x) ? "—" : x < 10 ? x.toFixed(1) : x.toFixed(0);
export const dbName = (kind: DbKind) => (kind === "pglite" ? "PGlite" : "PostgreSQL");

/** Everything that was not a checked success, so that a run with failures cannot pass for a clean one. */
export function failures(kind: DbKind, what: string, r: LoadResult): string[] {
  if (r.non2xx + r.badBodies + r.errors + r.timeouts === 0) return [];
  const codes = Object.entries(r.statusCodes)
    .map(([code, n]) => `${code}: ${n}`)
    .join(", ");
  return [
    `- **${dbName(kind)}, ${what}: not all succeeded.** non-2xx ${r.non2xx} (${codes}), 2xx with a wrong body ${r.badBodies}, connection errors ${r.errors}, timeouts ${r.timeouts}; first: ${r.firstFailure ?? "—"}`,
  ];
}

export async function benchHttpApi(): Promise<string[]> {
  const load0 = loadavg()[0]!;
  const rows: Row[] = [];
  for (const kind of ["pglite", "postgres"] as const) rows.push(await measure(kind));
  const failed = (r: LoadResult) => f0(r.non2xx + r.badBodies + r.errors + r.timeouts);
  return [
    `${membersCount} members, each with a login, a demand account with a PIN and a security card; autocannon with ${concurrency} connections from a child process over 127.0.0.1, ${seconds} s per run after a ${warmupSeconds} s warm-up. Baselines in this process at the same concurrency, before and after the HTTP run, the better kept. Load average ${load0.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end.`,
    "",
    "| database | logins/s | p50 ms | p99 ms | failed | scrypt checks/s | logins / scrypt |",
    "|---|---|---|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${dbName(r.kind)} | ${f0(r.login.rate)} | ${ms(r.login.result.p50)} | ${ms(r.login.result.p99)} | ${failed(r.login.result)} | ${f0(r.scrypt.rate)} | ${(r.login.rate / r.scrypt.rate).toFixed(2)} |`,
    ),
    "",
    "| database | transfers/s | p50 ms | p99 ms | challenge p50 / p99 ms | failed | transfer() direct/s | HTTP / direct |",
    "|---|---|---|---|---|---|---|---|",
    ...rows.map((r) => {
      const t = r.transfers.result;
      const challenge = t.challenge ? `${ms(t.challenge.p50)} / ${ms(t.challenge.p99)}` : "—";
      return `| ${dbName(r.kind)} | ${f0(r.transfers.rate)} | ${ms(t.p50)} | ${ms(t.p99)} | ${challenge} | ${failed(t)} | ${f0(r.direct.rate)} | ${(r.transfers.rate / r.direct.rate).toFixed(3)} |`;
    }),
    "",
    "CPU ms of the server's process per operation (all threads), and verifyPin alone at the same concurrency:",
    "",
    "| database | login | scrypt check | transfer through HTTP | transfer() direct | verifyPin | verifyPin alone/s |",
    "|---|---|---|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${dbName(r.kind)} | ${ms(r.login.cpuMs)} | ${ms(r.scrypt.cpuMs)} | ${ms(r.transfers.cpuMs)} | ${ms(r.direct.cpuMs)} | ${ms(r.pinChecks.cpuMs)} | ${f0(r.pinChecks.rate)} |`,
    ),
    "",
    "p50 and p99 are of POST /api/auth/login and of POST /api/transfers; each transfer first takes GET /api/transfers/challenge (the card's two code numbers), timed apart. Failed: not 2xx, 2xx with the wrong body, connection errors and timeouts.",
    ...rows.flatMap((r) => [
      ...failures(r.kind, "login", r.login.result),
      ...failures(r.kind, "transfers", r.transfers.result),
    ]),
  ];
}
