// The key check values: a new database takes the first process's; a process with another key is
// refused, naming that key; a database from before the check values takes a process's keys only
// where they open its data, and never keys generated just now.
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createBranch, createCooperative } from "../../src/bank/federation.ts";
import { createMember } from "../../src/bank/members.ts";
import { createCaHierarchy } from "../../src/ca/ca-keys.ts";
import { type Config, loadConfig } from "../../src/config.ts";
import type { Db } from "../../src/db/db.ts";
import { describeKeyMismatch } from "../../src/messages/keys.ts";
import { checkedKeys, checkKeys, KeyCheckError } from "../../src/server/key-checks.ts";
import { dbKinds, freshDb } from "../support/db.ts";

const hex = () => randomBytes(32).toString("hex");

function keyEnv(): Record<string, string> {
  return {
    GEUMGO_RRN_KEY: hex(),
    GEUMGO_RRN_INDEX_KEY: hex(),
    GEUMGO_PIN_KEY: hex(),
    GEUMGO_CA_PASSPHRASE: `passphrase ${randomBytes(8).toString("hex")}`,
  };
}

function configWith(env: Record<string, string>): Config {
  return loadConfig({ GEUMGO_DATA: mkdtempSync(join(tmpdir(), "geumgo-keys-")), ...env });
}

/** What checkKeys threw, for looking at. */
async function refusal(db: Db, config: Config): Promise<KeyCheckError> {
  const e = await checkKeys(db, config).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(KeyCheckError);
  return e as KeyCheckError;
}

/** A database as it was before the check values: a member and a CA, made under `config`'s keys. */
async function existingDatabase(db: Db, config: Config): Promise<void> {
  const ctx = { db, rrnKeys: config.rrnKeys, pinKey: config.pinKey, clock: config.clock };
  await createCooperative(ctx, { id: 1, code: "9002", name: "서울중앙새마을금고" });
  await createBranch(ctx, { cooperativeId: 1, id: 1, code: "001", name: "본점" });
  await createMember(ctx, { cooperativeId: 1, branchId: 1, realName: "홍길동", rrn: "9001011234567" });
  await createCaHierarchy(db, {
    organization: "Key Check Test",
    algorithm: "P-384",
    passphrase: config.caPassphrase,
    now: new Date(),
  });
}

