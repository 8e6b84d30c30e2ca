// `geumgo demo otp <userId>` as a person trying the demo runs it: beside `geumgo serve` on a fresh
// PGlite data directory (through the server), directly on the directory once the server has
// stopped, and directly on PostgreSQL. The code printed is the one src/bank/totp.ts accepts for
// the member's registered device; production installs refuse the command.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { findUser } from "../../src/auth/users.ts";
import { unseal } from "../../src/bank/seal.ts";
import { verifyTotp } from "../../src/bank/totp.ts";
import { loadConfig } from "../../src/config.ts";
import type { Db } from "../../src/db/db.ts";
import { seedDemo } from "../../src/demo/seed.ts";
import { openApp } from "../../src/server/context.ts";
import { freshDb } from "../support/db.ts";
import { runCli, serve, stopServing, tempDir } from "./run-cli.ts";

afterEach(stopServing);

/** Whether `code`, printed at `at`, is the current code of the member's OTP device. */
async function isCurrentCode(
  db: Db,
  encryptionKey: Uint8Array,
  userId: string,
  code: string,
  at: Date,
): Promise<boolean> {
  const user = (await findUser(db, userId))!;
  const { rows } = await db.query<{ secret_sealed: Uint8Array }>(
    "SELECT secret_sealed FROM security_media WHERE cooperative_id = $1 AND member_id = $2 AND kind = 'otp'",
    [user.cooperativeId, user.memberId],
  );
  const secret = unseal(encryptionKey, "medium:otp", rows[0]!.secret_sealed);
  // The command and this check run a moment apart; a step either side covers the boundary.
  return verifyTotp({ secret, code, at, window: 1 }).ok;
}

function printedCode(stdout: string): string {
  const first = stdout.split("\n")[0]!;
  expect(first).toMatch(/^\d{6}$/);
  return first;
}

describe("geumgo demo otp", () => {
  it("prints hong's code beside a running server on PGlite, and directly once it stops", async () => {
    const dir = tempDir();
    const env = { GEUMGO_DATA: join(dir, "data") };
    const server = await serve(env);
    const viaServer = await runCli(["demo", "otp", "hong"], env);
    const atServer = new Date();
    expect(viaServer.code, viaServer.stderr).toBe(0);
    const code1 = printedCode(viaServer.stdout);
    expect(viaServer.stdout).toMatch(/hong's OTP code, good for \d+ more seconds/);
    const unknown = await runCli(["demo", "otp", "nobody1"], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("No internet banking user has that ID");
    await server.stop();

    const direct = await runCli(["demo", "otp", "HONG", "--json"], env);
    const atDirect = new Date();
    expect(direct.code, direct.stderr).toBe(0);
    const answer = JSON.parse(direct.stdout) as { userId: string; code: string; validForSeconds: number };
    expect(Object.keys(answer)).toEqual(["userId", "code", "validForSeconds"]);
    expect(answer.userId).toBe("hong");
    expect(answer.validForSeconds).toBeGreaterThanOrEqual(1);
    expect(answer.validForSeconds).toBeLessThanOrEqual(30);

    const app = await openApp(loadConfig(env));
    try {
      expect(await isCurrentCode(app.db, app.config.rrnKeys.encryption, "hong", code1, atServer)).toBe(true);
      expect(await isCurrentCode(app.db, app.config.rrnKeys.encryption, "hong", answer.code, atDirect)).toBe(
        true,
      );
      const wrong = String((Number(answer.code) + 1) % 1_000_000).padStart(6, "0");
      expect(await isCurrentCode(app.db, app.config.rrnKeys.encryption, "hong", wrong, atDirect)).toBe(false);
    } finally {
      await app.close();
    }
  }, 240_000);

  it("reads PostgreSQL directly, and refuses a production install", async () => {
    const db = await freshDb("postgres");
    try {
      const keys = { encryption: randomBytes(32), index: randomBytes(32) };
      const pinKey = randomBytes(32);
      const env = {
        DATABASE_URL: db.url!,
        GEUMGO_DATA: join(tempDir(), "data"),
        GEUMGO_RRN_KEY: keys.encryption.toString("hex"),
        GEUMGO_RRN_INDEX_KEY: keys.index.toString("hex"),
        GEUMGO_PIN_KEY: pinKey.toString("hex"),
      };
      await seedDemo({ db, rrnKeys: keys, pinKey, clock: { now: () => new Date() } });
      const r = await runCli(["demo", "otp", "hong"], env);
      const at = new Date();
      expect(r.code, r.stderr).toBe(0);
      expect(await isCurrentCode(db, keys.encryption, "hong", printedCode(r.stdout), at)).toBe(true);

      const production = await runCli(["demo", "otp", "hong"], {
        ...env,
        NODE_ENV: "production",
        // Production is given its keys: the same as the install's (else the key check refuses first).
        GEUMGO_CA_PASSPHRASE: readFileSync(join(env.GEUMGO_DATA, "ca-passphrase"), "utf8").trim(),
      });
      expect(production.code, production.stdout).toBe(2);
      expect(production.stderr).toContain("demo install only");
      expect(production.stdout).not.toMatch(/\d{6}/);
    } finally {
      await db.close();
    }
  });
});
