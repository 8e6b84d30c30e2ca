// An RSA key with public exponent 1 needs no private key: the "signature" is the PKCS#1 v1.5
// padding of the hash. OpenSSL and WebCrypto verify such signatures; our verifySignature, the one
// path for POPs, CMS, CMP protection and CSRs, does not (RFC 8017 §3.1: e is odd and at least 3).
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { toBytes, toPem, utf8 } from "../../src/pki/bytes.ts";
import { directoryName } from "../../src/pki/cmp.ts";
import { buildCertReqMsg, verifyPop } from "../../src/pki/crmf.ts";
import { signatureAlgorithmOf, verifySignature } from "../../src/pki/signature-algorithms.ts";
import { numberKey, numberKeyPair, numberSign, rsaSpki } from "../ca/crafted-keys.ts";

const order = utf8('{"transfer":"T-20261205-0003","amount":5000000,"to":"110-222-333333"}\n');
const algorithm = signatureAlgorithmOf("RSA", "SHA-256");

describe("RSA public exponents in verifySignature", () => {
  it("refuses a 'signature' under e = 1 that OpenSSL and WebCrypto accept", async () => {
    const key = numberKey(1n);
    const spki = rsaSpki(key.n, 1n);
    const signature = numberSign(key, order);

    const dir = mkdtempSync(join(tmpdir(), "geumgo-e1-"));
    writeFileSync(join(dir, "pub.pem"), toPem("PUBLIC KEY", spki));
    writeFileSync(join(dir, "sig"), signature);
    writeFileSync(join(dir, "order.json"), order);
    const judged = spawnSync(
      "openssl",
      ["dgst", "-sha256", "-verify", "pub.pem", "-signature", "sig", "order.json"],
      { cwd: dir, encoding: "utf8" },
    );
    expect(judged.stdout + judged.stderr, "OpenSSL takes it").toMatch(/Verified OK/);
    const imported = await crypto.subtle.importKey(
      "spki",
      toBytes(spki),
      { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
      false,
      ["verify"],
    );
    expect(
      await crypto.subtle.verify("RSASSA-PKCS1-v1_5", imported, toBytes(signature), order),
      "so does WebCrypto",
    ).toBe(true);

    expect(await verifySignature({ publicKey: spki, algorithm, signature, data: order })).toBe(false);
    const crafted = numberKeyPair(key);
    const pop = await buildCertReqMsg({ keys: crafted.keys, popoSender: directoryName() }, crafted.crypto);
    expect(await verifyPop(pop), "nor does a POP made so verify").toBe(false);
  });

  it("still verifies RSA signatures under e = 3 and 65537", async () => {
    for (const e of [3n, 65537n]) {
      const key = numberKey(e);
      const spki = rsaSpki(key.n, e);
      const signature = numberSign(key, order);
      expect(await verifySignature({ publicKey: spki, algorithm, signature, data: order }), `e = ${e}`).toBe(
        true,
      );
      const pop = await buildCertReqMsg(
        { keys: numberKeyPair(key).keys, popoSender: directoryName() },
        numberKeyPair(key).crypto,
      );
      expect(await verifyPop(pop), `POP, e = ${e}`).toBe(true);
    }
  });
});
