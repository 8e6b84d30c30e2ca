// The one table of signature algorithms: its AlgorithmIdentifiers as the RFCs write them, what it
// reads and refuses, and that every key type the CA certifies signs CMS, CMP (a revocation request
// and a key update) and a CSR through it, each checked by our own verifiers.
import { ContentInfo, SignedData } from "@peculiar/asn1-cms";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier, Certificate } from "@peculiar/asn1-x509";
import { beforeAll, describe, expect, it } from "vitest";
import { toHex, utf8 } from "../../src/pki/bytes.ts";
import { parsePkiMessage, verifySignatureProtection } from "../../src/pki/cmp.ts";
import { renew, revoke } from "../../src/pki/cmp-client.ts";
import { certificateMatchesKey, signCms, verifyCms } from "../../src/pki/cms.ts";
import { verifyPop } from "../../src/pki/crmf.ts";
import { buildCsr, verifyCsr } from "../../src/pki/csr.ts";
import { readTlv } from "../../src/pki/der.ts";
import { importSigningKey } from "../../src/pki/private-key.ts";
import {
  generateKeyParams,
  isPersonalKeyType,
  type KeyType,
  keyTypeName,
  keyTypeOf,
  publicKeyType,
  readSignatureAlgorithm,
  signatureAlgorithmFor,
  signatureAlgorithms,
  signData,
  verifySignature,
} from "../../src/pki/signature-algorithms.ts";
import { type TestCa, testCa } from "../support/test-ca.ts";
import {
  type CertifiedKey,
  certifiedKey,
  certifiedKeyTypes,
  expectedSignatureOid,
  requestOf,
  subject,
} from "./certified-keys.ts";

const content = utf8('{"transfer":"T-20261205-0001","amount":150000,"memo":"월세"}');

function identifier(oid: string, parameters?: ArrayBuffer | null): AlgorithmIdentifier {
  return new AlgorithmIdentifier(
    parameters === undefined ? { algorithm: oid } : { algorithm: oid, parameters },
  );
}

/** The copy with one bit flipped in the last byte of the element `path` leads to (child indexes). */
function flippedIn(der: Uint8Array, path: number[]): Uint8Array {
  let span = readTlv(der, 0)!;
  for (const index of path) {
    let at = span.contentStart;
    let child = readTlv(der, at)!;
    for (let i = 0; i < index; i++) {
      at = child.end;
      child = readTlv(der, at)!;
    }
    span = child;
  }
  const copy = der.slice();
  copy[span.end - 1]! ^= 0x01;
  return copy;
}

