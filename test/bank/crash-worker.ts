// Child process for the crash test: transfers between hot accounts on a PostgreSQL database as fast
// as it can, printing "ack <key> <id>" for each transfer the moment it is acknowledged, until killed.
import { randomBytes } from "node:crypto";
import { transfer } from "../../src/bank/transfer.ts";
import { openPostgres } from "../../src/db/postgres.ts";

const [url, accountsJson] = process.argv.slice(2);
const accounts = JSON.parse(accountsJson!) as { cooperativeId: number; id: string; memberId: string }[];
const db = openPostgres(url!, { poolSize: 10 });
const ctx = {
  db,
  clock: { now: () => new Date() },
  rrnKeys: { encryption: new Uint8Array(32), index: new Uint8Array(32) },
  pinKey: new Uint8Array(32),
};

async function worker(): Promise<void> {
  for (;;) {
    const from = accounts[Math.floor(Math.random() * accounts.length)]!;
    let to = accounts[Math.floor(Math.random() * accounts.length)]!;
    if (to === from) to = accounts[(accounts.indexOf(from) + 1) % accounts.length]!;
    const key = randomBytes(8).toString("hex");
    try {
      const r = await transfer(ctx, {
        idempotencyKey: key,
        actor: {
          kind: "member",
          cooperativeId: from.cooperativeId,
          memberId: BigInt(from.memberId),
          medium: "otp",
        },
        from: { cooperativeId: from.cooperativeId, accountId: BigInt(from.id) },
        to: { cooperativeId: to.cooperativeId, accountId: BigInt(to.id) },
        amount: BigInt(1 + Math.floor(Math.random() * 1000)),
      });
      process.stdout.write(`ack ${key} ${r.transfer.id}\n`);
    } catch (e) {
      if ((e as { name?: string }).name !== "BankError") throw e;
    }
  }
}

await Promise.all(Array.from({ length: 10 }, worker));
