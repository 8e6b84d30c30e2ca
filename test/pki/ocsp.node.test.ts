// OpenSSL judges our OCSP: its requests parse, and `openssl ocsp` verifies our responses, their
// statuses and the echoed nonce.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fromHex, toPem } from "../../src/pki/bytes.ts";
import {
  buildOcspResponse,
  certIdMatchesIssuer,
  type OcspStatus,
  ocspErrorResponse,
  parseOcspRequest,
} from "../../src/pki/ocsp.ts";
import { testCa } from "../support/test-ca.ts";

const serial = "4a1b2c3d4e5f60718293a4b5c6d7e8f9";

describe("OCSP and OpenSSL", () => {
  it("reads OpenSSL's request and answers good, revoked and unknown so that OpenSSL verifies", async () => {
    const ca = await testCa();
    const dir = mkdtempSync(join(tmpdir(), "geumgo-ocsp-"));
    writeFileSync(join(dir, "issuing.pem"), toPem("CERTIFICATE", ca.issuing));
    writeFileSync(join(dir, "chain.pem"), toPem("CERTIFICATE", ca.issuing) + toPem("CERTIFICATE", ca.root));
    execFileSync(
      "openssl",
      [
        "ocsp",
        "-issuer",
        join(dir, "issuing.pem"),
        "-serial",
        `0x${serial}`,
        "-reqout",
        join(dir, "req.der"),
      ],
      { stdio: "pipe" },
    );
    const req = parseOcspRequest(new Uint8Array(readFileSync(join(dir, "req.der"))));
    expect(req.certIds).toHaveLength(1);
    const certId = req.certIds[0]!;
    expect(certId.serialNumber).toEqual(fromHex(serial));
    expect(await certIdMatchesIssuer(certId, ca.issuing)).toBe(true);
    expect(await certIdMatchesIssuer(certId, ca.root)).toBe(false);
    expect(req.nonce).toBeDefined();

    const cases: [OcspStatus, RegExp][] = [
      [{ status: "good" }, /Cert Status: good/],
      [
        { status: "revoked", revokedAt: new Date("2026-11-20T00:00:00Z"), reason: "keyCompromise" },
        /Cert Status: revoked\s+Revocation Time: Nov 20 00:00:00 2026 GMT\s+Revocation Reason: keyCompromise/,
      ],
      [{ status: "unknown" }, /Cert Status: unknown/],
    ];
    const now = new Date();
    for (const [status, expected] of cases) {
      const resp = await buildOcspResponse({
        responder: { certificate: ca.issuing, privateKey: ca.issuingKeys.privateKey, algorithm: "P-384" },
        producedAt: now,
        answers: [{ certId, status, thisUpdate: now, nextUpdate: new Date(now.getTime() + 3_600_000) }],
        nonce: req.nonce,
      });
      writeFileSync(join(dir, "resp.der"), resp);
      const r = spawnSync(
        "openssl",
        [
          "ocsp",
          "-reqin",
          join(dir, "req.der"),
          "-respin",
          join(dir, "resp.der"),
          "-issuer",
          join(dir, "issuing.pem"),
          "-CAfile",
          join(dir, "chain.pem"),
          // -reqin makes OpenSSL check that our nonce echoes its request's; -resp_text shows the status.
          "-resp_text",
        ],
        { encoding: "utf8" },
      );
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toContain("Response verify OK");
      expect(r.stdout).toMatch(expected);
    }

    // A response signed by another key must fail OpenSSL's check.
    const other = await testCa();
    const forged = await buildOcspResponse({
      responder: { certificate: ca.issuing, privateKey: other.issuingKeys.privateKey, algorithm: "P-384" },
      producedAt: now,
      answers: [
        {
          certId,
          status: { status: "good" },
          thisUpdate: now,
          nextUpdate: new Date(now.getTime() + 3_600_000),
        },
      ],
      nonce: req.nonce,
    });
    writeFileSync(join(dir, "forged.der"), forged);
    const bad = spawnSync(
      "openssl",
      [
        "ocsp",
        "-reqin",
        join(dir, "req.der"),
        "-respin",
        join(dir, "forged.der"),
        "-issuer",
        join(dir, "issuing.pem"),
        "-CAfile",
        join(dir, "chain.pem"),
      ],
      { encoding: "utf8" },
    );
    expect(bad.stderr).not.toContain("Response verify OK");
  });

  it("error responses carry only their status", () => {
    const dir = mkdtempSync(join(tmpdir(), "geumgo-ocsp-"));
    writeFileSync(join(dir, "err.der"), ocspErrorResponse("malformedRequest"));
    const r = spawnSync("openssl", ["ocsp", "-respin", join(dir, "err.der"), "-resp_text", "-noverify"], {
      encoding: "utf8",
    });
    expect(`${r.stdout}${r.stderr}`).toMatch(/malformedrequest/i);
  });

  it("refuses garbage and oversized requests", () => {
    expect(() => parseOcspRequest(new Uint8Array([1, 2, 3]))).toThrow(
      expect.objectContaining({ code: "malformed" }),
    );
  });
});
