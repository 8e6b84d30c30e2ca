import { AsnConvert, BitString, OctetString } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier, AttributeValue, GeneralName } from "@peculiar/asn1-x509";
import * as asn1js from "asn1js";
import { describe, expect, it } from "vitest";
import {
  AttributeTypeAndValue,
  CertId,
  CertReqMessages,
  CertReqMsg,
  id_PasswordBasedMac,
  id_regCtrl_authenticator,
  id_regCtrl_oldCertID,
  id_regCtrl_regToken,
  id_regInfo_utf8Pairs,
  PbmParameter,
  PkiPublicationInfo,
  PopoPrivKey,
  ProofOfPossession,
  SinglePubInfo,
  SubsequentMessage,
} from "../../src/pki/asn1/crmf.ts";
import {
  authenticatorControl,
  buildCertReqMessages,
  buildCertReqMsg,
  findAttribute,
  oldCertIdControl,
  parseCertReqMessages,
  readUtf8Attribute,
  regTokenControl,
  utf8Attribute,
  verifyPop,
} from "../../src/pki/crmf.ts";
import { generateKeyPair } from "../../src/pki/csr.ts";
import { id_randomNum } from "../../src/pki/private-key.ts";
import { personalSubjectName } from "../../src/pki/profile.ts";
import { KeyUsageFlags, KeyUsagesExtension } from "../../src/pki/x509.ts";

const subject = personalSubjectName({
  realName: "홍길동",
  serialHint: "0091041202012345678",
  registrationUnit: "금고협동조합",
  organization: "Geumgo",
});

function der(value: object): Uint8Array {
  return new Uint8Array(AsnConvert.serialize(value));
}

/** A parsed copy, so that tampering leaves the original alone. */
function reparse(msg: CertReqMsg): CertReqMsg {
  return AsnConvert.parse(der(msg), CertReqMsg);
}

/** [class, tag number] of each element of a constructed value, read by asn1js rather than by our declarations. */
function tagsOf(block: asn1js.AsnType): [number, number][] {
  return (block as asn1js.Sequence).valueBlock.value.map((b) => [b.idBlock.tagClass, b.idBlock.tagNumber]);
}

