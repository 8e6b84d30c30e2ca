// The hand-written SignedData reader (src/pki/cms-parse.ts) and what verifyCms keeps of a signer's
// key between checks: the exact bytes it hands the signature check, BER as OpenSSL streams it,
// refusals as PkiErrors, and a key read and imported once however often its holder signs.
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { utf8 } from "../../src/pki/bytes.ts";
import { signCms, verifyCms } from "../../src/pki/cms.ts";
import { parseSignedData, readSignedAttributes } from "../../src/pki/cms-parse.ts";
import { readTlv } from "../../src/pki/der.ts";
import { importSigningKey } from "../../src/pki/private-key.ts";
import { generateKeyParams } from "../../src/pki/signature-algorithms.ts";
import { X509CertificateGenerator } from "../../src/pki/x509.ts";
import { readVector } from "../support/files.ts";

const content = utf8('{"from":"1002123456789","to":"3333012345678","amount":"150000"}');
const signingTime = new Date("2026-11-25T09:30:15.000Z");

async function expectMalformed(p: Promise<unknown>) {
  await expect(p).rejects.toMatchObject({ name: "PkiError", code: "malformed" });
}

/**
 * The DER element at `start` again with indefinite lengths on its constructed elements down to
 * `depth` levels, and any OCTET STRING holding `pieces`' bytes split into those pieces (X.690
 * §8.7.3), as OpenSSL's -stream writes a SignedData.
 */
function asBer(der: Uint8Array, start: number, depth: number, pieces: Uint8Array[]): number[] {
  const tlv = readTlv(der, start)!;
  const value = der.subarray(tlv.contentStart, tlv.end);
  const joined = pieces.flatMap((p) => [...p]);
  if (tlv.tag === 0x04 && value.length === joined.length && value.every((b, i) => b === joined[i])) {
    return [0x24, 0x80, ...pieces.flatMap((p) => [0x04, p.length, ...p]), 0, 0];
  }
  if (!(tlv.tag & 0x20) || depth === 0) return [...der.subarray(tlv.start, tlv.end)];
  const out = [tlv.tag, 0x80];
  for (let at = tlv.contentStart; at < tlv.end; at = readTlv(der, at)!.end) {
    out.push(...asBer(der, at, depth - 1, pieces));
  }
  return [...out, 0, 0];
}

async function rsaSigner(name: string) {
  const keys = (await crypto.subtle.generateKey(generateKeyParams({ kind: "RSA", modulusBits: 2048 }), true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  const cert = await X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: "0badc0de02",
      name: `CN=${name}, O=Geumgo Test, C=KR`,
      notBefore: new Date("2026-01-01T00:00:00Z"),
      notAfter: new Date("2027-01-01T00:00:00Z"),
      signingAlgorithm: { name: "RSASSA-PKCS1-v1_5" },
      keys,
    },
    crypto,
  );
  return { key: keys.privateKey, cert: new Uint8Array(cert.rawData) };
}

