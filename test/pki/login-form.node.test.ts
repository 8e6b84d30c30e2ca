// OpenSSL, an independent judge, accepts a login signature with our chain (issuing CA, then root)
// over the exact form bytes, and refuses it over another origin's form.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { base64Decode, toPem } from "../../src/pki/bytes.ts";
import { signCms } from "../../src/pki/cms.ts";
import { loginFormBytes, signLoginForm } from "../../src/pki/login-form.ts";
import { testCa } from "../support/test-ca.ts";
import { certifiedKey } from "./certified-keys.ts";

const dir = mkdtempSync(join(tmpdir(), "geumgo-login-form-"));
const file = (name: string) => join(dir, name);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cmsVerify(content: Uint8Array): { status: number | null; stderr: string } {
  writeFileSync(file("form.json"), content);
  const r = spawnSync(
    "openssl",
    [
      "cms",
      "-verify",
      "-binary",
      "-inform",
      "DER",
      "-in",
      file("sig.der"),
      "-content",
      file("form.json"),
    ].concat(["-CAfile", file("chain.pem"), "-purpose", "any", "-out", file("out")]),
    { encoding: "utf8" },
  );
  return { status: r.status, stderr: r.stderr };
}

describe("a login signature", () => {
  it("passes openssl cms -verify with our chain, and only over its own form", async () => {
    const ca = await testCa(new Date(Date.now() - 86_400_000));
    const member = await certifiedKey(ca, { kind: "RSA", modulusBits: 2048 });
    // OpenSSL 3.0's cms has no -untrusted, and -certfile does not serve as intermediates (the
    // browser's signature carries the member's certificate only): the chain file holds both.
    writeFileSync(file("chain.pem"), toPem("CERTIFICATE", ca.issuing) + toPem("CERTIFICATE", ca.root));
    const fields = { challenge: "q83vEjRWeJCrze8SNFZ4kA", origin: "https://bank.geumgo.example" };
    const body = await signLoginForm(
      {
        certificate: member.certificate,
        vidRandom: undefined,
        signCms: (content) =>
          signCms({ content, certificate: member.certificate, privateKey: member.keys.privateKey }),
      },
      fields,
    );
    writeFileSync(file("sig.der"), base64Decode(body.signature));
    const ok = cmsVerify(loginFormBytes(fields));
    expect(ok.stderr).toContain("Verification successful");
    expect(ok.status).toBe(0);
    const elsewhere = cmsVerify(loginFormBytes({ ...fields, origin: "https://elsewhere.example" }));
    expect(elsewhere.status).not.toBe(0);
  });
});
