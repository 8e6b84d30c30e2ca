// Transfers per second, ours beside two baselines measured in the same run on the same database:
// the raw SQL of a transfer driven by pgbench at the same concurrency (the ceiling), and the
// obvious way in Node (one transaction per transfer, SELECT … FOR UPDATE, no idempotency or
// limits). On PGlite there is no pgbench: it takes no outside connections.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { makeAccountNumber } from "../src/bank/account-number.ts";
import type { BankContext } from "../src/bank/context.ts";
import { createBranch, createCooperative } from "../src/bank/federation.ts";
import { postTransfer, type TransferRequest, transfer } from "../src/bank/transfer.ts";
import type { Db } from "../src/db/db.ts";
import { migrate } from "../src/db/migrate.ts";
import { openPglite } from "../src/db/pglite.ts";
import { openPostgres } from "../src/db/postgres.ts";

const adminUrl = process.env.GEUMGO_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/test";
export const concurrency = 20;
export const seconds = Number(process.env.BENCH_SECONDS ?? 5);
/** Bench account ids start here, so pgbench can name them by arithmetic. */
const idBase = 1_000_000;

interface Setup {
  db: Db;
  url?: string;
  ctx: BankContext;
  accounts: number;
  drop(): Promise<void>;
}

async function setup(kind: "pglite" | "postgres", accounts: number): Promise<Setup> {
  let db: Db;
  let url: string | undefined;
  let name = "";
  if (kind === "pglite") {
    db = await openPglite();
  } else {
    name = `geumgo_bench_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    url = u.toString();
    db = openPostgres(url, { poolSize: concurrency });
  }
  await migrate(db);
  const ctx: BankContext = {
    db,
    clock: { now: () => new Date() },
    rrnKeys: { encryption: randomBytes(32), index: randomBytes(32) },
    pinKey: randomBytes(32),
  };
  await createCooperative(ctx, { id: 1, code: "9002", name: "bench" });
  await createBranch(ctx, { cooperativeId: 1, id: 1, code: "001", name: "본점" });
  // Members and accounts in bulk; a large overdraft lets every transfer through, so the figures
  // measure moving money, not refusing it.
  await db.query(
    `INSERT INTO members (cooperative_id, id, branch_id, real_name, rrn_ciphertext, rrn_index, created_at)
     SELECT 1, $2 + g, 1, 'bench' || g, '\\x00'::bytea, decode(md5(g::text), 'hex'), now() FROM generate_series(1, $1) g`,
    [accounts, idBase],
  );
  const numbers = Array.from({ length: accounts }, (_, i) => makeAccountNumber("9002", 10_000 + i));
  await db.query(
    `INSERT INTO accounts (cooperative_id, id, number, member_id, kind, name, overdraft_limit)
     SELECT 1, $2 + g, n, $2 + g, 'demand', '보통예금', 1000000000000000
     FROM unnest($1::text[]) WITH ORDINALITY AS x (n, g)`,
    [numbers, idBase],
  );
  return {
    db,
    ...(url ? { url } : {}),
    ctx,
    accounts,
    async drop() {
      await db.close();
      if (name) {
        const admin = new pg.Client({ connectionString: adminUrl });
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      }
    },
  };
}

function pair(n: number): [number, number] {
  const a = 1 + Math.floor(Math.random() * n);
  let b = 1 + Math.floor(Math.random() * (n - 1));
  if (b >= a) b++;
  return [idBase + a, idBase + b];
}

/** Runs `op` from `concurrency` callers for `seconds`; returns completed operations per second. */
export async function drive(op: () => Promise<boolean>): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        if (await op()) done++;
      }
    }),
  );
  return done / ((performance.now() - t0) / 1000);
}

async function ours(s: Setup, isolation?: "serializable"): Promise<number> {
  return drive(async () => {
    const [a, b] = pair(s.accounts);
    const request: TransferRequest = {
      idempotencyKey: randomBytes(8).toString("hex"),
      actor: { kind: "member", cooperativeId: 1, memberId: BigInt(a), medium: "otp" },
      from: { cooperativeId: 1, accountId: BigInt(a) },
      to: { cooperativeId: 1, accountId: BigInt(b) },
      amount: BigInt(1 + Math.floor(Math.random() * 1000)),
    };
    if (!isolation) {
      await transfer(s.ctx, request);
      return true;
    }
    // The alternative to ordered locks: the same postings under SERIALIZABLE, retried on conflict.
    return s.db
      .transaction((tx) => postTransfer(s.ctx, tx, request), { isolation, retries: 50 })
      .then(() => true)
      .catch((e: unknown) => {
        if ((e as { code?: string }).code === "40001") return false;
        throw e;
      });
  });
}

/** One transaction per transfer, rows locked in the order the request names them. */
async function naive(s: Setup): Promise<number> {
  return drive(async () => {
    const [a, b] = pair(s.accounts);
    const amount = BigInt(1 + Math.floor(Math.random() * 1000));
    // Locking in request order deadlocks when two transfers cross; PostgreSQL aborts one, which
    // counts as not done (the obvious way has no retry).
    return s.db
      .transaction(
        async (tx) => {
          await tx.query("SELECT balance FROM accounts WHERE cooperative_id = 1 AND id = $1 FOR UPDATE", [a]);
          await tx.query("SELECT balance FROM accounts WHERE cooperative_id = 1 AND id = $1 FOR UPDATE", [b]);
          const t = await tx.query<{ id: bigint }>(
            `INSERT INTO transfers (cooperative_id, idempotency_scope, idempotency_key, request_hash, kind, from_account_id,
           to_cooperative_id, to_account_id, amount, created_at)
         VALUES (1, 'naive', $1, '\\x00', 'transfer', $2, 1, $3, $4, now()) RETURNING id`,
            [randomBytes(8).toString("hex"), a, b, amount],
          );
          for (const [acc, amt] of [
            [a, -amount],
            [b, amount],
          ] as const) {
            const r = await tx.query<{ balance: bigint }>(
              "UPDATE accounts SET balance = balance + $2 WHERE cooperative_id = 1 AND id = $1 RETURNING balance",
              [acc, amt],
            );
            await tx.query(
              `INSERT INTO entries (cooperative_id, account_id, transfer_cooperative_id, transfer_id, amount, balance_after, description, created_at)
           VALUES (1, $1, 1, $2, $3, $4, 'naive', now())`,
              [acc, t.rows[0]!.id, amt, r.rows[0]!.balance],
            );
          }
          return true;
        },
        { retries: 0 },
      )
      .catch((e: unknown) => {
        if ((e as { code?: string }).code === "40P01") return false;
        throw e;
      });
  });
}

/** The same statements as ours, minus the Node round trips: what the server itself can do. */
function pgbenchRate(s: Setup): number {
  const dir = mkdtempSync(join(tmpdir(), "geumgo-pgbench-"));
  const script = join(dir, "transfer.sql");
  writeFileSync(
    script,
    `\\set a random(1, ${s.accounts})
\\set b random(1, ${s.accounts - 1})
\\set b case when :b >= :a then :b + 1 else :b end
\\set from ${idBase} + :a
\\set to ${idBase} + :b
\\set amount random(1, 1000)
BEGIN;
INSERT INTO transfers (cooperative_id, idempotency_scope, idempotency_key, request_hash, kind, member_id, from_account_id, to_cooperative_id, to_account_id, amount, medium, created_at)
  VALUES (1, 'pgbench', md5(random()::text || clock_timestamp()::text), '\\x00', 'transfer', :from, :from, 1, :to, :amount, 'otp', now())
  ON CONFLICT (cooperative_id, idempotency_scope, idempotency_key) DO NOTHING RETURNING id \\gset t_
INSERT INTO member_limits AS l (cooperative_id, member_id, day, day_total) VALUES (1, :from, current_date, :amount)
  ON CONFLICT (cooperative_id, member_id) DO UPDATE SET day_total = CASE WHEN EXCLUDED.day = l.day THEN l.day_total + EXCLUDED.day_total ELSE EXCLUDED.day_total END, day = EXCLUDED.day
  RETURNING day_total;
SELECT a.id, m.real_name FROM accounts a LEFT JOIN members m ON m.cooperative_id = a.cooperative_id AND m.id = a.member_id
  WHERE a.cooperative_id = 1 AND a.id IN (:from, :to) ORDER BY a.id FOR NO KEY UPDATE OF a;
UPDATE accounts a SET balance = a.balance + p.amount FROM (VALUES (:from, -:amount), (:to, :amount)) AS p (id, amount)
  WHERE a.cooperative_id = 1 AND a.id = p.id RETURNING a.id, a.balance;
INSERT INTO entries (cooperative_id, account_id, transfer_cooperative_id, transfer_id, amount, balance_after, description, created_at)
  VALUES (1, :from, 1, :t_id, -:amount, 0, 'pgbench', now()), (1, :to, 1, :t_id, :amount, 0, 'pgbench', now());
COMMIT;
`,
  );
  const out = execFileSync(
    "pgbench",
    ["-n", "-c", String(concurrency), "-j", "2", "-T", String(seconds), "-f", script, s.url!],
    { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  );
  const m = out.match(/tps = ([\d.]+)/);
  if (!m) throw new Error(`cannot read pgbench output:\n${out}`);
  return Number(m[1]);
}

export async function checkConserved(db: Db): Promise<void> {
  const { rows } = await db.query<{ s: bigint }>(
    "SELECT coalesce(sum(balance), 0)::bigint AS s FROM accounts",
  );
  if (rows[0]!.s !== 0n) throw new Error(`money not conserved: ${rows[0]!.s}`);
}

export async function benchTransfers(): Promise<string[]> {
  const rows = [
    `Transfers per second, ${concurrency} concurrent callers, ${seconds} s each.`,
    "",
    "| database | accounts | ours | ours, SERIALIZABLE | obvious Node way | pgbench, raw SQL | ours / pgbench |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const kind of ["pglite", "postgres"] as const) {
    for (const accounts of [2, 10_000]) {
      const s = await setup(kind, accounts);
      try {
        const o = await ours(s);
        const ser = kind === "postgres" ? await ours(s, "serializable") : undefined;
        const n = await naive(s);
        const p = kind === "postgres" ? pgbenchRate(s) : undefined;
        await checkConserved(s.db);
        rows.push(
          `| ${kind} | ${accounts.toLocaleString("en")} | ${o.toFixed(0)} | ${ser?.toFixed(0) ?? "—"} | ${n.toFixed(0)} | ${p?.toFixed(0) ?? "—"} | ${p ? (o / p).toFixed(2) : "—"} |`,
        );
      } finally {
        await s.drop();
      }
    }
  }
  return rows;
}
