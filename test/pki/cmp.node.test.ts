// OpenSSL's CMP requests read by ours: the PBM (SHA-256 owf, HMAC-SHA1, 500 rounds by default)
// verifies under the secret it was given and not under another.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bytesOf, parsePkiMessage } from "../../src/pki/cmp.ts";
import { pbmKey, readPbmParameter, verifyMacProtection } from "../../src/pki/cmp-pbm.ts";
import { verifyPop } from "../../src/pki/crmf.ts";

describe("OpenSSL's CMP requests", () => {
  it("reads an ir written by openssl cmp, its MAC and its POP", async () => {
    const dir = mkdtempSync(join(tmpdir(), "geumgo-cmp-"));
    execFileSync("openssl", [
      "genpkey",
      "-algorithm",
      "EC",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-out",
      join(dir, "k.pem"),
    ]);
    // Port 9 refuses the connection; -reqout has written the request by then.
    spawnSync("openssl", [
      "cmp",
      "-cmd",
      "ir",
      "-server",
      "127.0.0.1:9",
      "-ref",
      "4242",
      "-secret",
      "pass:s3cret",
      "-newkey",
      join(dir, "k.pem"),
      "-subject",
      "/CN=x",
      "-reqout",
      join(dir, "ir.der"),
      "-certout",
      join(dir, "c.pem"),
    ]);
    const msg = parsePkiMessage(new Uint8Array(readFileSync(join(dir, "ir.der"))));
    expect(msg.bodyType).toBe("ir");
    expect(new TextDecoder().decode(bytesOf(msg.header.senderKID))).toBe("4242");
    const params = readPbmParameter(msg.header.protectionAlg!);
    expect(await verifyMacProtection(msg, await pbmKey(new TextEncoder().encode("s3cret"), params))).toBe(
      true,
    );
    expect(await verifyMacProtection(msg, await pbmKey(new TextEncoder().encode("s3creT"), params))).toBe(
      false,
    );
    expect(await verifyPop(msg.body!.ir![0]!)).toBe(true);
  });
});