describe("the table", () => {
  it("writes RSA with NULL parameters (RFC 4055 §5) and ECDSA without (RFC 5758 §3.2)", () => {
    const der = Object.fromEntries(signatureAlgorithms.map((a) => [a.name, toHex(a.identifierDer)]));
    expect(der).toEqual({
      sha256WithRSAEncryption: "300d06092a864886f70d01010b0500",
      sha384WithRSAEncryption: "300d06092a864886f70d01010c0500",
      sha512WithRSAEncryption: "300d06092a864886f70d01010d0500",
      "ecdsa-with-SHA256": "300a06082a8648ce3d040302",
      "ecdsa-with-SHA384": "300a06082a8648ce3d040303",
      "ecdsa-with-SHA512": "300a06082a8648ce3d040304",
    });
  });

  it("reads parameters absent or NULL, and refuses SHA-1, unknown OIDs and other parameters", () => {
    const nullDer = Uint8Array.of(0x05, 0x00).buffer;
    expect(readSignatureAlgorithm(identifier("1.2.840.113549.1.1.11", null)).hash).toBe("SHA-256");
    expect(readSignatureAlgorithm(identifier("1.2.840.113549.1.1.11")).hash).toBe("SHA-256");
    expect(readSignatureAlgorithm(identifier("1.2.840.10045.4.3.3")).hash).toBe("SHA-384");
    expect(readSignatureAlgorithm(identifier("1.2.840.10045.4.3.3", nullDer)).key).toBe("EC");
    for (const refused of [
      identifier("1.2.840.113549.1.1.5", null), // sha1WithRSAEncryption
      identifier("1.2.840.10045.4.1"), // ecdsa-with-SHA1
      identifier("1.2.840.113549.1.1.10"), // RSASSA-PSS
      identifier("1.2.840.10045.4.3.2", new Uint8Array(new OctetString(4).toASN().toBER()).buffer),
    ]) {
      expect(() => readSignatureAlgorithm(refused)).toThrow(
        expect.objectContaining({ code: "unsupported_algorithm" }),
      );
    }
  });

  it("personal keys are RSA 2048–4096 and P-256 or P-384", () => {
    for (const type of certifiedKeyTypes) expect(isPersonalKeyType(type)).toBe(true);
    const others: KeyType[] = [
      { kind: "RSA", modulusBits: 1024 },
      { kind: "RSA", modulusBits: 2047 },
      { kind: "RSA", modulusBits: 4097 },
      { kind: "EC", curve: "P-521" },
    ];
    for (const type of others) expect(isPersonalKeyType(type)).toBe(false);
  });

  it("a key and its SubjectPublicKeyInfo have one type; a SHA-1 RSA key signs nothing", async () => {
    const ec = (await crypto.subtle.generateKey(generateKeyParams({ kind: "EC", curve: "P-384" }), true, [
      "sign",
      "verify",
    ])) as CryptoKeyPair;
    const spki = new Uint8Array(await crypto.subtle.exportKey("spki", ec.publicKey));
    expect(publicKeyType(spki)).toEqual({ kind: "EC", curve: "P-384" });
    expect(keyTypeOf(ec.privateKey)).toEqual({ kind: "EC", curve: "P-384" });
    expect(publicKeyType(Uint8Array.of(0x30, 0x00))).toBeUndefined();

    const sha1 = (await crypto.subtle.generateKey(
      {
        name: "RSASSA-PKCS1-v1_5",
        modulusLength: 1024,
        publicExponent: Uint8Array.of(1, 0, 1),
        hash: "SHA-1",
      },
      true,
      ["sign", "verify"],
    )) as CryptoKeyPair;
    const rsaSpki = new Uint8Array(await crypto.subtle.exportKey("spki", sha1.publicKey));
    expect(publicKeyType(rsaSpki)).toEqual({ kind: "RSA", modulusBits: 1024 });
    expect(() => signatureAlgorithmFor(sha1.privateKey)).toThrow(
      expect.objectContaining({ code: "unsupported_algorithm" }),
    );
  });

  it("a signature of one key type does not verify under a key of the other", async () => {
    const ec = (await crypto.subtle.generateKey(generateKeyParams({ kind: "EC", curve: "P-256" }), true, [
      "sign",
      "verify",
    ])) as CryptoKeyPair;
    const rsa = (await crypto.subtle.generateKey(
      generateKeyParams({ kind: "RSA", modulusBits: 2048 }),
      true,
      ["sign", "verify"],
    )) as CryptoKeyPair;
    const signed = await signData({ key: ec.privateKey, data: content });
    const rsaSpki = new Uint8Array(await crypto.subtle.exportKey("spki", rsa.publicKey));
    const ecSpki = new Uint8Array(await crypto.subtle.exportKey("spki", ec.publicKey));
    const check = (publicKey: Uint8Array) =>
      verifySignature({ publicKey, algorithm: signed.algorithm, signature: signed.signature, data: content });
    expect(await check(ecSpki)).toBe(true);
    expect(await check(rsaSpki)).toBe(false);
  });
});

