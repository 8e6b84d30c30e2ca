import {
  CertificateChoices,
  CertificateSet,
  ContentInfo,
  id_contentType,
  id_data,
  id_messageDigest,
  id_signedData,
  id_signingTime,
  SignedData,
  SignerInfos,
} from "@peculiar/asn1-cms";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate } from "@peculiar/asn1-x509";
import { beforeAll, describe, expect, it } from "vitest";
import { utf8 } from "../../src/pki/bytes.ts";
import { certificateMatchesKey, signCms, verifyCms } from "../../src/pki/cms.ts";
import { importSigningKey } from "../../src/pki/private-key.ts";
import { SubjectKeyIdentifierExtension, X509CertificateGenerator } from "../../src/pki/x509.ts";
import { readVector } from "../support/files.ts";

const content = utf8(
  '{"transfer":"T-20261125-0001","from":"1002-123-456789","to":"3333-01-1234567","amount":150000}',
);
const signingTime = new Date("2026-11-25T09:30:15.000Z");

async function expectCode(p: Promise<unknown>, code: string) {
  await expect(p).rejects.toMatchObject({ name: "PkiError", code });
}

function flipped(bytes: Uint8Array, at: number): Uint8Array {
  const copy = bytes.slice();
  copy[at]! ^= 0x01;
  return copy;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function parseSignedData(signature: Uint8Array): SignedData {
  const info = AsnConvert.parse(signature, ContentInfo);
  expect(info.contentType).toBe(id_signedData);
  return AsnConvert.parse(info.content, SignedData);
}

function withSignedData(signature: Uint8Array, change: (sd: SignedData) => void): Uint8Array {
  const sd = parseSignedData(signature);
  change(sd);
  return new Uint8Array(
    AsnConvert.serialize(new ContentInfo({ contentType: id_signedData, content: AsnConvert.serialize(sd) })),
  );
}

/** A P-256 key and a self-signed certificate for it, made here (NPKI vectors are all RSA). */
async function ecSigner(name: string) {
  const keys = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  const cert = await X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: "0badc0de01",
      name: `CN=${name}, O=Geumgo Test, C=KR`,
      notBefore: new Date("2026-01-01T00:00:00Z"),
      notAfter: new Date("2027-01-01T00:00:00Z"),
      signingAlgorithm: { name: "ECDSA", hash: "SHA-256" },
      keys,
      extensions: [await SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto)],
    },
    crypto,
  );
  return { key: keys.privateKey, cert: new Uint8Array(cert.rawData) };
}

