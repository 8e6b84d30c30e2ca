// `geumgo audit transfer-signature` through commander, as an auditor runs it on PostgreSQL (the
// DATABASE_URL path): a transfer signed through the real API, its three files written, and
// `openssl cms -verify` accepting them; an unknown transfer, and a transfer id past the column's
// bigint, refused in words.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerAuditCommands } from "../../src/cli/audit.ts";
import { CliError } from "../../src/cli/errors.ts";
import { OperationFailed } from "../../src/cli/operation-client.ts";
import { describeError } from "../../src/messages/index.ts";
import {
  issueMemberCertificate,
  opensslCmsVerify,
  setUpCa,
  signatureNonce,
  signTransfer,
} from "../support/member-certificates.ts";
import { captureOutput } from "../support/output.ts";
import { pins, startWebServer, type WebServer } from "../support/web-server.ts";

describe("geumgo audit transfer-signature", () => {
  const saved = { ...process.env };
  let s: WebServer;
  let transferId: string;
  let form: Uint8Array;

  beforeAll(async () => {
    s = await startWebServer("postgres");
    await setUpCa(s, mkdtempSync(join(tmpdir(), "geumgo-audit-sig-")));
    const cert = await issueMemberCertificate(s, s.hong);
    const hong = await s.login("hong", "Hong!2026demo");
    const fields = {
      idempotencyKey: "audit-signed-0001",
      fromAccount: s.hong.accounts[0]!,
      toAccount: s.lee.accounts[0]!,
      amount: "45000",
    };
    const { form: signed, ...claim } = await signTransfer(
      cert,
      fields,
      await signatureNonce(s, hong),
      s.clock.now(),
    );
    form = signed;
    const r = await s.request("POST", "/api/transfers", {
      session: hong,
      body: { ...fields, ...claim, pin: pins.hong, otp: s.nextOtp(s.hong) },
    });
    expect(r.statusCode, r.body).toBe(201);
    transferId = r.json().id;
    const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
    Object.assign(process.env, {
      DATABASE_URL: (s.app.db as { url?: string }).url,
      GEUMGO_DATA: mkdtempSync(join(tmpdir(), "geumgo-audit-data-")),
      GEUMGO_CA_PASSPHRASE: s.app.config.caPassphrase,
      GEUMGO_RRN_KEY: hex(s.app.config.rrnKeys.encryption),
      GEUMGO_RRN_INDEX_KEY: hex(s.app.config.rrnKeys.index),
      GEUMGO_PIN_KEY: hex(s.app.config.pinKey),
    });
    delete process.env.GEUMGO_FAKE_NOW;
  }, 120_000);
  afterAll(async () => {
    process.env = saved;
    await s?.close();
  });

  async function run(...args: string[]) {
    const out = captureOutput();
    const program = new Command("geumgo").exitOverride();
    registerAuditCommands(program, out);
    await program.parseAsync(args, { from: "user" });
    return out;
  }

  it("writes the signature, the signed form and the chain, which openssl cms -verify accepts", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "geumgo-audit-out-")), "evidence");
    const out = await run(
      "audit",
      "transfer-signature",
      "--cooperative",
      "1",
      "--transfer",
      transferId,
      "--out",
      dir,
      "--json",
    );
    const files = (out.docs[0] as { files: { signature: string; content: string; chain: string } }).files;
    expect(readFileSync(files.content).equals(Buffer.from(form))).toBe(true);
    const r = opensslCmsVerify({ ...files, out: join(dir, "out.json") });
    expect(r.stderr).toContain("Verification successful");
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir, "out.json")).equals(Buffer.from(form))).toBe(true);
  });

  it("refuses a transfer id past PostgreSQL's bigint in words, before asking the database", async () => {
    for (const id of ["9223372036854775808", "9999999999999999999", "0", "12a", "00012"]) {
      const e = await run(
        "audit",
        "transfer-signature",
        "--cooperative",
        "1",
        "--transfer",
        id,
        "--out",
        tmpdir(),
      )
        .then(() => undefined)
        .catch((x: unknown) => x);
      expect(e, id).toBeInstanceOf(CliError);
      expect((e as CliError).code).toBe("transfer_id_invalid");
      expect(describeError(e, "en"), id).toContain(
        `A transfer id is a number from 1 to 9223372036854775807: ${id}`,
      );
    }
    // The largest bigint is an id like any other: there is no such transfer.
    const e = await run(
      "audit",
      "transfer-signature",
      "--cooperative",
      "1",
      "--transfer",
      "9223372036854775807",
      "--out",
      tmpdir(),
    ).catch((x: unknown) => x);
    expect((e as OperationFailed).code).toBe("transfer_signature_not_found");
  });

  it("refuses a transfer with no signature kept, in words", async () => {
    const e = await run(
      "audit",
      "transfer-signature",
      "--cooperative",
      "2",
      "--transfer",
      transferId,
      "--out",
      tmpdir(),
    ).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OperationFailed);
    expect((e as OperationFailed).code).toBe("transfer_signature_not_found");
  });
});
