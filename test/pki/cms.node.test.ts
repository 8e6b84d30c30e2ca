// OpenSSL 3 judges our SignedData, and ours judges OpenSSL's, both ways, RSA and ECDSA.
// `-noverify` skips only the chain check: the vector certificates' CA is not among the vectors
// (and the ECDSA certificate is self-signed); OpenSSL still checks the signature and the digest.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toPem, utf8 } from "../../src/pki/bytes.ts";
import { signCms, verifyCms } from "../../src/pki/cms.ts";
import { importSigningKey } from "../../src/pki/private-key.ts";
import { SubjectKeyIdentifierExtension, X509CertificateGenerator } from "../../src/pki/x509.ts";
import { readVector } from "../support/files.ts";

const content = utf8('{"transfer":"T-20261125-0002","amount":98765,"memo":"월세"}\n');
const signingTime = new Date("2026-11-25T10:00:00Z");

let dir: string;
const file = (name: string) => join(dir, name);

function openssl(...args: string[]): string {
  return execFileSync("openssl", args, { stdio: ["ignore", "pipe", "pipe"] }).toString();
}

interface Signer {
  name: string;
  key: CryptoKey;
  /** DER of the certificate and of the PKCS#8 key, and the PEM files OpenSSL is given. */
  cert: Uint8Array;
  certPem: string;
  keyPem: string;
}

async function rsaSigner(): Promise<Signer> {
  const pkcs8 = await readVector("indep-pbes2/expected-plain-pkcs8.der");
  const cert = await readVector("indep-pbes2/signCert.der");
  writeFileSync(file("rsa-key.der"), pkcs8);
  writeFileSync(file("rsa-cert.der"), cert);
  // OpenSSL reads the key with its randomNum attribute as it is; we convert both to PEM with it.
  openssl("pkey", "-inform", "DER", "-in", file("rsa-key.der"), "-out", file("rsa-key.pem"));
  openssl("x509", "-inform", "DER", "-in", file("rsa-cert.der"), "-out", file("rsa-cert.pem"));
  return {
    name: "RSA (NPKI vector)",
    key: await importSigningKey(pkcs8),
    cert,
    certPem: file("rsa-cert.pem"),
    keyPem: file("rsa-key.pem"),
  };
}

async function ecSigner(): Promise<Signer> {
  const keys = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  const cert = await X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: "00e1c0de",
      name: "CN=ECDSA signer, O=Geumgo Test, C=KR",
      notBefore: new Date("2026-01-01T00:00:00Z"),
      notAfter: new Date("2027-01-01T00:00:00Z"),
      signingAlgorithm: { name: "ECDSA", hash: "SHA-256" },
      keys,
      extensions: [await SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto)],
    },
    crypto,
  );
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", keys.privateKey));
  writeFileSync(file("ec-key.pem"), toPem("PRIVATE KEY", pkcs8));
  writeFileSync(file("ec-cert.pem"), toPem("CERTIFICATE", new Uint8Array(cert.rawData)));
  return {
    name: "ECDSA P-256",
    key: await importSigningKey(pkcs8),
    cert: new Uint8Array(cert.rawData),
    certPem: file("ec-cert.pem"),
    keyPem: file("ec-key.pem"),
  };
}

const signers: Signer[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "geumgo-cms-"));
  writeFileSync(file("data.bin"), content);
  signers.push(await rsaSigner(), await ecSigner());
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("OpenSSL accepts our SignedData", () => {
  for (const index of [0, 1]) {
    it(`${index === 0 ? "RSA" : "ECDSA"}: detached, with the content beside it`, async () => {
      const s = signers[index]!;
      const signature = await signCms({ content, certificate: s.cert, privateKey: s.key, signingTime });
      writeFileSync(file("ours.der"), signature);
      // -binary: the content is bytes, not text to be canonicalised to CRLF.
      openssl(
        "cms",
        ...["-verify", "-inform", "DER", "-in", file("ours.der"), "-content", file("data.bin")],
        ...["-noverify", "-binary", "-out", file("out.bin")],
      );
      expect(new Uint8Array(readFileSync(file("out.bin")))).toEqual(content);

      // The judge judges: other content fails.
      writeFileSync(file("other.bin"), utf8("something else"));
      expect(() =>
        openssl(
          "cms",
          ...["-verify", "-inform", "DER", "-in", file("ours.der"), "-content", file("other.bin")],
          ...["-noverify", "-binary", "-out", "/dev/null"],
        ),
      ).toThrow();

      // The signer OpenSSL names is our certificate.
      openssl(
        "cms",
        ...["-verify", "-inform", "DER", "-in", file("ours.der"), "-content", file("data.bin")],
        ...["-noverify", "-binary", "-out", "/dev/null", "-signer", file("named.pem")],
      );
      openssl("x509", "-in", file("named.pem"), "-outform", "DER", "-out", file("named.der"));
      expect(new Uint8Array(readFileSync(file("named.der")))).toEqual(s.cert);
    });

    it(`${index === 0 ? "RSA" : "ECDSA"}: attached, giving back our content`, async () => {
      const s = signers[index]!;
      const signature = await signCms({ content, certificate: s.cert, privateKey: s.key, detached: false });
      writeFileSync(file("ours-attached.der"), signature);
      openssl(
        "cms",
        ...["-verify", "-inform", "DER", "-in", file("ours-attached.der")],
        ...["-noverify", "-binary", "-out", file("recovered.bin")],
      );
      expect(new Uint8Array(readFileSync(file("recovered.bin")))).toEqual(content);
    });
  }

  it("OpenSSL reads our signed attributes as we wrote them", async () => {
    const s = signers[0]!;
    const signature = await signCms({ content, certificate: s.cert, privateKey: s.key, signingTime });
    writeFileSync(file("ours.der"), signature);
    const printed = openssl("cms", "-cmsout", "-print", "-inform", "DER", "-in", file("ours.der"));
    expect(printed).toContain("contentType");
    expect(printed).toContain("messageDigest");
    expect(printed).toContain("signingTime");
    expect(printed).toMatch(/UTCTIME:\s*Nov 25 10:00:00 2026 GMT/);
    expect(printed).toContain("sha256WithRSAEncryption");
  });
});