describe("every key type the CA certifies signs through the table", () => {
  let ca: TestCa;
  const certified = new Map<string, CertifiedKey>();
  beforeAll(async () => {
    ca = await testCa();
    for (const type of certifiedKeyTypes) {
      const key = await certifiedKey(ca, type);
      certified.set(key.name, key);
    }
  }, 120_000);

  describe.each(certifiedKeyTypes.map((type) => ({ type, name: keyTypeName(type) })))(
    "$name",
    ({ type, name }) => {
      const oid = expectedSignatureOid(type);
      const key = () => certified.get(name)!;

      it("the CA certified the key, with the signature algorithm the table gives its own key", () => {
        const cert = AsnConvert.parse(key().certificate, Certificate);
        expect(cert.signatureAlgorithm.algorithm).toBe("1.2.840.10045.4.3.3");
        expect(
          publicKeyType(new Uint8Array(AsnConvert.serialize(cert.tbsCertificate.subjectPublicKeyInfo))),
        ).toEqual(type);
        expect(signatureAlgorithmFor(key().keys.privateKey).oid).toBe(oid);
      });

      it("CMS: signs, with the key as generated and as imported from its key file, and verifies", async () => {
        const imported = await importSigningKey(key().pkcs8);
        for (const privateKey of [key().keys.privateKey, imported]) {
          expect(await certificateMatchesKey(key().certificate, privateKey)).toBe(true);
          const signature = await signCms({ content, certificate: key().certificate, privateKey });
          const result = await verifyCms({ signature, content });
          expect(result.content).toEqual(content);
          expect(result.signer).toEqual(key().certificate);

          const signedData = AsnConvert.parse(AsnConvert.parse(signature, ContentInfo).content, SignedData);
          const info = signedData.signerInfos[0]!;
          expect(info.signatureAlgorithm.algorithm).toBe(oid);
          expect(info.digestAlgorithm.algorithm).toBe(
            oid === "1.2.840.10045.4.3.3" ? "2.16.840.1.101.3.4.2.2" : "2.16.840.1.101.3.4.2.1",
          );
          // RFC 5754 §2: digest AlgorithmIdentifiers are written without parameters.
          expect(info.digestAlgorithm.parameters).toBeUndefined();
        }
      });

      it("CMP: a revocation request's signature protection verifies, and fails once changed", async () => {
        const rr = await requestOf((send) =>
          revoke({
            send,
            certificate: key().certificate,
            key: key().keys.privateKey,
            reason: "keyCompromise",
            caCertificate: ca.issuing,
          }),
        );
        const msg = parsePkiMessage(rr);
        expect(msg.bodyType).toBe("rr");
        expect(msg.header.protectionAlg?.algorithm).toBe(oid);
        expect(await verifySignatureProtection(msg, key().certificate)).toBe(true);
        // The protection is the PKIMessage's third element: [0] { BIT STRING }.
        expect(await verifySignatureProtection(parsePkiMessage(flippedIn(rr, [2])), key().certificate)).toBe(
          false,
        );
      });

      it("CMP: a key update signed by the key, its POP by the new key of the same type", async () => {
        const newKeys = (await crypto.subtle.generateKey(generateKeyParams(type), true, [
          "sign",
          "verify",
        ])) as CryptoKeyPair;
        const kur = await requestOf((send) =>
          renew({
            send,
            certificate: key().certificate,
            key: key().keys.privateKey,
            newKeys,
            caCertificate: ca.issuing,
          }),
        );
        const msg = parsePkiMessage(kur);
        expect(msg.bodyType).toBe("kur");
        expect(msg.header.protectionAlg?.algorithm).toBe(oid);
        expect(await verifySignatureProtection(msg, key().certificate)).toBe(true);
        const request = msg.body!.kur![0]!;
        expect(request.popo?.signature?.algorithmIdentifier.algorithm).toBe(oid);
        expect(await verifyPop(request)).toBe(true);
      });

      it("CSR: signed with the key's algorithm, verifies, and fails once changed", async () => {
        const der = await buildCsr({ keys: key().keys, subject });
        expect(await verifyCsr(der)).toBe(true);
        // CertificationRequest ::= SEQUENCE { certificationRequestInfo, signatureAlgorithm, signature }
        const alg = readTlv(der, readTlv(der, readTlv(der, 0)!.contentStart)!.end)!;
        expect(toHex(der.subarray(alg.start, alg.end))).toBe(
          toHex(signatureAlgorithms.find((a) => a.oid === oid)!.identifierDer),
        );
        expect(await verifyCsr(flippedIn(der, [2]))).toBe(false);
      });
    },
  );
});
