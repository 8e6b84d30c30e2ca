// `geumgo serve` as an operator runs it: a real process on a free port, operator commands beside
// it (through the server on PGlite, directly on PostgreSQL), and a clean stop on SIGTERM.
import { X509Certificate } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freshDb } from "../support/db.ts";
import { runCli, serve, stopServing, tempDir } from "./run-cli.ts";

// TODO(issue 4): drop this condition once the revocation routes have landed.
const pkiStatusRoutes = existsSync(resolve(import.meta.dirname, "../../src/server/routes/pki-status.ts"));

afterEach(stopServing);

/** The SHA-256 fingerprints of the PEM chain `geumgo ca chain` printed, in the server's format. */
function fingerprints(pem: string): string[] {
  return pem
    .split("-----END CERTIFICATE-----")
    .filter((p) => p.includes("BEGIN"))
    .map((p) => new X509Certificate(`${p}-----END CERTIFICATE-----\n`).fingerprint256);
}

/** `ra authorize --json` prints exactly the reference number, the code and the expiry (14 days). */
function expectAuthorization(stdout: string): { referenceNumber: string; authorizationCode: string } {
  const a = JSON.parse(stdout) as Record<string, string>;
  expect(Object.keys(a)).toEqual(["referenceNumber", "authorizationCode", "expiresAt"]);
  expect(a.referenceNumber).toMatch(/^\S{4,}$/);
  expect(a.authorizationCode).toMatch(/^\S{6,}$/);
  const days = (Date.parse(a.expiresAt!) - Date.now()) / 86_400_000;
  expect(days).toBeGreaterThan(13.9);
  expect(days).toBeLessThanOrEqual(14);
  return { referenceNumber: a.referenceNumber!, authorizationCode: a.authorizationCode! };
}

describe("geumgo serve on PGlite", () => {
  it("sets up an empty data dir, routes operator commands through itself, and stops cleanly", async () => {
    const data = tempDir();
    const env = { GEUMGO_DATA: data };
    const server = await serve(env);
    const banner = server.stdout();
    expect(banner).toContain("key ceremony");
    expect(banner).toContain("member login: hong / Hong!2026demo");
    expect(server.stderr()).toContain("secrets.json");
    expect(existsSync(join(data, "server.json"))).toBe(true);

    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok", database: "pglite" });
    if (pkiStatusRoutes) {
      const chainPem = await fetch(`${server.url}/pki/chain.pem`);
      expect(chainPem.status).toBe(200);
      expect(await chainPem.text()).toContain("BEGIN CERTIFICATE");
    }

    // While the server holds PGlite, the commands go through it (its log shows them).
    const chain = await runCli(["ca", "chain"], env);
    expect(chain.code, chain.stderr).toBe(0);
    const prints = fingerprints(chain.stdout);
    expect(prints).toHaveLength(2);
    for (const f of prints) expect(banner).toContain(f);
    const audit = await runCli(["audit", "verify", "--json"], env);
    expect(audit.code, audit.stderr).toBe(0);
    // The ceremony and whatever the first maintenance run recorded (the OCSP signer).
    expect(JSON.parse(audit.stdout)).toMatchObject({ ok: true, entries: expect.any(Number) });
    expect(server.stdout()).toContain('"operation":"ca.chain"');
    expect(server.stdout()).toContain('"operation":"audit.verify"');
    // The branch flow: an issuance authorisation for the demo member, made by the server.
    const authorized = await runCli(
      ["ra", "authorize", "--user", "hong", "--purpose", "bank", "--json"],
      env,
    );
    expect(authorized.code, authorized.stderr).toBe(0);
    const a = expectAuthorization(authorized.stdout);
    expect(server.stdout()).toContain('"operation":"ra.authorize"');
    expect(server.stdout()).not.toContain(a.authorizationCode);
    // A refusal reads the same as when the command runs itself.
    const bad = await runCli(["ra", "authorize", "--user", "hong", "--purpose", "gold"], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      "error: An argument of the command is not valid: --purpose bank | universal",
    );

    // A second server on the same data dir is refused while the first runs.
    const second = await runCli(["serve"], { ...env, PORT: "0" });
    expect(second.code).toBe(2);
    expect(second.stderr).toContain("Another process is using this data directory");

    expect(await server.stop()).toBe(0);
    expect(server.stdout()).toContain("server stopped");
    expect(existsSync(join(data, "server.json"))).toBe(false);

    // Stopped: the same commands open the database themselves, and find the same data.
    const direct = await runCli(["ca", "chain"], env);
    expect(direct.code, direct.stderr).toBe(0);
    expect(direct.stdout).toBe(chain.stdout);
    const local = await runCli(
      ["ra", "authorize", "--user", "hong", "--purpose", "universal", "--json"],
      env,
    );
    expect(local.code, local.stderr).toBe(0);
    expect(expectAuthorization(local.stdout).referenceNumber).not.toBe(a.referenceNumber);
    const localBad = await runCli(["ra", "authorize", "--user", "hong", "--purpose", "gold"], env);
    expect(localBad.stderr).toBe(bad.stderr);

    // A server.json left by a process that is gone is ignored, then replaced by the next server.
    writeFileSync(
      join(data, "server.json"),
      JSON.stringify({ pid: 2 ** 22 + 1, role: "server", url: "http://127.0.0.1:9", token: "x" }),
    );
    const stale = await runCli(["audit", "verify"], env);
    expect(stale.code, stale.stderr).toBe(0);
    const again = await serve(env);
    expect(again.stdout()).not.toContain("key ceremony");
    expect(again.stdout()).not.toContain("demo cooperative created");
    expect((await runCli(["ca", "chain"], env)).stdout).toBe(chain.stdout);
    expect(await again.stop()).toBe(0);
    expect(existsSync(join(data, "server.json"))).toBe(false);
  }, 240_000);

  it("does not add the demo to a data dir that `geumgo init` set up", async () => {
    const data = tempDir();
    const env = { GEUMGO_DATA: data };
    expect((await runCli(["init"], env)).code).toBe(0);
    const server = await serve(env);
    expect(server.stdout()).not.toContain("key ceremony");
    expect(server.stdout()).not.toContain("demo cooperative");
    expect(await server.stop()).toBe(0);
  }, 240_000);
});

