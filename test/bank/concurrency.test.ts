// Hot accounts under real concurrency on PostgreSQL, and a process killed mid-load.
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { isBankError } from "../../src/bank/errors.ts";
import { transfer } from "../../src/bank/transfer.ts";
import { bankFixture, expectLedgerInvariants } from "../support/bank.ts";

/** Runs the crash worker until `acked` holds `until` keys, then SIGKILLs it. */
async function runUntilKilled(url: string, accounts: string, acked: string[], until: number): Promise<void> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", resolve(import.meta.dirname, "crash-worker.ts"), url, accounts],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += String(d);
  });
  let buffer = "";
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`worker too slow: ${acked.length} acks; ${stderr}`)),
      60_000,
    );
    child.stdout.on("data", (d) => {
      buffer += String(d);
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const l of lines) if (l.startsWith("ack ")) acked.push(l.split(" ")[1]!);
      if (acked.length >= until && !child.killed) {
        child.kill("SIGKILL");
        clearTimeout(timer);
        done();
      }
    });
    child.on("exit", (code, signal) => {
      if (signal !== "SIGKILL") fail(new Error(`worker exited early (${code}): ${stderr}`));
    });
  });
}

describe("concurrency on PostgreSQL", () => {
  it("10,000 transfers over 20 connections between 4 hot accounts keep every invariant", async () => {
    const f = await bankFixture("postgres", { funding: 5_000_000n, poolSize: 24 });
    try {
      const hot = f.accounts; // 2 cooperatives × 2 members: same- and cross-cooperative transfers
      const expected = new Map(hot.map((a) => [a.id, 5_000_000n]));
      let ok = 0;
      let refused = 0;
      let replays = 0;
      const total = 10_000;
      let next = 0;
      const worker = async () => {
        while (next < total) {
          const n = next++;
          const from = hot[n % hot.length]!;
          const to =
            hot[
              (n * 7 + 1) % hot.length === n % hot.length ? (n + 1) % hot.length : (n * 7 + 1) % hot.length
            ]!;
          const amount = BigInt(1 + ((n * 7919) % 300_000));
          const req = {
            idempotencyKey: `c${n}`,
            actor: {
              kind: "member" as const,
              cooperativeId: from.cooperativeId,
              memberId: from.memberId!,
              medium: "otp" as const,
            },
            from: { cooperativeId: from.cooperativeId, accountId: from.id },
            to: { cooperativeId: to.cooperativeId, accountId: to.id },
            amount,
          };
          try {
            // Every tenth request is sent twice at once, as a double-clicked button would.
            const results = await Promise.all(
              n % 10 === 0 ? [transfer(f.ctx, req), transfer(f.ctx, req)] : [transfer(f.ctx, req)],
            );
            const firsts = results.filter((r) => !r.replayed);
            expect(firsts).toHaveLength(1);
            replays += results.length - 1;
            expected.set(from.id, expected.get(from.id)! - amount);
            expected.set(to.id, expected.get(to.id)! + amount);
            ok++;
          } catch (e) {
            if (!isBankError(e, "insufficient_funds")) throw e;
            refused++;
          }
        }
      };
      await Promise.all(Array.from({ length: 20 }, worker));
      expect(ok + refused).toBe(total);
      expect(ok).toBeGreaterThan(total / 2);
      expect(replays).toBeGreaterThan(0);
      await expectLedgerInvariants(f.db);
      const { rows } = await f.db.query<{ id: bigint; balance: bigint }>(
        "SELECT id, balance FROM accounts WHERE member_id IS NOT NULL",
      );
      for (const r of rows) expect(r.balance).toBe(expected.get(r.id));
      const count = await f.db.query<{ n: bigint }>(
        "SELECT count(*)::bigint AS n FROM transfers WHERE kind = 'transfer'",
      );
      expect(count.rows[0]!.n).toBe(BigInt(ok));
    } finally {
      await f.close();
    }
  }, 240_000);

  it("a process killed mid-load loses nothing it acknowledged and leaves nothing half-written", async () => {
    const f = await bankFixture("postgres", { funding: 10_000_000n });
    try {
      const accounts = f.accounts.map((a) => ({
        cooperativeId: a.cooperativeId,
        id: String(a.id),
        memberId: String(a.memberId),
      }));
      const acked: string[] = [];
      // Kill it mid-load, check; start it again (the restart), kill it again, check again.
      for (const round of [1, 2]) {
        await runUntilKilled(f.db.url!, JSON.stringify(accounts), acked, 400 * round);
        await new Promise((r) => setTimeout(r, 200));
        // Transactions the kill interrupted are rolled back by the server when their sessions drop.
        const { rows } = await f.db.query<{ idempotency_key: string }>(
          "SELECT idempotency_key FROM transfers WHERE kind = 'transfer'",
        );
        const stored = new Set(rows.map((r) => r.idempotency_key));
        const lost = acked.filter((k) => !stored.has(k));
        expect(lost, `acknowledged transfers present after crash ${round}`).toEqual([]);
        await expectLedgerInvariants(f.db);
      }
    } finally {
      await f.close();
    }
  }, 120_000);
});