describe("we accept OpenSSL's SignedData", () => {
  const sign = (s: Signer, out: string, ...extra: string[]) =>
    openssl(
      "cms",
      ...["-sign", "-binary", "-in", file("data.bin"), "-signer", s.certPem, "-inkey", s.keyPem],
      ...["-outform", "DER", "-out", file(out), ...extra],
    );

  for (const index of [0, 1]) {
    it(`${index === 0 ? "RSA" : "ECDSA"}: detached (OpenSSL's default)`, async () => {
      const s = signers[index]!;
      const before = Math.floor(Date.now() / 1000) * 1000;
      sign(s, "theirs.der");
      const signature = new Uint8Array(readFileSync(file("theirs.der")));
      const result = await verifyCms({ signature, content });
      expect(result.content).toEqual(content);
      expect(result.signer).toEqual(s.cert);
      expect(result.signingTime!.getTime()).toBeGreaterThanOrEqual(before);
      await expect(verifyCms({ signature, content: utf8("something else") })).rejects.toMatchObject({
        code: "bad_signature",
      });
    });

    it(`${index === 0 ? "RSA" : "ECDSA"}: attached (-nodetach)`, async () => {
      const s = signers[index]!;
      sign(s, "theirs-attached.der", "-nodetach");
      const result = await verifyCms({
        signature: new Uint8Array(readFileSync(file("theirs-attached.der"))),
      });
      expect(result.content).toEqual(content);
      expect(result.signer).toEqual(s.cert);
    });
  }

  it("attached and streamed: indefinite-length BER with the content in pieces", async () => {
    const s = signers[0]!;
    sign(s, "theirs-stream.der", "-nodetach", "-stream");
    const signature = new Uint8Array(readFileSync(file("theirs-stream.der")));
    expect(signature[1]).toBe(0x80); // indefinite length: this is the BER case
    const result = await verifyCms({ signature });
    expect(result.content).toEqual(content);
  });

  it("a signer named by subjectKeyIdentifier (-keyid)", async () => {
    const s = signers[1]!;
    sign(s, "theirs-keyid.der", "-keyid");
    const result = await verifyCms({
      signature: new Uint8Array(readFileSync(file("theirs-keyid.der"))),
      content,
    });
    expect(result.signer).toEqual(s.cert);
  });

  for (const md of ["sha384", "sha512"]) {
    for (const index of [0, 1]) {
      it(`${index === 0 ? "RSA" : "ECDSA"} with ${md}`, async () => {
        const s = signers[index]!;
        sign(s, "theirs-md.der", "-md", md);
        const result = await verifyCms({
          signature: new Uint8Array(readFileSync(file("theirs-md.der"))),
          content,
        });
        expect(result.signer).toEqual(s.cert);
      });
    }
  }

  it("without signed attributes (-noattr), the signature is over the content itself", async () => {
    const s = signers[0]!;
    sign(s, "theirs-noattr.der", "-noattr");
    const result = await verifyCms({
      signature: new Uint8Array(readFileSync(file("theirs-noattr.der"))),
      content,
    });
    expect(result.content).toEqual(content);
    expect(result.signingTime).toBeUndefined();
    await expect(
      verifyCms({ signature: new Uint8Array(readFileSync(file("theirs-noattr.der"))), content: utf8("x") }),
    ).rejects.toMatchObject({ code: "bad_signature" });
  });
});
