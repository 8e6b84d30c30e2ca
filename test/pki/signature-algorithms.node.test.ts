// OpenSSL judges what every key type the CA certifies signs through the table: the CMS SignedData
// (`openssl cms -verify`, chain included), the CSR (`openssl req -verify`) and a revocation
// request's signature protection (OpenSSL's CMP mock server, which checks a request's protection
// against its trusted CAs before it answers). Each judge is shown to judge: a changed signature fails.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toPem, utf8 } from "../../src/pki/bytes.ts";
import { revoke } from "../../src/pki/cmp-client.ts";
import { signCms } from "../../src/pki/cms.ts";
import { buildCsr } from "../../src/pki/csr.ts";
import { readTlv } from "../../src/pki/der.ts";
import { type TestCa, testCa } from "../support/test-ca.ts";
import { type CertifiedKey, certifiedKey, certifiedKeyTypes, requestOf, subject } from "./certified-keys.ts";

const content = utf8('{"transfer":"T-20261205-0002","amount":98765,"memo":"월세"}\n');

let dir: string;
let ca: TestCa;
const file = (name: string) => join(dir, name);

function openssl(args: string[]): { status: number | null; output: string } {
  const r = spawnSync("openssl", args, { encoding: "utf8" });
  return { status: r.status, output: r.stdout + r.stderr };
}

/** The copy with one bit flipped in the last byte of the outermost SEQUENCE's `index`th element. */
function flippedInElement(der: Uint8Array, index: number): Uint8Array {
  let child = readTlv(der, readTlv(der, 0)!.contentStart)!;
  for (let i = 0; i < index; i++) child = readTlv(der, child.end)!;
  const copy = der.slice();
  copy[child.end - 1]! ^= 0x01;
  return copy;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "geumgo-sigalg-"));
  ca = await testCa();
  writeFileSync(file("issuing.pem"), toPem("CERTIFICATE", ca.issuing));
  writeFileSync(file("chain.pem"), toPem("CERTIFICATE", ca.issuing) + toPem("CERTIFICATE", ca.root));
  const issuingKey = new Uint8Array(await crypto.subtle.exportKey("pkcs8", ca.issuingKeys.privateKey));
  writeFileSync(file("issuing-key.pem"), toPem("PRIVATE KEY", issuingKey));
  writeFileSync(file("data.bin"), content);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe.each(
  certifiedKeyTypes.map((type) => ({
    type,
    name: type.kind === "RSA" ? `RSA-${type.modulusBits}` : type.curve,
  })),
)("OpenSSL verifies what a $name key signs", ({ type, name }) => {
  let key: CertifiedKey;
  const own = (what: string) => file(`${name}-${what}`);
  beforeAll(async () => {
    key = await certifiedKey(ca, type);
    writeFileSync(own("cert.pem"), toPem("CERTIFICATE", key.certificate));
    writeFileSync(own("key.pem"), toPem("PRIVATE KEY", key.pkcs8));
  }, 60_000);

  it("CMS: openssl cms -verify, the chain to the test CA included", async () => {
    const signature = await signCms({
      content,
      certificate: key.certificate,
      privateKey: key.keys.privateKey,
    });
    const verify = (der: Uint8Array) => {
      writeFileSync(own("cms.der"), der);
      // -binary: the content is bytes, not text to be canonicalised to CRLF; -purpose any: the
      // certificate is a bank-use one, without the S/MIME extended key usage.
      return openssl([
        "cms",
        ...["-verify", "-inform", "DER", "-in", own("cms.der"), "-content", file("data.bin")],
        ...["-binary", "-out", "/dev/null", "-CAfile", file("chain.pem")],
        ...["-purpose", "any"],
      ]);
    };
    const good = verify(signature);
    expect(good.output).toContain("Verification successful");
    expect(good.status).toBe(0);
    // The signature is the last bytes of the SignedData.
    const bad = signature.slice();
    bad[bad.length - 1]! ^= 0x01;
    expect(verify(bad).status).not.toBe(0);
  });

  it("CSR: openssl req -verify", async () => {
    const csr = await buildCsr({ keys: key.keys, subject });
    const verify = (der: Uint8Array) => {
      writeFileSync(own("csr.der"), der);
      return openssl(["req", "-verify", "-inform", "DER", "-in", own("csr.der"), "-noout"]);
    };
    const good = verify(csr);
    expect(good.output).toContain("self-signature verify OK");
    expect(good.status).toBe(0);
    // OpenSSL 3.0 exits 0 either way: what it says is the verdict.
    expect(verify(flippedInElement(csr, 2)).output).toContain("self-signature verify failure");
  });

  it("CMP: OpenSSL's mock server accepts the signature protection of our rr, and refuses it changed", async () => {
    const rr = await requestOf((send) =>
      revoke({
        send,
        certificate: key.certificate,
        key: key.keys.privateKey,
        reason: "keyCompromise",
        caCertificate: ca.issuing,
      }),
    );
    // The client sends the rr read from -reqin to the mock server, which validates its protection
    // (chain to -srv_trusted) before it revokes -rsp_cert and answers rp under the issuing CA's key.
    const send = (der: Uint8Array) => {
      writeFileSync(own("rr.der"), der);
      return openssl([
        "cmp",
        ...["-cmd", "rr", "-use_mock_srv", "-reqin", own("rr.der")],
        ...["-srv_cert", file("issuing.pem"), "-srv_key", file("issuing-key.pem")],
        ...["-srv_trusted", file("chain.pem"), "-rsp_cert", own("cert.pem")],
        ...["-oldcert", own("cert.pem"), "-cert", own("cert.pem"), "-key", own("key.pem")],
        ...["-trusted", file("chain.pem")],
      ]);
    };
    const good = send(rr);
    expect(good.output).toContain("revocation accepted");
    expect(good.status).toBe(0);
    // PKIMessage ::= SEQUENCE { header, body, [0] protection, [1] extraCerts }
    const bad = send(flippedInElement(rr, 2));
    expect(bad.output).toContain("error validating protection");
    expect(bad.status).not.toBe(0);
  });
});

it("openssl is there", () => {
  expect(execFileSync("openssl", ["version"]).toString()).toMatch(/^OpenSSL 3/);
});