describe.each(dbKinds)("key check values (%s)", (kind) => {
  let db: Db | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });

  it("a new database records the first process's keys; the same keys pass again", async () => {
    db = await freshDb(kind);
    const env = keyEnv();
    const first = await checkKeys(db, configWith(env));
    expect(first).toEqual({
      recorded: ["GEUMGO_RRN_KEY", "GEUMGO_RRN_INDEX_KEY", "GEUMGO_PIN_KEY", "GEUMGO_CA_PASSPHRASE"],
      existingDatabase: false,
    });
    const { rows } = await db.query<{ name: string; check_value: Uint8Array }>(
      "SELECT name, check_value FROM key_checks ORDER BY name",
    );
    expect(rows.map((r) => r.name)).toEqual(["ca-passphrase", "pin", "rrn-encryption", "rrn-index"]);
    // A check value is not the key, nor any part of it.
    for (const r of rows) {
      expect(r.check_value).toHaveLength(16);
      expect(env.GEUMGO_RRN_KEY).not.toContain(Buffer.from(r.check_value).toString("hex").slice(0, 8));
    }
    // Another process with the same keys (another data directory) passes and records nothing.
    expect(await checkKeys(db, configWith(env))).toEqual({ recorded: [], existingDatabase: false });
  });

  it("refuses a process with one other key, naming that key and no other", async () => {
    db = await freshDb(kind);
    const env = keyEnv();
    await checkKeys(db, configWith(env));
    for (const key of checkedKeys) {
      const other = { ...env, [key.env]: keyEnv()[key.env]! };
      const e = await refusal(db, configWith(other));
      expect(e.mismatches).toEqual([
        {
          env: key.env,
          reason: "differs",
          database: expect.stringMatching(/^[0-9a-f]{8}$/),
          here: expect.any(String),
        },
      ]);
      expect(e.mismatches[0]!.here).not.toBe(e.mismatches[0]!.database);
      expect(e.message).toContain(`${key.env} does not match the database`);
      expect(e.message).toContain("docs/operations.md");
      for (const k of checkedKeys) if (k !== key) expect(e.message).not.toContain(k.env);
    }
    // The refusals recorded nothing: the first keys still pass.
    expect(await checkKeys(db, configWith(env))).toEqual({ recorded: [], existingDatabase: false });
  });

  it("refuses keys generated into an empty data directory and removes their files", async () => {
    db = await freshDb(kind);
    await checkKeys(db, configWith(keyEnv()));
    const data = mkdtempSync(join(tmpdir(), "geumgo-keys-"));
    const generated = loadConfig({ GEUMGO_DATA: data });
    expect(existsSync(join(data, "secrets.json"))).toBe(true);
    const e = await refusal(db, generated);
    expect(e.mismatches.map((m) => m.env)).toEqual([
      "GEUMGO_RRN_KEY",
      "GEUMGO_RRN_INDEX_KEY",
      "GEUMGO_PIN_KEY",
      "GEUMGO_CA_PASSPHRASE",
    ]);
    expect(e.mismatches[0]!.file).toBe(join(data, "secrets.json"));
    expect(e.removedFiles).toEqual([join(data, "secrets.json"), join(data, "ca-passphrase")]);
    expect(existsSync(join(data, "secrets.json"))).toBe(false);
    expect(existsSync(join(data, "ca-passphrase"))).toBe(false);
    expect(e.message).toContain("removed again");
    expect(describeKeyMismatch(e.mismatches, e.removedFiles, "ko")).toContain("GEUMGO_RRN_KEY");
  });

  it("a database from before the check values takes the keys that open its data", async () => {
    db = await freshDb(kind);
    const env = keyEnv();
    await existingDatabase(db, configWith(env));

    // Keys generated just now, a personal-data key or a passphrase that opens nothing: refused,
    // and nothing recorded.
    const generated = await refusal(
      db,
      loadConfig({ GEUMGO_DATA: mkdtempSync(join(tmpdir(), "geumgo-keys-")) }),
    );
    // (A PIN key generated now fits: no PIN is held under any key yet.)
    expect(generated.mismatches.map((m) => [m.env, m.reason])).toEqual([
      ["GEUMGO_RRN_KEY", "generated"],
      ["GEUMGO_RRN_INDEX_KEY", "generated"],
      ["GEUMGO_CA_PASSPHRASE", "generated"],
    ]);
    const rrn = await refusal(db, configWith({ ...env, GEUMGO_RRN_KEY: hex() }));
    expect(rrn.mismatches).toEqual([{ env: "GEUMGO_RRN_KEY", reason: "does_not_open" }]);
    const index = await refusal(db, configWith({ ...env, GEUMGO_RRN_INDEX_KEY: hex() }));
    expect(index.mismatches).toEqual([{ env: "GEUMGO_RRN_INDEX_KEY", reason: "does_not_open" }]);
    const ca = await refusal(db, configWith({ ...env, GEUMGO_CA_PASSPHRASE: "another long passphrase" }));
    expect(ca.mismatches).toEqual([{ env: "GEUMGO_CA_PASSPHRASE", reason: "does_not_open" }]);
    expect((await db.query("SELECT 1 FROM key_checks")).rowCount).toBe(0);

    // The right keys are recorded, and said to be, once.
    expect(await checkKeys(db, configWith(env))).toEqual({
      recorded: ["GEUMGO_RRN_KEY", "GEUMGO_RRN_INDEX_KEY", "GEUMGO_PIN_KEY", "GEUMGO_CA_PASSPHRASE"],
      existingDatabase: true,
    });
    expect(await checkKeys(db, configWith(env))).toEqual({ recorded: [], existingDatabase: true });
  });

  it("a key added later is recorded beside the others", async () => {
    db = await freshDb(kind);
    const env = keyEnv();
    const config = configWith(env);
    await checkKeys(db, config, checkedKeys.slice(0, 2));
    expect(await checkKeys(db, config)).toEqual({
      recorded: ["GEUMGO_PIN_KEY", "GEUMGO_CA_PASSPHRASE"],
      existingDatabase: false,
    });
  });

  it("a data directory from before the PIN key: the key added to secrets.json fits an old database, and goes again where it does not", async () => {
    db = await freshDb(kind);
    // An install from before GEUMGO_PIN_KEY: its secrets.json holds the personal-data keys only.
    const data = mkdtempSync(join(tmpdir(), "geumgo-keys-"));
    const old = { rrnEncryptionKey: hex(), rrnIndexKey: hex() };
    writeFileSync(join(data, "secrets.json"), JSON.stringify(old));
    const passphrase = { GEUMGO_CA_PASSPHRASE: `passphrase ${randomBytes(8).toString("hex")}` };
    const upgraded = loadConfig({ GEUMGO_DATA: data, ...passphrase });
    expect(upgraded.keySources.GEUMGO_PIN_KEY).toMatchObject({ generated: true, field: "pinKey" });
    expect(upgraded.keySources.GEUMGO_RRN_KEY).toMatchObject({ generated: false });
    await existingDatabase(db, upgraded);
    await db.query("DELETE FROM key_checks");
    expect(await checkKeys(db, upgraded)).toMatchObject({ existingDatabase: true });

    // Once a PIN is held under a key, a PIN key generated by another process does not fit; its
    // refusal takes the added key out of secrets.json and leaves the keys that were there.
    await db.query("DELETE FROM key_checks");
    await db.query(
      `INSERT INTO accounts (cooperative_id, number, member_id, kind, name, pin_mac, opened_at)
       SELECT 1, '9002990000001', id, 'demand', '보통예금', $1, now() FROM members LIMIT 1`,
      [randomBytes(32)],
    );
    const other = mkdtempSync(join(tmpdir(), "geumgo-keys-"));
    writeFileSync(join(other, "secrets.json"), JSON.stringify(old));
    const e = await refusal(db, loadConfig({ GEUMGO_DATA: other, ...passphrase }));
    expect(e.mismatches.map((m) => [m.env, m.reason])).toEqual([["GEUMGO_PIN_KEY", "generated"]]);
    expect(e.removedFiles).toEqual([join(other, "secrets.json")]);
    expect(JSON.parse(readFileSync(join(other, "secrets.json"), "utf8"))).toEqual(old);
  });

  it("a key generated now fits a database holding nothing under a key of its kind (a CA, no member yet)", async () => {
    db = await freshDb(kind);
    const env = keyEnv();
    await createCaHierarchy(db, {
      organization: "Key Check Test",
      algorithm: "P-384",
      passphrase: env.GEUMGO_CA_PASSPHRASE!,
      now: new Date(),
    });
    // The data directory's generated keys: the passphrase must open the CA there, the others fit.
    const data = mkdtempSync(join(tmpdir(), "geumgo-keys-"));
    const e = await refusal(db, loadConfig({ GEUMGO_DATA: data }));
    expect(e.mismatches.map((m) => [m.env, m.reason])).toEqual([["GEUMGO_CA_PASSPHRASE", "generated"]]);
    const generated = loadConfig({ GEUMGO_DATA: data, GEUMGO_CA_PASSPHRASE: env.GEUMGO_CA_PASSPHRASE! });
    expect(await checkKeys(db, generated)).toEqual({
      recorded: ["GEUMGO_RRN_KEY", "GEUMGO_RRN_INDEX_KEY", "GEUMGO_PIN_KEY", "GEUMGO_CA_PASSPHRASE"],
      existingDatabase: true,
    });
  });
});
