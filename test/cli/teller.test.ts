// `geumgo teller add | unlock | list | rules` as an administrator runs them, through commander on a PGlite
// data directory and on PostgreSQL: the teller added can log in with the password given (and no
// other), the lock after five wrong passwords is opened by `unlock`, each change is audited without
// the password, and refusals come in words.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAudit } from "../../src/audit/audit-log.ts";
import { authenticateTeller } from "../../src/auth/tellers.ts";
import { OperationFailed } from "../../src/cli/operation-client.ts";
import { registerTellerCommands } from "../../src/cli/teller.ts";
import { loadConfig } from "../../src/config.ts";
import type { Db } from "../../src/db/db.ts";
import { openDatabase } from "../../src/db/open.ts";
import { seedDemo } from "../../src/demo/seed.ts";
import { contextsFor } from "../../src/server/context.ts";
import { dbKinds, freshDb } from "../support/db.ts";
import { captureOutput } from "../support/output.ts";

const password = "Branch!2026kim";

describe.each(dbKinds)("geumgo teller on %s", (kind) => {
  const dataDir = mkdtempSync(join(tmpdir(), "geumgo-cli-teller-"));
  const passwordFile = join(dataDir, "password.txt");
  const saved = { ...process.env };
  let pgDb: (Db & { url?: string }) | undefined;

  /** The database the commands use, opened beside them (PGlite: only between commands). */
  async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    if (pgDb) return fn(pgDb);
    const db = await openDatabase({ dataDir: join(dataDir, "pglite") });
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  }

  beforeAll(async () => {
    Object.assign(process.env, { GEUMGO_DATA: dataDir });
    delete process.env.DATABASE_URL;
    delete process.env.GEUMGO_FAKE_NOW;
    if (kind === "postgres") {
      pgDb = await freshDb("postgres");
      process.env.DATABASE_URL = pgDb.url!;
    }
    await withDb((db) => seedDemo(contextsFor(loadConfig(), db).bank));
    writeFileSync(passwordFile, `${password}\n`);
  }, 120_000);
  afterAll(async () => {
    process.env = saved;
    await pgDb?.close();
  });

  async function run(...args: string[]) {
    const out = captureOutput();
    const program = new Command("geumgo").exitOverride();
    registerTellerCommands(program, out);
    await program.parseAsync(args, { from: "user" });
    return out;
  }

  async function refusal(...args: string[]): Promise<OperationFailed> {
    const e = await run(...args).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OperationFailed);
    return e as OperationFailed;
  }

  const login = (tellerId: string, pw: string) =>
    withDb((db) =>
      authenticateTeller(db, { tellerId, password: pw, at: new Date(), rrnIndexKey: new Uint8Array(32) }),
    );

  it("adds a teller who then logs in with that password, audited without it", async () => {
    const added = await run(
      "teller",
      "add",
      "--cooperative",
      "9002",
      "--branch",
      "001",
      "--id",
      "kim2026",
      "--name",
      "김창구",
      "--password-file",
      passwordFile,
    );
    expect(added.lines.join()).toContain("teller kim2026 (김창구) added at cooperative 9002, branch 001");
    const teller = await login("kim2026", password);
    expect(teller).toMatchObject({ tellerId: "kim2026", name: "김창구", branch: { code: "001" } });
    await expect(login("kim2026", "Other!2026pw")).rejects.toMatchObject({ code: "teller_bad_credentials" });

    const audit = await withDb((db) =>
      db.query<{ actor: string; payload: string }>(
        "SELECT actor, payload FROM audit_log WHERE action = 'teller.create' AND subject = 'teller:kim2026'",
      ),
    );
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0]!.actor).toBe(`operator:${userInfo().username}`);
    expect(audit.rows[0]!.payload).not.toContain(password);
    expect(await withDb((db) => verifyAudit(db))).toMatchObject({ ok: true });
  });

  it("refuses in words: a weak password, a taken ID, an unknown branch or cooperative, a bad ID", async () => {
    const add = (id: string, file: string, branch = "001", cooperative = "9002") =>
      refusal(
        "teller",
        "add",
        "--cooperative",
        cooperative,
        "--branch",
        branch,
        "--id",
        id,
        "--name",
        "이",
        "--password-file",
        file,
      );
    const weak = join(dataDir, "weak.txt");
    writeFileSync(weak, "abc12345\n");
    expect((await add("lee2026", weak)).code).toBe("weak_password");
    expect((await add("kim2026", passwordFile)).code).toBe("teller_id_taken");
    // IDs are unique regardless of case.
    expect((await add("KIM2026", passwordFile)).code).toBe("teller_id_taken");
    const unknownBranch = await add("lee2026", passwordFile, "777");
    expect(unknownBranch.code).toBe("branch_not_found");
    expect(unknownBranch.text.en).toMatch(/no branch/);
    expect((await add("lee2026", passwordFile, "001", "9999")).code).toBe("cooperative_not_found");
    expect((await add("ab", passwordFile)).code).toBe("bad_teller_id");
    await expect(login("lee2026", password)).rejects.toMatchObject({ code: "teller_bad_credentials" });
  });

  it("lists tellers with their lock; unlock opens a login locked by five wrong passwords", async () => {
    for (let i = 0; i < 5; i++) await login("kim2026", "Wrong!2026pw").catch(() => {});
    await expect(login("kim2026", password)).rejects.toMatchObject({ code: "teller_locked" });
    const listed = await run("teller", "list", "--cooperative", "9002", "--json");
    const tellers = (listed.docs[0] as { tellers: { tellerId: string; locked: boolean }[] }).tellers;
    expect(tellers.find((t) => t.tellerId === "kim2026")?.locked).toBe(true);
    expect(tellers.find((t) => t.tellerId === "teller01")?.locked).toBe(false);

    expect(
      (await run("teller", "unlock", "--cooperative", "9002", "--id", "kim2026")).lines.join(),
    ).toContain("teller kim2026 can log in again");
    expect(await login("kim2026", password)).toMatchObject({ tellerId: "kim2026" });
    const after = await run("teller", "list");
    expect(after.lines.find((l) => l.includes("kim2026"))).toMatch(/active/);
    expect((await refusal("teller", "unlock", "--cooperative", "9003", "--id", "kim2026")).code).toBe(
      "teller_not_found",
    );
    const unlocks = await withDb((db) =>
      db.query("SELECT 1 FROM audit_log WHERE action = 'teller.unlock' AND subject = 'teller:kim2026'"),
    );
    expect(unlocks.rows).toHaveLength(1);
  });

  it("adds a manager, and sets the cooperative's approval amounts, audited", async () => {
    const added = await run(
      "teller",
      "add",
      "--cooperative",
      "9002",
      "--branch",
      "001",
      "--id",
      "boss2026",
      "--name",
      "최책임",
      "--role",
      "manager",
      "--password-file",
      passwordFile,
    );
    expect(added.lines.join()).toContain("manager boss2026 (최책임) added at cooperative 9002, branch 001");
    expect(await login("boss2026", password)).toMatchObject({ tellerId: "boss2026", role: "manager" });
    const listed = await run("teller", "list", "--cooperative", "9002", "--json");
    const tellers = (listed.docs[0] as { tellers: { tellerId: string; role: string }[] }).tellers;
    expect(tellers.find((t) => t.tellerId === "boss2026")?.role).toBe("manager");
    expect(tellers.find((t) => t.tellerId === "teller01")?.role).toBe("teller");
    const badRole = ["--branch", "001", "--id", "lee2026", "--name", "이", "--role", "boss"];
    expect(
      (await refusal("teller", "add", "--cooperative", "9002", ...badRole, "--password-file", passwordFile))
        .code,
    ).toBe("bad_argument");

    const rules = await run(
      "teller",
      "rules",
      "--cooperative",
      "9002",
      "--withdrawal-above",
      "5000000",
      "--json",
    );
    expect(rules.docs[0]).toEqual({
      cooperative: "9002",
      withdrawalApprovalAbove: "5000000",
      limitApprovalAbove: "50000000",
    });
    const both = await run("teller", "rules", "--cooperative", "9002", "--limit-above", "70000000");
    expect(both.lines.join()).toContain("above 5000000 won");
    expect(both.lines.join()).toContain("above 70000000 won");
    for (const bad of ["-1", "1.5", "lots"]) {
      expect((await refusal("teller", "rules", "--cooperative", "9002", "--limit-above", bad)).code).toBe(
        "bad_argument",
      );
    }
    const audit = await withDb((db) => db.query("SELECT 1 FROM audit_log WHERE action = 'teller.rules'"));
    expect(audit.rows).toHaveLength(2);
  });
});