describe("CRMF CertReqMsg", async () => {
  const rsa = await generateKeyPair();
  const random = crypto.getRandomValues(new Uint8Array(20));
  // The NPKI R travels as the CMP layer decides: here as a generic regInfo entry holding a BIT STRING.
  const rEntry = new AttributeTypeAndValue({
    type: id_randomNum,
    value: AsnConvert.serialize(new BitString(random)),
  });
  const full = {
    keys: rsa,
    subject,
    validity: { notBefore: new Date("2026-03-01T00:00:00Z"), notAfter: new Date("2027-03-01T00:00:00Z") },
    extensions: [new KeyUsagesExtension(KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation, true)],
    controls: [regTokenControl("REF-12345678"), authenticatorControl("마법의 문장")],
    regInfo: [utf8Attribute(id_regInfo_utf8Pairs, "certType?bank%"), rEntry],
  };

  it("builds one request (certReqId 0) with the template, controls and regInfo asked for", async () => {
    const messages = await buildCertReqMessages(full);
    expect(messages).toHaveLength(1);
    const msg = messages[0]!;
    expect(msg.certReq.certReqId).toBe(0);
    const template = msg.certReq.certTemplate;
    expect(der(template.subject!)).toEqual(der(subject));
    expect(der(template.publicKey!)).toEqual(
      new Uint8Array(await crypto.subtle.exportKey("spki", rsa.publicKey)),
    );
    expect(template.validity!.notBefore!.getTime()).toEqual(full.validity.notBefore);
    expect(template.validity!.notAfter!.getTime()).toEqual(full.validity.notAfter);
    expect(template.extensions!.map((e) => [e.extnID, e.critical])).toEqual([["2.5.29.15", true]]);
    expect(template.version).toBeUndefined();
    expect(template.serialNumber).toBeUndefined();
    expect(readUtf8Attribute(findAttribute(msg.certReq.controls, id_regCtrl_regToken)!)).toBe("REF-12345678");
    expect(readUtf8Attribute(findAttribute(msg.certReq.controls, id_regCtrl_authenticator)!)).toBe(
      "마법의 문장",
    );
    expect(readUtf8Attribute(findAttribute(msg.regInfo, id_regInfo_utf8Pairs)!)).toBe("certType?bank%");
    const r = AsnConvert.parse(findAttribute(msg.regInfo, id_randomNum)!.value, BitString);
    expect(new Uint8Array(r.value)).toEqual(random);
    expect(msg.popo!.signature!.poposkInput).toBeUndefined();
    expect(msg.popo!.signature!.algorithmIdentifier.algorithm).toBe("1.2.840.113549.1.1.11");
    expect(await verifyPop(msg)).toBe(true);
  });

  it("survives a DER round trip, and verifies after it", async () => {
    const bytes = der(await buildCertReqMessages(full));
    const parsed = parseCertReqMessages(bytes);
    expect(der(parsed)).toEqual(bytes);
    expect(await verifyPop(parsed[0]!)).toBe(true);
  });

  it("uses RFC 4211's tags: implicit for the template's fields, explicit around Name and Time", async () => {
    const bytes = der(await buildCertReqMessages(full));
    const top = asn1js.fromBER(bytes).result as asn1js.Sequence;
    const msg = top.valueBlock.value[0] as asn1js.Sequence;
    expect(tagsOf(msg)).toEqual([
      [1, 16], // certReq SEQUENCE
      [3, 1], // popo: signature [1]
      [1, 16], // regInfo SEQUENCE OF
    ]);
    const certReq = msg.valueBlock.value[0] as asn1js.Sequence;
    expect(tagsOf(certReq)).toEqual([
      [1, 2], // certReqId INTEGER
      [1, 16], // certTemplate
      [1, 16], // controls
    ]);
    const template = certReq.valueBlock.value[1] as asn1js.Sequence;
    expect(tagsOf(template)).toEqual([
      [3, 4], // validity
      [3, 5], // subject
      [3, 6], // publicKey
      [3, 9], // extensions
    ]);
    const [validity, subjectTag, publicKey, extensions] = template.valueBlock.value as asn1js.Constructed[];
    // [4] IMPLICIT OptionalValidity holds [0] and [1], each EXPLICIT around a UTCTime.
    expect(tagsOf(validity!)).toEqual([
      [3, 0],
      [3, 1],
    ]);
    expect(tagsOf(validity!.valueBlock.value[0] as asn1js.Constructed)).toEqual([[1, 23]]);
    // [5] EXPLICIT Name holds the RDNSequence.
    expect(tagsOf(subjectTag!)).toEqual([[1, 16]]);
    // [6] IMPLICIT SubjectPublicKeyInfo holds the algorithm and the BIT STRING directly.
    expect(tagsOf(publicKey!)).toEqual([
      [1, 16],
      [1, 3],
    ]);
    // [9] IMPLICIT Extensions holds the Extension SEQUENCEs directly.
    expect(tagsOf(extensions!)).toEqual([[1, 16]]);
    // [1] IMPLICIT POPOSigningKey holds the algorithm and the signature.
    expect(tagsOf(msg.valueBlock.value[1] as asn1js.Constructed)).toEqual([
      [1, 16],
      [1, 3],
    ]);
  });

  it("a changed subject, control, key or signature fails the POP; regInfo is outside it", async () => {
    const msg = await buildCertReqMsg(full);

    const renamed = reparse(msg);
    renamed.certReq.certTemplate.subject![4]![0]!.value = new AttributeValue({ utf8String: "김철수()1" });
    expect(await verifyPop(renamed)).toBe(false);

    const newToken = reparse(msg);
    newToken.certReq.controls![0] = regTokenControl("REF-12345679");
    expect(await verifyPop(newToken)).toBe(false);

    const otherKey = reparse(msg);
    const other = await generateKeyPair();
    otherKey.certReq.certTemplate.publicKey = (
      await buildCertReqMsg({ ...full, keys: other })
    ).certReq.certTemplate.publicKey;
    expect(await verifyPop(otherKey)).toBe(false);

    const badSignature = reparse(msg);
    const sig = new Uint8Array(badSignature.popo!.signature!.signature.value);
    sig[10]! ^= 0x01;
    badSignature.popo!.signature!.signature = new BitString(sig);
    expect(await verifyPop(badSignature)).toBe(false);

    const newRegInfo = reparse(msg);
    newRegInfo.regInfo = [utf8Attribute(id_regInfo_utf8Pairs, "certType?universal%")];
    expect(await verifyPop(newRegInfo)).toBe(true);
  });

  it("ECDSA P-256: ecdsa-with-SHA256 in DER form, verified and refused like RSA", async () => {
    const ec = await generateKeyPair({ algorithm: "EC" });
    const msg = await buildCertReqMsg({ keys: ec, subject });
    expect(msg.popo!.signature!.algorithmIdentifier.algorithm).toBe("1.2.840.10045.4.3.2");
    const sig = new Uint8Array(msg.popo!.signature!.signature.value);
    expect(sig[0]).toBe(0x30); // Ecdsa-Sig-Value, not WebCrypto's r || s
    expect(await verifyPop(reparse(msg))).toBe(true);
    const tampered = reparse(msg);
    tampered.certReq.certReqId = 1;
    expect(await verifyPop(tampered)).toBe(false);
    // An RSA signature algorithm over an EC key cannot be right.
    const mislabelled = reparse(msg);
    mislabelled.popo!.signature!.algorithmIdentifier = new AlgorithmIdentifier({
      algorithm: "1.2.840.113549.1.1.11",
      parameters: null,
    });
    expect(await verifyPop(mislabelled)).toBe(false);
  });

  it("without a subject, POPOSigningKeyInput names the sender and the key, and is what is signed", async () => {
    const sender = new GeneralName({ directoryName: subject });
    const msg = await buildCertReqMsg({ keys: rsa, popoSender: sender });
    const input = msg.popo!.signature!.poposkInput!;
    expect(der(input.authInfo.sender!)).toEqual(der(sender));
    expect(der(input.publicKey)).toEqual(der(msg.certReq.certTemplate.publicKey!));
    expect(await verifyPop(reparse(msg))).toBe(true);

    const otherKey = reparse(msg);
    otherKey.popo!.signature!.poposkInput!.publicKey = (
      await buildCertReqMsg({ keys: await generateKeyPair({ algorithm: "EC" }), subject })
    ).certReq.certTemplate.publicKey!;
    expect(await verifyPop(otherKey)).toBe(false);

    // Dropping poposkInput leaves a signature over the wrong bytes and a template without a subject.
    const dropped = reparse(msg);
    dropped.popo!.signature!.poposkInput = undefined;
    expect(await verifyPop(dropped)).toBe(false);

    await expect(buildCertReqMsg({ keys: rsa })).rejects.toThrow(TypeError);
  });

  it("no POP, or raVerified, is not a proof; SHA-1 is not accepted", async () => {
    const msg = await buildCertReqMsg(full);
    const none = reparse(msg);
    none.popo = undefined;
    expect(await verifyPop(none)).toBe(false);
    const ra = reparse(msg);
    ra.popo = new ProofOfPossession({ raVerified: null });
    expect(der(ra.popo)).toEqual(Uint8Array.from([0x80, 0x00]));
    expect(await verifyPop(AsnConvert.parse(der(ra), CertReqMsg))).toBe(false);
    const sha1 = reparse(msg);
    sha1.popo!.signature!.algorithmIdentifier = new AlgorithmIdentifier({
      algorithm: "1.2.840.113549.1.1.5",
      parameters: null,
    });
    await expect(verifyPop(sha1)).rejects.toMatchObject({ code: "unsupported_algorithm" });
  });

  it("refuses bytes that are not DER CertReqMessages", async () => {
    const bytes = der(await buildCertReqMessages(full));
    for (const bad of [
      new Uint8Array([0x30, 0x00]),
      new Uint8Array([0x04, 0x01, 0x00]),
      Uint8Array.from([...bytes, 0]),
    ]) {
      expect(() => parseCertReqMessages(bad)).toThrow(expect.objectContaining({ code: "malformed" }));
    }
    expect(() => readUtf8Attribute(rEntry)).toThrow(expect.objectContaining({ code: "malformed" }));
  });

  it("oldCertID names the certificate a key update replaces", () => {
    const control = oldCertIdControl({ issuer: subject, serialNumber: Uint8Array.from([0x45, 0x9c, 0x75]) });
    expect(control.type).toBe(id_regCtrl_oldCertID);
    const id = AsnConvert.parse(control.value, CertId);
    expect(der(id.issuer.directoryName!)).toEqual(der(subject));
    expect(new Uint8Array(id.serialNumber)).toEqual(Uint8Array.from([0x45, 0x9c, 0x75]));
  });

  it("the structures CMP will need later round-trip through DER", () => {
    const values: [object, new () => object][] = [
      [
        new ProofOfPossession({
          keyEncipherment: new PopoPrivKey({ subsequentMessage: SubsequentMessage.encrCert }),
        }),
        ProofOfPossession,
      ],
      [
        new ProofOfPossession({
          keyAgreement: new PopoPrivKey({ thisMessage: new BitString(new Uint8Array([1])) }),
        }),
        ProofOfPossession,
      ],
      [
        new PbmParameter({
          salt: new OctetString(new Uint8Array(16)),
          owf: new AlgorithmIdentifier({ algorithm: "2.16.840.1.101.3.4.2.1" }),
          iterationCount: 10_000,
          mac: new AlgorithmIdentifier({ algorithm: "1.2.840.113549.2.9" }),
        }),
        PbmParameter,
      ],
      [
        new PkiPublicationInfo({
          action: 1,
          pubInfos: [
            new SinglePubInfo({
              pubMethod: 2,
              pubLocation: new GeneralName({ uniformResourceIdentifier: "https://x" }),
            }),
          ],
        }),
        PkiPublicationInfo,
      ],
      [new CertReqMessages([new CertReqMsg()]), CertReqMessages],
    ];
    for (const [value, type] of values) {
      const bytes = der(value);
      expect(der(AsnConvert.parse(bytes, type))).toEqual(bytes);
    }
    // keyEncipherment [2] is explicit (POPOPrivKey is a CHOICE) around subsequentMessage [1] IMPLICIT INTEGER 0.
    expect(der(values[0]![0])).toEqual(Uint8Array.from([0xa2, 0x03, 0x81, 0x01, 0x00]));
    expect(id_PasswordBasedMac).toBe("1.2.840.113533.7.66.13");
  });
});
