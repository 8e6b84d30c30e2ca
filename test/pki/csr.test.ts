import { AsnConvert } from "@peculiar/asn1-schema";
import { describe, expect, it } from "vitest";
import { buildCsr, generateKeyPair, parseCsr, verifyCsr } from "../../src/pki/csr.ts";
import { personalSubjectName } from "../../src/pki/profile.ts";
import { KeyUsageFlags, KeyUsagesExtension } from "../../src/pki/x509.ts";

const subject = personalSubjectName({
  realName: "홍길동",
  serialHint: "0091041202012345678",
  registrationUnit: "금고협동조합",
  organization: "Geumgo",
});

/** The offset of `needle` in `haystack`, which must contain it. */
function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  throw new Error("not found");
}

describe("PKCS#10 requests", () => {
  it("RSA-2048 by default, SHA256withRSA, the subject as given, and a signature that verifies", async () => {
    const keys = await generateKeyPair();
    const der = await buildCsr({ keys, subject });
    expect(await verifyCsr(der)).toBe(true);
    const csr = parseCsr(der);
    expect(new Uint8Array(csr.subjectName.toArrayBuffer())).toEqual(
      new Uint8Array(AsnConvert.serialize(subject)),
    );
    expect(csr.publicKey.algorithm).toMatchObject({ name: "RSASSA-PKCS1-v1_5", modulusLength: 2048 });
    expect(csr.signatureAlgorithm).toMatchObject({ name: "RSASSA-PKCS1-v1_5", hash: { name: "SHA-256" } });
    expect(new Uint8Array(csr.publicKey.rawData)).toEqual(
      new Uint8Array(await crypto.subtle.exportKey("spki", keys.publicKey)),
    );
  });

  it("ECDSA P-256 with ecdsa-with-SHA256, and requested extensions", async () => {
    const keys = await generateKeyPair({ algorithm: "EC" });
    const der = await buildCsr({
      keys,
      subject,
      extensions: [new KeyUsagesExtension(KeyUsageFlags.digitalSignature, true)],
    });
    expect(await verifyCsr(der)).toBe(true);
    const csr = parseCsr(der);
    expect(csr.publicKey.algorithm).toMatchObject({ name: "ECDSA", namedCurve: "P-256" });
    expect(csr.signatureAlgorithm).toMatchObject({ name: "ECDSA", hash: { name: "SHA-256" } });
    expect(csr.getExtension("2.5.29.15")?.critical).toBe(true);
  });

  for (const algorithm of ["RSA", "EC"] as const) {
    it(`${algorithm}: a changed subject or signature no longer verifies`, async () => {
      const der = await buildCsr({ keys: await generateKeyPair({ algorithm }), subject });
      const name = new TextEncoder().encode("홍길동");
      const tampered = der.slice();
      tampered[indexOf(der, name)]! ^= 0x01;
      expect(await verifyCsr(tampered)).toBe(false);
      const badSignature = der.slice();
      badSignature[der.length - 3]! ^= 0x01;
      expect(await verifyCsr(badSignature)).toBe(false);
    });
  }

  it("a request signed by another key does not verify", async () => {
    const [a, b] = [await generateKeyPair({ algorithm: "EC" }), await generateKeyPair({ algorithm: "EC" })];
    const der = await buildCsr({ keys: { publicKey: a.publicKey, privateKey: b.privateKey }, subject });
    expect(await verifyCsr(der)).toBe(false);
  });

  it("refuses what is not a request, and trailing bytes", async () => {
    await expect(verifyCsr(new Uint8Array([0x30, 0x03, 1, 2, 3]))).rejects.toMatchObject({
      code: "malformed",
    });
    const der = await buildCsr({ keys: await generateKeyPair({ algorithm: "EC" }), subject });
    expect(() => parseCsr(new Uint8Array([...der, 0]))).toThrow(
      expect.objectContaining({ code: "malformed" }),
    );
  });
});