describe("geumgo serve on PostgreSQL", () => {
  it("sets up an empty database; commands run directly beside it", async () => {
    const db = await freshDb("postgres");
    try {
      const data = tempDir();
      const env = { GEUMGO_DATA: data, DATABASE_URL: db.url! };
      const server = await serve(env);
      expect(server.stdout()).toContain("(postgres)");
      expect(server.stdout()).toContain("member login: hong /");
      // No server.json: PostgreSQL is shared by any number of processes.
      expect(existsSync(join(data, "server.json"))).toBe(false);
      const health = await fetch(`${server.url}/healthz`);
      expect(await health.json()).toEqual({ status: "ok", database: "postgres" });
      const chain = await runCli(["ca", "chain"], env);
      expect(chain.code, chain.stderr).toBe(0);
      for (const f of fingerprints(chain.stdout)) expect(server.stdout()).toContain(f);
      const audit = await runCli(["audit", "verify", "--json"], env);
      // The ceremony and whatever the first maintenance run recorded (the OCSP signer).
      expect(JSON.parse(audit.stdout)).toMatchObject({ ok: true, entries: expect.any(Number) });
      const authorized = await runCli(
        ["ra", "authorize", "--user", "hong", "--purpose", "bank", "--json"],
        env,
      );
      expect(authorized.code, authorized.stderr).toBe(0);
      expectAuthorization(authorized.stdout);
      expect(server.stdout()).not.toContain('"operation"');
      expect(await server.stop()).toBe(0);
      expect((await runCli(["ca", "chain"], env)).stdout).toBe(chain.stdout);
    } finally {
      await db.close();
    }
  }, 240_000);
});

describe("two servers on one PostgreSQL", () => {
  it("refuses a second server with keys of its own, and serves one given the same keys", async () => {
    const db = await freshDb("postgres");
    try {
      const first = tempDir();
      const server = await serve({ GEUMGO_DATA: first, DATABASE_URL: db.url! });
      expect(server.stdout()).toContain("recorded key check values in the new database");

      // An empty data directory of its own: it would generate keys; the database refuses them.
      const second = tempDir();
      const refused = await runCli(["serve"], { GEUMGO_DATA: second, DATABASE_URL: db.url!, PORT: "0" });
      expect(refused.code).toBe(2);
      expect(refused.stdout).not.toContain("listening on");
      expect(refused.stderr).toContain("GEUMGO_RRN_KEY does not match the database");
      expect(refused.stderr).toContain("GEUMGO_PIN_KEY does not match the database");
      expect(refused.stderr).toContain("GEUMGO_CA_PASSPHRASE does not match the database");
      expect(refused.stderr).toContain("docs/operations.md");
      expect(refused.stderr).toContain("removed again");
      expect(refused.stderr).toContain(
        `this process generated it just now in ${join(second, "secrets.json")}`,
      );
      expect(existsSync(join(second, "secrets.json"))).toBe(false);
      expect(existsSync(join(second, "ca-passphrase"))).toBe(false);
      // The same refusal in Korean.
      const korean = await runCli(["serve"], {
        GEUMGO_DATA: tempDir(),
        DATABASE_URL: db.url!,
        PORT: "0",
        GEUMGO_LANG: "ko",
      });
      expect(korean.code).toBe(2);
      expect(korean.stderr).toContain("GEUMGO_RRN_KEY");
      expect(korean.stderr).toContain("데이터베이스와 맞지 않아요");

      // The first server's keys, given in the environment: it starts and serves.
      const secrets = JSON.parse(readFileSync(join(first, "secrets.json"), "utf8")) as Record<string, string>;
      const keys = {
        GEUMGO_RRN_KEY: secrets.rrnEncryptionKey!,
        GEUMGO_RRN_INDEX_KEY: secrets.rrnIndexKey!,
        GEUMGO_PIN_KEY: secrets.pinKey!,
        GEUMGO_CA_PASSPHRASE: readFileSync(join(first, "ca-passphrase"), "utf8").trim(),
      };
      const other = await serve({ GEUMGO_DATA: tempDir(), DATABASE_URL: db.url!, ...keys });
      expect(other.stdout()).not.toContain("key ceremony");
      expect(other.stdout()).not.toContain("recorded");
      const health = await fetch(`${other.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: "ok", database: "postgres" });
      expect(await other.stop()).toBe(0);
      expect(await server.stop()).toBe(0);
    } finally {
      await db.close();
    }
  }, 240_000);
});
