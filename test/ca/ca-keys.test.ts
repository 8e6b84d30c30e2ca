import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { verifyAudit } from "../../src/audit/audit-log.ts";
import { activeCaKeys, createCaHierarchy, loadCaKey } from "../../src/ca/ca-keys.ts";
import { toBytes, toPem } from "../../src/pki/bytes.ts";
import { parseKeyFile } from "../../src/pki/key-file.ts";
import { X509Certificate } from "../../src/pki/x509.ts";
import { freshDb } from "../support/db.ts";

const passphrase = "correct horse battery staple";

describe("the CA key ceremony", () => {
  it("makes a chain OpenSSL accepts, keeps the keys sealed, and signs only with the passphrase", async () => {
    const db = await freshDb("pglite");
    try {
      const now = new Date();
      const keys = await createCaHierarchy(db, {
        organization: "Test Federation",
        algorithm: "RSA-3072",
        passphrase,
        now,
      });
      expect(keys.map((k) => k.role)).toEqual(["root", "issuing"]);
      await expect(
        createCaHierarchy(db, { organization: "x", algorithm: "P-384", passphrase, now }),
      ).rejects.toMatchObject({ code: "ca_exists" });
      expect((await activeCaKeys(db)).map((k) => k.role)).toEqual(["issuing", "root"]);
      const { rows: audit } = await db.query<{ action: string; payload: string }>(
        "SELECT action, payload FROM audit_log",
      );
      expect(audit.map((a) => a.action)).toEqual(["ca.ceremony"]);
      expect(audit[0]!.payload).toContain(keys[1]!.fingerprint);
      expect(await verifyAudit(db)).toMatchObject({ ok: true, entries: 1 });

      const dir = mkdtempSync(join(tmpdir(), "geumgo-ca-"));
      writeFileSync(join(dir, "root.pem"), toPem("CERTIFICATE", keys[0]!.certificate));
      writeFileSync(join(dir, "issuing.pem"), toPem("CERTIFICATE", keys[1]!.certificate));
      const verified = execFileSync(
        "openssl",
        ["verify", "-x509_strict", "-CAfile", join(dir, "root.pem"), join(dir, "issuing.pem")],
        { encoding: "utf8" },
      );
      expect(verified).toContain("OK");
      const text = execFileSync("openssl", ["x509", "-in", join(dir, "issuing.pem"), "-noout", "-text"], {
        encoding: "utf8",
      });
      expect(text).toMatch(/Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
      expect(text).toMatch(/Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign/);
      expect(text).toContain("Public-Key: (3072 bit)");

      const { rows } = await db.query<{ private_key_encrypted: Uint8Array }>(
        "SELECT private_key_encrypted FROM ca_keys",
      );
      for (const r of rows) {
        expect(parseKeyFile(new Uint8Array(r.private_key_encrypted)).scheme).toMatchObject({
          kind: "pbes2",
          prf: "sha256",
          cipher: "aes-256-cbc",
          iterations: 600_000,
        });
      }

      const issuing = await loadCaKey(db, "issuing", passphrase);
      const data = new TextEncoder().encode("tbs");
      const sig = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", issuing.privateKey, data);
      const pub = await new X509Certificate(toBytes(issuing.certificate)).publicKey.export(
        { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
        ["verify"],
      );
      expect(await crypto.subtle.verify("RSASSA-PKCS1-v1_5", pub, sig, data)).toBe(true);
      await expect(loadCaKey(db, "issuing", "wrong passphrase!!")).rejects.toMatchObject({
        code: "bad_passphrase",
      });
    } finally {
      await db.close();
    }
  }, 120_000);

  it("has nothing to load before the ceremony", async () => {
    const db = await freshDb("pglite");
    try {
      await expect(loadCaKey(db, "issuing", passphrase)).rejects.toMatchObject({ code: "ca_missing" });
    } finally {
      await db.close();
    }
  });
});
