// OpenSSL judges our CRLs: signature, CRL number, AKI, entries and reasons.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fromHex, toPem } from "../../src/pki/bytes.ts";
import { buildCrl } from "../../src/pki/crl.ts";
import { testCa } from "../support/test-ca.ts";

describe("CRLs and OpenSSL", () => {
  it("openssl crl verifies ours and reads every field", async () => {
    const ca = await testCa();
    const dir = mkdtempSync(join(tmpdir(), "geumgo-crl-"));
    const der = await buildCrl({
      issuer: { certificate: ca.issuing, privateKey: ca.issuingKeys.privateKey, algorithm: "P-384" },
      crlNumber: 42,
      thisUpdate: new Date("2026-11-25T00:00:00Z"),
      nextUpdate: new Date("2026-11-26T00:00:00Z"),
      entries: [
        {
          serialNumber: fromHex("4a1b2c3d4e5f60718293a4b5c6d7e8f9"),
          revokedAt: new Date("2026-11-20T00:00:00Z"),
          reason: "keyCompromise",
        },
      ],
    });
    writeFileSync(join(dir, "crl.der"), der);
    writeFileSync(join(dir, "ca.pem"), toPem("CERTIFICATE", ca.issuing) + toPem("CERTIFICATE", ca.root));
    const out = execFileSync(
      "openssl",
      [
        "crl",
        "-inform",
        "DER",
        "-in",
        join(dir, "crl.der"),
        "-CAfile",
        join(dir, "ca.pem"),
        "-noout",
        "-text",
      ],
      {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    expect(out).toMatch(/X509v3 CRL Number:\s+42/);
    expect(out).toContain("X509v3 Authority Key Identifier");
    expect(out).toMatch(
      /Serial Number: 4A1B2C3D4E5F60718293A4B5C6D7E8F9\s+Revocation Date: Nov 20 00:00:00 2026 GMT\s+CRL entry extensions:\s+X509v3 CRL Reason Code:\s+Key Compromise/,
    );
    const verify = execFileSync(
      "openssl",
      ["crl", "-inform", "DER", "-in", join(dir, "crl.der"), "-CAfile", join(dir, "ca.pem"), "-noout"],
      {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    expect(verify).toBe("");
    // A CA file without the issuer must make OpenSSL refuse it.
    writeFileSync(join(dir, "root.pem"), toPem("CERTIFICATE", ca.root));
    expect(() =>
      execFileSync(
        "openssl",
        ["crl", "-inform", "DER", "-in", join(dir, "crl.der"), "-CAfile", join(dir, "root.pem"), "-noout"],
        { stdio: "pipe" },
      ),
    ).toThrow();
  });
});