describe("reading a SignedData by hand", () => {
  let key: CryptoKey;
  let cert: Uint8Array;
  let otherCert: Uint8Array;
  beforeAll(async () => {
    key = await importSigningKey(await readVector("indep-pbes2/expected-plain-pkcs8.der"));
    cert = await readVector("indep-pbes2/signCert.der");
    otherCert = await readVector("yessign-test/signCert.der");
  });

  it("gives the signed attributes as §5.4 signs them, and the certificates as carried", async () => {
    const signature = await signCms({
      content,
      certificate: cert,
      privateKey: key,
      signingTime,
      extraCertificates: [otherCert],
    });
    const parsed = parseSignedData(signature);
    expect(parsed.contentType).toBe("1.2.840.113549.1.7.1");
    expect(parsed.content).toBeUndefined();
    expect(parsed.certificates.map((c) => c.der)).toContainEqual(cert);
    expect(parsed.certificates.map((c) => c.der)).toContainEqual(otherCert);
    expect(parsed.signerInfos).toHaveLength(1);
    const info = parsed.signerInfos[0]!;
    expect(info.digestAlgorithm.oid).toBe("2.16.840.1.101.3.4.2.1");
    expect(info.signatureAlgorithm.oid).toBe("1.2.840.113549.1.1.11");
    // The same bytes, SET OF tag and all, as sit in the SignedData under [0].
    const attrs = info.signedAttrsDer!;
    expect(attrs[0]).toBe(0x31);
    const at = signature.findIndex(
      (_, i) => signature[i] === 0xa0 && attrs.subarray(1).every((b, j) => signature[i + 1 + j] === b),
    );
    expect(at).toBeGreaterThan(0);
    const values = readSignedAttributes(attrs);
    expect(values.signingTime).toEqual(signingTime);
    expect(values.messageDigest).toEqual(new Uint8Array(await crypto.subtle.digest("SHA-256", content)));
    // The signer is found by issuer and serial among the two.
    const sid = info.sid;
    if (!("serial" in sid)) throw new Error("signCms names the signer by issuer and serial");
    expect(parsed.certificates.find((c) => c.serial.join() === sid.serial.join())?.der).toEqual(cert);
  });

  it("reads BER: indefinite lengths and the content in pieces", async () => {
    const signature = await signCms({
      content,
      certificate: cert,
      privateKey: key,
      detached: false,
      signingTime,
    });
    const ber = new Uint8Array(asBer(signature, 0, 5, [content.subarray(0, 10), content.subarray(10)]));
    expect(ber[1]).toBe(0x80);
    expect(parseSignedData(ber).content).toEqual(content);
    const result = await verifyCms({ signature: ber });
    expect(result.content).toEqual(content);
    expect(result.signingTime).toEqual(signingTime);
    // An end-of-contents missing at the end is an element cut short.
    await expectMalformed(verifyCms({ signature: ber.subarray(0, ber.length - 2) }));
  });

  it("leaves the caller's bytes as they were, also when slice() gives a view (a Node Buffer's does)", async () => {
    class Viewed extends Uint8Array {
      override slice(start?: number, end?: number): Uint8Array<ArrayBuffer> {
        return this.subarray(start, end) as Uint8Array<ArrayBuffer>;
      }
    }
    const signature = await signCms({ content, certificate: cert, privateKey: key, signingTime });
    const given = new Viewed(signature);
    for (let i = 0; i < 2; i++)
      expect((await verifyCms({ signature: given, content })).signingTime).toEqual(signingTime);
    expect(new Uint8Array(given)).toEqual(signature);
  });

  it("refuses nesting far deeper than a SignedData goes, and a ContentInfo's worth of trailing bytes", async () => {
    const deep = new Uint8Array(20_000).map((_, i) => (i % 2 === 0 ? 0x30 : 0x80));
    await expectMalformed(verifyCms({ signature: deep, content }));
    const signature = await signCms({ content, certificate: cert, privateKey: key });
    await expectMalformed(verifyCms({ signature: new Uint8Array([...signature, ...signature]), content }));
  });

  it("reads both Time forms of signingTime (§11.3: GeneralizedTime from 2050)", async () => {
    for (const when of [new Date("2050-01-01T00:00:00Z"), new Date("1949-12-31T23:59:59Z"), signingTime]) {
      const signature = await signCms({ content, certificate: cert, privateKey: key, signingTime: when });
      expect((await verifyCms({ signature, content })).signingTime).toEqual(when);
    }
  });
});

describe("a signer's key between checks", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("is imported once however often its holder signs", async () => {
    const signer = await rsaSigner("often");
    const importKey = vi.spyOn(globalThis.crypto.subtle, "importKey");
    for (let i = 0; i < 3; i++) {
      const data = utf8(`transfer ${i}`);
      const signature = await signCms({ content: data, certificate: signer.cert, privateKey: signer.key });
      expect((await verifyCms({ signature, content: data })).content).toEqual(data);
    }
    const spkiImports = importKey.mock.calls.filter(
      ([format, , params]) => format === "spki" && (params as Algorithm).name === "RSASSA-PKCS1-v1_5",
    );
    expect(spkiImports).toHaveLength(1);
  });

  it("is never another certificate's: a signature by one key under another's certificate still fails", async () => {
    const a = await rsaSigner("A");
    const b = await rsaSigner("B");
    const signedByA = await signCms({ content, certificate: a.cert, privateKey: a.key });
    expect((await verifyCms({ signature: signedByA, content })).signer).toEqual(a.cert);
    // B's key under A's certificate (whose key is now kept): refused; B's own verifies.
    const forged = await signCms({ content, certificate: a.cert, privateKey: b.key });
    await expect(verifyCms({ signature: forged, content })).rejects.toMatchObject({ code: "bad_signature" });
    const byB = await signCms({ content, certificate: b.cert, privateKey: b.key });
    expect((await verifyCms({ signature: byB, content })).signer).toEqual(b.cert);
  });
});
