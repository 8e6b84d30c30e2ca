// The operator's revocation commands, run through commander on a PGlite data directory as
// `geumgo ca …` runs them: hold, release, revoke, the CRL to a file (OpenSSL verifies it), the OCSP
// signer's rotation, and refusals in the user's words.
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OperationFailed } from "../../src/cli/operation-client.ts";
import { registerRevocationCommands } from "../../src/cli/revocation.ts";
import { openDatabase } from "../../src/db/open.ts";
import { caFixture, fixturePassphrase, type IssuedCertificate, openssl } from "../support/ca-fixture.ts";
import { captureOutput } from "../support/output.ts";

describe("geumgo ca revoke | hold | release | crl | rotate-ocsp-signer", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "geumgo-cli-revocation-"));
  const saved = { ...process.env };
  let cert: IssuedCertificate;
  let chainPath: string;

  beforeAll(async () => {
    Object.assign(process.env, { GEUMGO_DATA: dataDir, GEUMGO_CA_PASSPHRASE: fixturePassphrase });
    delete process.env.DATABASE_URL;
    delete process.env.GEUMGO_FAKE_NOW;
    const db = await openDatabase({ dataDir: join(dataDir, "pglite") });
    const f = await caFixture(db);
    cert = await f.issue();
    chainPath = join(f.dir, "chain.pem");
    await db.close();
  }, 120_000);
  afterAll(() => {
    process.env = saved;
  });

  async function run(...args: string[]) {
    const out = captureOutput();
    const program = new Command("geumgo").exitOverride();
    registerRevocationCommands(program.command("ca"), out);
    await program.parseAsync(args, { from: "user" });
    return out;
  }

  it("holds, releases and revokes by serial, printing what it did", async () => {
    expect((await run("ca", "hold", "--serial", cert.hex)).lines.join()).toContain("suspended");
    expect((await run("ca", "release", "--serial", cert.hex)).lines.join()).toContain("released");
    const revoked = await run(
      "ca",
      "revoke",
      "--serial",
      cert.hex.toUpperCase(),
      "--reason",
      "keyCompromise",
      "--json",
    );
    expect(revoked.docs[0]).toMatchObject({ serial: cert.hex, status: "revoked", reason: "keyCompromise" });
  });

  it("refuses in words: a short serial, an unknown reason, a second revocation", async () => {
    const words = async (args: string[]) => {
      const e = await run(...args).catch((x: unknown) => x);
      // The same refusal, code and words, as the server would send (src/server/operations.ts).
      expect(e).toBeInstanceOf(OperationFailed);
      return (e as OperationFailed).text.en;
    };
    expect(await words(["ca", "hold", "--serial", "abcd"])).toMatch(/16 bytes/);
    expect(await words(["ca", "revoke", "--serial", cert.hex, "--reason", "certificateHold"])).toMatch(
      /not a revocation reason/,
    );
    expect(await words(["ca", "revoke", "--serial", cert.hex, "--reason", "superseded"])).toMatch(
      /revoked already/,
    );
  });

  it("writes the CRL as DER that OpenSSL verifies, listing the revocation", async () => {
    const file = join(dataDir, "ca.crl");
    const out = await run("ca", "crl", "--out", file);
    expect(out.lines.join()).toMatch(/CRL number \d+, 1 entries/);
    const r = openssl(["crl", "-inform", "DER", "-in", file, "-CAfile", chainPath, "-noout", "-text"]);
    expect(r.stderr).toContain("verify OK");
    expect(r.stdout).toMatch(new RegExp(`${cert.hex.toUpperCase()}[\\s\\S]*Key Compromise`));
  });

  it("rotates the OCSP signer and re-signs the responses", async () => {
    const first = (await run("ca", "rotate-ocsp-signer", "--json")).docs[0] as { signer: string };
    const second = (await run("ca", "rotate-ocsp-signer", "--json")).docs[0] as {
      signer: string;
      responsesSigned: number;
    };
    expect(second.signer).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(second.signer).not.toBe(first.signer);
    expect(second.responsesSigned).toBeGreaterThanOrEqual(1);
  });

  it("claims the data dir only while it runs, and audits each change as the local operator", async () => {
    expect(existsSync(join(dataDir, "server.json"))).toBe(false);
    const db = await openDatabase({ dataDir: join(dataDir, "pglite") });
    try {
      const { rows } = await db.query<{ actor: string; action: string }>(
        "SELECT actor, action FROM audit_log WHERE subject = $1 ORDER BY seq",
        [cert.hex],
      );
      expect(rows.map((r) => r.action)).toEqual([
        "certificate.hold",
        "certificate.release",
        "certificate.revoke",
      ]);
      for (const r of rows) expect(r.actor).toBe(`operator:${userInfo().username}`);
    } finally {
      await db.close();
    }
  });
});