describe("CMS SignedData with an NPKI RSA key", () => {
  let key: CryptoKey;
  let cert: Uint8Array;
  let otherCert: Uint8Array;
  beforeAll(async () => {
    // The key carries a PKCS#8 attribute (randomNum); importSigningKey strips it for WebCrypto.
    key = await importSigningKey(await readVector("indep-pbes2/expected-plain-pkcs8.der"));
    cert = await readVector("indep-pbes2/signCert.der");
    otherCert = await readVector("yessign-test/signCert.der");
  });

  it("the vector certificate belongs to the vector key", async () => {
    expect(await certificateMatchesKey(cert, key)).toBe(true);
  });

  it("detached: signs and verifies, giving back the content, the signer and the signing time", async () => {
    const signature = await signCms({ content, certificate: cert, privateKey: key, signingTime });
    const result = await verifyCms({ signature, content });
    expect(result.content).toEqual(content);
    expect(result.signer).toEqual(cert);
    expect(result.signingTime).toEqual(signingTime);
    expect(indexOf(signature, content)).toBe(-1);
  });

  it("detached: without the content there is nothing to verify", async () => {
    const signature = await signCms({ content, certificate: cert, privateKey: key });
    await expectCode(verifyCms({ signature }), "malformed");
  });

  it("attached: the content comes out of the signature", async () => {
    const signature = await signCms({
      content,
      certificate: cert,
      privateKey: key,
      detached: false,
      signingTime,
    });
    expect(indexOf(signature, content)).toBeGreaterThan(0);
    const result = await verifyCms({ signature });
    expect(result.content).toEqual(content);
    expect(result.signer).toEqual(cert);
    expect(result.signingTime).toEqual(signingTime);
    expect((await verifyCms({ signature, content })).content).toEqual(content);
  });

  it("the structure is the one RFC 5652 describes, with DER-sorted signed attributes", async () => {
    const when = new Date("2026-11-25T09:30:15.789Z");
    const signature = await signCms({ content, certificate: cert, privateKey: key, signingTime: when });
    const sd = parseSignedData(signature);
    expect(sd.version).toBe(1);
    expect(sd.digestAlgorithms.map((a) => a.algorithm)).toEqual(["2.16.840.1.101.3.4.2.1"]);
    expect(sd.encapContentInfo.eContentType).toBe(id_data);
    expect(sd.encapContentInfo.eContent).toBeUndefined();
    expect(sd.certificates?.map((c) => new Uint8Array(AsnConvert.serialize(c.certificate!)))).toEqual([cert]);
    expect(sd.signerInfos).toHaveLength(1);
    const si = sd.signerInfos[0]!;
    expect(si.version).toBe(1);
    const certificate = AsnConvert.parse(cert, Certificate);
    expect(si.sid.issuerAndSerialNumber?.serialNumber).toEqual(certificate.tbsCertificate.serialNumber);
    expect(si.signatureAlgorithm.algorithm).toBe("1.2.840.113549.1.1.11");
    const types = si.signedAttrs?.map((a) => a.attrType);
    expect(new Set(types)).toEqual(new Set([id_contentType, id_messageDigest, id_signingTime]));
    const encoded = si.signedAttrs!.map((a) => Array.from(new Uint8Array(AsnConvert.serialize(a))).join(","));
    expect(encoded).toEqual(
      [...encoded].sort((x, y) => {
        const a = x.split(",").map(Number);
        const b = y.split(",").map(Number);
        for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
        return a.length - b.length;
      }),
    );
    // Signing time is kept to the second (UTCTime).
    expect((await verifyCms({ signature, content })).signingTime).toEqual(
      new Date("2026-11-25T09:30:15.000Z"),
    );
  });

  it("signing time defaults to now", async () => {
    const before = Date.now();
    const signature = await signCms({ content, certificate: cert, privateKey: key });
    const { signingTime: at } = await verifyCms({ signature, content });
    expect(at!.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(at!.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it("extra certificates are carried, the signer's once", async () => {
    const signature = await signCms({
      content,
      certificate: cert,
      privateKey: key,
      extraCertificates: [otherCert, cert],
    });
    const carried = parseSignedData(signature).certificates!.map(
      (c) => new Uint8Array(AsnConvert.serialize(c.certificate!)),
    );
    expect(carried).toHaveLength(2);
    expect(carried).toContainEqual(cert);
    expect(carried).toContainEqual(otherCert);
    expect((await verifyCms({ signature, content })).signer).toEqual(cert);
  });

  it("tampered content does not verify, detached or attached", async () => {
    const detached = await signCms({ content, certificate: cert, privateKey: key });
    await expectCode(verifyCms({ signature: detached, content: flipped(content, 5) }), "bad_signature");
    await expectCode(verifyCms({ signature: detached, content: content.subarray(1) }), "bad_signature");

    const attached = await signCms({ content, certificate: cert, privateKey: key, detached: false });
    const at = indexOf(attached, content);
    await expectCode(verifyCms({ signature: flipped(attached, at + 5) }), "bad_signature");
    // Content given beside an attached signature must be the content inside it.
    await expectCode(verifyCms({ signature: attached, content: flipped(content, 0) }), "bad_signature");
  });

  it("a tampered signature value or signed attribute does not verify", async () => {
    const signature = await signCms({ content, certificate: cert, privateKey: key, signingTime });
    // The signature value is the last field of the last SignerInfo.
    await expectCode(
      verifyCms({ signature: flipped(signature, signature.length - 1), content }),
      "bad_signature",
    );
    await expectCode(
      verifyCms({ signature: flipped(signature, signature.length - 200), content }),
      "bad_signature",
    );
    // The signing time "261125093015Z" sits inside the signed attributes.
    const time = indexOf(signature, utf8("261125093015Z"));
    expect(time).toBeGreaterThan(0);
    await expectCode(verifyCms({ signature: flipped(signature, time + 3), content }), "bad_signature");
  });

  it("no single flipped bit yields other content or a signing time not signed; errors are PkiErrors", async () => {
    const signature = await signCms({
      content,
      certificate: cert,
      privateKey: key,
      detached: false,
      signingTime,
    });
    const codes = new Set<string>();
    let accepted = 0;
    for (let at = 0; at < signature.length; at++) {
      try {
        const result = await verifyCms({ signature: flipped(signature, at) });
        // Bytes no signature covers (the certificate's own signature, say) may change: the chain
        // is the caller's to check, and the signed parts must still be the same.
        expect(result.content).toEqual(content);
        expect(result.signingTime).toEqual(signingTime);
        accepted++;
      } catch (e) {
        expect(e).toMatchObject({ name: "PkiError" });
        codes.add((e as { code: string }).code);
      }
    }
    expect([...codes].every((c) => ["bad_signature", "malformed", "unsupported_algorithm"].includes(c))).toBe(
      true,
    );
    expect(codes).toContain("bad_signature");
    expect(accepted).toBeLessThan(signature.length / 2);
  });

  it("a ContentInfo of another type, or with more than its two fields, is malformed", async () => {
    const signature = await signCms({ content, certificate: cert, privateKey: key });
    const info = AsnConvert.parse(signature, ContentInfo);
    const asData = new Uint8Array(
      AsnConvert.serialize(new ContentInfo({ contentType: id_data, content: info.content })),
    );
    await expectCode(verifyCms({ signature: asData, content }), "malformed");
    // SEQUENCE { OID, [0] { SignedData }, NULL }: a field too many, with the lengths made to agree.
    const body = signature.subarray(signature[1]! & 0x80 ? 2 + (signature[1]! & 0x7f) : 2);
    const longer = new Uint8Array([...body, 0x05, 0x00]);
    const n = longer.length;
    const extra = new Uint8Array([0x30, 0x82, n >> 8, n & 0xff, ...longer]);
    await expectCode(verifyCms({ signature: extra, content }), "malformed");
    // The same rebuilt without the extra field verifies: the test changes only what it says.
    const same = new Uint8Array([0x30, 0x82, body.length >> 8, body.length & 0xff, ...body]);
    await expect(verifyCms({ signature: same, content })).resolves.toBeDefined();
  });

  it("garbage is malformed", async () => {
    const signature = await signCms({ content, certificate: cert, privateKey: key });
    await expectCode(verifyCms({ signature: new Uint8Array(0), content }), "malformed");
    await expectCode(verifyCms({ signature: utf8("not a signature at all"), content }), "malformed");
    await expectCode(
      verifyCms({ signature: signature.subarray(0, signature.length - 10), content }),
      "malformed",
    );
    await expectCode(verifyCms({ signature: new Uint8Array([...signature, 0]), content }), "malformed");
    await expectCode(verifyCms({ signature: cert, content }), "malformed");
    // A length one short: asn1js alone would read past it, OpenSSL would not.
    await expectCode(verifyCms({ signature: flipped(signature, 3), content }), "malformed");
  });

  it("the key of another certificate: certificateMatchesKey says no and the signature fails", async () => {
    const yessignKey = await importSigningKey(await readVector("yessign-test/expected-plain-pkcs8.der"));
    expect(await certificateMatchesKey(cert, yessignKey)).toBe(false);
    expect(await certificateMatchesKey(otherCert, yessignKey)).toBe(true);
    const signature = await signCms({ content, certificate: cert, privateKey: yessignKey });
    await expectCode(verifyCms({ signature, content }), "bad_signature");
  });

  it("a certificate swapped in for the signer's, or none at all, is refused", async () => {
    const signature = await signCms({ content, certificate: cert, privateKey: key });
    const swapped = withSignedData(signature, (sd) => {
      sd.certificates = new CertificateSet([
        new CertificateChoices({ certificate: AsnConvert.parse(otherCert, Certificate) }),
      ]);
    });
    await expectCode(verifyCms({ signature: swapped, content }), "bad_signature");
    const none = withSignedData(signature, (sd) => {
      sd.certificates = undefined;
    });
    await expectCode(verifyCms({ signature: none, content }), "malformed");
  });

  it("more than one SignerInfo is not read", async () => {
    const signature = await signCms({ content, certificate: cert, privateKey: key });
    const two = withSignedData(signature, (sd) => {
      sd.signerInfos = new SignerInfos([sd.signerInfos[0]!, sd.signerInfos[0]!]);
    });
    await expectCode(verifyCms({ signature: two, content }), "malformed");
  });
});

describe("CMS SignedData with ECDSA P-256", () => {
  let signer: { key: CryptoKey; cert: Uint8Array };
  beforeAll(async () => {
    signer = await ecSigner("ECDSA signer");
  });

  it("signs and verifies, detached and attached", async () => {
    expect(await certificateMatchesKey(signer.cert, signer.key)).toBe(true);
    const detached = await signCms({
      content,
      certificate: signer.cert,
      privateKey: signer.key,
      signingTime,
    });
    const result = await verifyCms({ signature: detached, content });
    expect(result).toEqual({ content, signer: signer.cert, signingTime });
    expect(parseSignedData(detached).signerInfos[0]!.signatureAlgorithm.algorithm).toBe(
      "1.2.840.10045.4.3.2",
    );

    const attached = await signCms({
      content,
      certificate: signer.cert,
      privateKey: signer.key,
      detached: false,
    });
    expect((await verifyCms({ signature: attached })).content).toEqual(content);
  });

  it("many signatures verify (r or s with a high bit, or short, encode right)", async () => {
    for (let i = 0; i < 24; i++) {
      const data = utf8(`message ${i}`);
      const signature = await signCms({ content: data, certificate: signer.cert, privateKey: signer.key });
      expect((await verifyCms({ signature, content: data })).content).toEqual(data);
    }
  });

  it("tampering and the wrong key are caught", async () => {
    const signature = await signCms({ content, certificate: signer.cert, privateKey: signer.key });
    await expectCode(verifyCms({ signature, content: flipped(content, 3) }), "bad_signature");
    await expectCode(
      verifyCms({ signature: flipped(signature, signature.length - 1), content }),
      "bad_signature",
    );

    const other = await ecSigner("someone else");
    expect(await certificateMatchesKey(signer.cert, other.key)).toBe(false);
    const wrong = await signCms({ content, certificate: signer.cert, privateKey: other.key });
    await expectCode(verifyCms({ signature: wrong, content }), "bad_signature");
  });

  it("an EC key with an RSA certificate is a key mismatch", async () => {
    const rsaCert = await readVector("indep-pbes2/signCert.der");
    expect(await certificateMatchesKey(rsaCert, signer.key)).toBe(false);
    await expectCode(signCms({ content, certificate: rsaCert, privateKey: signer.key }), "key_mismatch");
  });

  it("keys it does not sign with are refused", async () => {
    // An RSA key made for SHA-1: no signature algorithm of ours hashes with SHA-1.
    const sha1 = (await crypto.subtle.generateKey(
      {
        name: "RSASSA-PKCS1-v1_5",
        modulusLength: 1024,
        publicExponent: Uint8Array.of(1, 0, 1),
        hash: "SHA-1",
      },
      false,
      ["sign", "verify"],
    )) as CryptoKeyPair;
    await expectCode(
      signCms({ content, certificate: signer.cert, privateKey: sha1.privateKey }),
      "unsupported_algorithm",
    );
  });

  it("a key on another curve than the certificate's is a key mismatch", async () => {
    const p384 = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-384" }, false, [
      "sign",
      "verify",
    ])) as CryptoKeyPair;
    expect(await certificateMatchesKey(signer.cert, p384.privateKey)).toBe(false);
    await expectCode(
      signCms({ content, certificate: signer.cert, privateKey: p384.privateKey }),
      "key_mismatch",
    );
  });
});
