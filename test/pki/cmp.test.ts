// CMP messages and their protections (RFC 4210 §5.1.3), in Node and in the browser: written,
// read back with the exact bytes protected, MACs and signatures checked, tampering caught.

import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier, Certificate } from "@peculiar/asn1-x509";
import { describe, expect, it } from "vitest";
import {
  CertifiedKeyPair,
  CertOrEncCert,
  CertRepMessage,
  CertResponse,
  PkiBody,
  PkiFreeText,
  PkiHeader,
} from "../../src/pki/asn1/cmp.ts";
import { CertReqMessages, id_PasswordBasedMac } from "../../src/pki/asn1/crmf.ts";
import { toArrayBuffer, toHex } from "../../src/pki/bytes.ts";
import {
  buildPkiMessage,
  bytesOf,
  certRepBody,
  directoryName,
  parsePkiMessage,
  pkiConfBody,
  verifySignatureProtection,
} from "../../src/pki/cmp.ts";
import {
  newPbmParameter,
  pbmAlgorithm,
  pbmIterationsMax,
  pbmKey,
  readPbmParameter,
  verifyMacProtection,
} from "../../src/pki/cmp-pbm.ts";
import { failureInfo, readFailureInfo, statusInfo } from "../../src/pki/cmp-status.ts";
import { buildCertReqMsg } from "../../src/pki/crmf.ts";
import { generateKeyPair } from "../../src/pki/csr.ts";
import { readTlv, tlv } from "../../src/pki/der.ts";
import { openVidRandom, sealVidRandom } from "../../src/pki/vid-transport.ts";
import { testCa } from "../support/test-ca.ts";

const utf8 = (s: string) => new TextEncoder().encode(s);
const header = () => ({
  sender: directoryName(),
  recipient: directoryName(),
  transactionID: crypto.getRandomValues(new Uint8Array(16)),
  senderNonce: crypto.getRandomValues(new Uint8Array(16)),
  senderKID: utf8("1234567890"),
  messageTime: new Date(),
});

describe("CMP messages", () => {
  it("MAC-protects an ir that reads back, verifies under the code, and fails under another or when changed", async () => {
    const keys = await generateKeyPair({ algorithm: "EC" });
    const body = new PkiBody({
      ir: new CertReqMessages([await buildCertReqMsg({ keys, popoSender: directoryName() })]),
    });
    const key = await pbmKey(utf8("4821937510462281"), newPbmParameter(1000));
    const der = await buildPkiMessage(header(), body, { kind: "mac", key });
    const msg = parsePkiMessage(der);
    expect(msg.bodyType).toBe("ir");
    expect(msg.body?.ir?.length).toBe(1);
    const params = readPbmParameter(msg.header.protectionAlg!);
    expect(params.iterationCount).toBe(1000);
    expect(await verifyMacProtection(msg, await pbmKey(utf8("4821937510462281"), params))).toBe(true);
    expect(await verifyMacProtection(msg, await pbmKey(utf8("4821937510462282"), params))).toBe(false);
    const tampered = der.slice();
    const at = tampered.indexOf(0x31, 20); // somewhere inside the header
    tampered[at + 3] = (tampered[at + 3] ?? 0) ^ 1;
    const changed = (() => {
      try {
        return parsePkiMessage(tampered);
      } catch {
        return undefined;
      }
    })();
    if (changed)
      expect(await verifyMacProtection(changed, await pbmKey(utf8("4821937510462281"), params))).toBe(false);
  });

  it("signs a message with a certificate's key, and only that certificate verifies it", async () => {
    const ca = await testCa();
    const der = await buildPkiMessage(header(), new PkiBody({ pkiconf: null }), {
      kind: "signature",
      key: ca.issuingKeys.privateKey,
      certificates: [ca.issuing],
    });
    const msg = parsePkiMessage(der);
    expect(msg.bodyType).toBe("pkiconf");
    expect(msg.extraCerts).toEqual([ca.issuing]);
    expect(await verifySignatureProtection(msg, ca.issuing)).toBe(true);
    expect(await verifySignatureProtection(msg, ca.root)).toBe(false);
  });

  // The header and the CA's answers are written as DER by hand; asn1-schema, from the declarations
  // in asn1/cmp.ts, is the reference they must match byte for byte.
  it("writes the header, ip/cp/kup and pkiconf as asn1-schema writes them from the declarations", async () => {
    const ca = await testCa();
    const key = await pbmKey(utf8("4821937510462281"), newPbmParameter(100));
    const sender = directoryName(AsnConvert.parse(ca.issuing, Certificate).tbsCertificate.subject);
    const fields = {
      ...header(),
      sender,
      recipNonce: crypto.getRandomValues(new Uint8Array(16)),
      messageTime: new Date(Date.UTC(2026, 11, 4, 9, 5, 7, 0)),
      freeText: ["첫째", "second"],
    };
    const body = (certReqId: number, status: number, caPubs?: Uint8Array[]) =>
      new PkiBody({
        ip: new CertRepMessage({
          caPubs: caPubs?.map(toArrayBuffer),
          response: [
            new CertResponse({
              certReqId,
              status: statusInfo(status),
              certifiedKeyPair: new CertifiedKeyPair({
                certOrEncCert: new CertOrEncCert({ certificate: toArrayBuffer(ca.issuing) }),
              }),
            }),
          ],
        }),
      });
    const written = parsePkiMessage(
      await buildPkiMessage(fields, new PkiBody({ pkiconf: null }), { kind: "mac", key }),
    );
    const expected = new PkiHeader({
      pvno: 2,
      sender,
      recipient: fields.recipient,
      messageTime: fields.messageTime,
      protectionAlg: pbmAlgorithm(key.params),
      senderKID: new OctetString(fields.senderKID),
      transactionID: new OctetString(fields.transactionID),
      senderNonce: new OctetString(fields.senderNonce),
      recipNonce: new OctetString(fields.recipNonce),
      freeText: new PkiFreeText(fields.freeText),
    });
    const headerOf = (m: typeof written) => {
      const outer = readTlv(m.der, 0)!;
      const h = readTlv(m.der, outer.contentStart)!;
      return toHex(m.der.subarray(h.start, h.end));
    };
    expect(headerOf(written)).toBe(toHex(new Uint8Array(AsnConvert.serialize(expected))));
    // Read back, by hand without freeText and through asn1-schema with it: the same header again.
    const plain = parsePkiMessage(
      await buildPkiMessage({ ...fields, freeText: undefined }, pkiConfBody, { kind: "mac", key }),
    );
    for (const m of [written, plain]) {
      expect(toHex(new Uint8Array(AsnConvert.serialize(m.header)))).toBe(headerOf(m));
    }
    expect(plain.header.messageTime).toEqual(fields.messageTime);
    expect(bytesOf(plain.header.recipNonce)).toEqual(fields.recipNonce);
    expect(readPbmParameter(plain.header.protectionAlg!).iterationCount).toBe(100);
    expect(toHex(written.senderDer)).toBe(toHex(new Uint8Array(AsnConvert.serialize(sender))));
    expect(toHex(pkiConfBody)).toBe(
      toHex(new Uint8Array(AsnConvert.serialize(new PkiBody({ pkiconf: null })))),
    );
    for (const [id, status, caPubs] of [
      [0, 0, [ca.root]],
      [0, 1, undefined],
      [-1, 0, []],
      [300, 0, undefined], // outside one octet: written through asn1-schema
    ] as const) {
      const ours = certRepBody("ip", {
        certReqId: id,
        status,
        certificate: ca.issuing,
        caPubs: caPubs && [...caPubs],
      });
      const reference = body(id, status, caPubs?.length ? [...caPubs] : undefined);
      expect(toHex(ours)).toBe(toHex(new Uint8Array(AsnConvert.serialize(reference))));
      // Read back (off the DER for these plain shapes): the same body again.
      const read = parsePkiMessage(await buildPkiMessage(fields, ours, { kind: "mac", key }));
      expect(read.body?.ip?.response[0]?.certReqId).toBe(id);
      expect(toHex(new Uint8Array(AsnConvert.serialize(read.body!)))).toBe(toHex(ours));
    }
    // A response with more in it (a refusal's text and failInfo, no certificate) is read whole.
    const refused = new PkiBody({
      ip: new CertRepMessage({
        response: [new CertResponse({ certReqId: 0, status: statusInfo(2, ["badPOP"], "no") })],
      }),
    });
    const read = parsePkiMessage(await buildPkiMessage(fields, refused, { kind: "mac", key }));
    const st = read.body?.ip?.response[0]?.status;
    expect([st?.status, readFailureInfo(st?.failInfo), st?.statusString?.[0]]).toEqual([2, ["badPOP"], "no"]);
    expect(read.body?.ip?.response[0]?.certifiedKeyPair).toBeUndefined();
    expect(parsePkiMessage(await buildPkiMessage(fields, pkiConfBody, { kind: "mac", key })).bodyType).toBe(
      "pkiconf",
    );
    const kup = parsePkiMessage(
      await buildPkiMessage(
        fields,
        certRepBody("kup", { certReqId: 0, status: 0, certificate: ca.issuing }),
        {
          kind: "mac",
          key,
        },
      ),
    );
    expect(kup.bodyType).toBe("kup");
    expect(new Uint8Array(kup.body!.kup!.response[0]!.certifiedKeyPair!.certOrEncCert.certificate!)).toEqual(
      ca.issuing,
    );
  });

  it("reads the header's names when asked for, and a malformed one is malformed then", async () => {
    const key = await pbmKey(utf8("4821937510462281"), newPbmParameter(100));
    const notAName = Uint8Array.of(0xa4, 0x03, 0x02, 0x01, 0x00); // [4] around an INTEGER
    const msg = parsePkiMessage(
      await buildPkiMessage({ ...header(), sender: notAName }, pkiConfBody, { kind: "mac", key }),
    );
    expect(msg.bodyType).toBe("pkiconf");
    expect(msg.senderDer).toEqual(notAName);
    expect(() => msg.header.sender).toThrow(expect.objectContaining({ code: "malformed" }));
    expect(msg.header.recipient.directoryName).toBeDefined();
  });

  it("refuses a header in BER (a long-form length where DER has a short one) as malformed", async () => {
    const key = await pbmKey(utf8("4821937510462281"), newPbmParameter(100));
    const der = await buildPkiMessage(header(), pkiConfBody, { kind: "mac", key });
    const outer = readTlv(der, 0)!;
    const h = readTlv(der, outer.contentStart)!;
    const pvno = readTlv(der, h.contentStart)!;
    expect([...der.subarray(pvno.start, pvno.end)]).toEqual([0x02, 0x01, 0x02]);
    const ber = tlv(
      0x30,
      tlv(0x30, Uint8Array.of(0x02, 0x81, 0x01, 0x02), der.subarray(pvno.end, h.end)),
      der.subarray(h.end, outer.end),
    );
    expect(() => parsePkiMessage(ber)).toThrow(expect.objectContaining({ code: "malformed" }));
  });

  it("refuses PBM parameters out of bounds before hashing anything", () => {
    const tooMany = newPbmParameter(pbmIterationsMax + 1);
    expect(() => readPbmParameter(pbmAlgorithm(tooMany))).toThrowError(/iteration count/);
    expect(() => readPbmParameter(pbmAlgorithm(newPbmParameter(99)))).toThrow(
      expect.objectContaining({ code: "bad_parameters" }),
    );
  });

  it("refuses PBM owf and mac parameters other than absent or NULL (they would size the parameters)", () => {
    const nul = new Uint8Array([5, 0]).buffer;
    for (const [owf, mac] of [
      [undefined, null],
      [nul, undefined],
    ] as const) {
      const p = newPbmParameter(100);
      p.owf.parameters = owf;
      p.mac.parameters = mac;
      expect(readPbmParameter(pbmAlgorithm(p)).iterationCount).toBe(100);
    }
    // The schema reader alone would take a PBMParameter followed by anything, one with an element
    // after `mac`, and BER lengths.
    const der = new Uint8Array(AsnConvert.serialize(newPbmParameter(100)));
    const seq = readTlv(der, 0)!;
    const content = der.subarray(seq.contentStart);
    const salt = readTlv(der, seq.contentStart)!;
    expect(salt.tag).toBe(0x04);
    const trailing = new Uint8Array(der.length + 1000);
    trailing.set(der);
    for (const bad of [
      trailing,
      tlv(0x30, content, tlv(0x04, new Uint8Array(1000))),
      tlv(0x30, Uint8Array.of(0x04, 0x81, salt.end - salt.contentStart), der.subarray(salt.contentStart)),
    ]) {
      const alg = new AlgorithmIdentifier({ algorithm: id_PasswordBasedMac, parameters: toArrayBuffer(bad) });
      expect(() => readPbmParameter(alg)).toThrow(expect.objectContaining({ code: "malformed" }));
    }
    const big = new Uint8Array(60_000 + 4);
    big.set([0x04, 0x82, 0xea, 0x60]); // OCTET STRING of 60,000 bytes
    for (const where of ["owf", "mac"] as const) {
      const p = newPbmParameter(100);
      p[where].parameters = big.buffer;
      expect(() => readPbmParameter(pbmAlgorithm(p))).toThrow(
        expect.objectContaining({ code: "bad_parameters" }),
      );
    }
  });

  it("writes PKIFailureInfo as a DER named-bit list and reads it back", () => {
    const bits = failureInfo("badPOP");
    expect(new Uint8Array(bits.value)).toEqual(Uint8Array.of(0x00, 0x40));
    expect(bits.unusedBits).toBe(6);
    expect(readFailureInfo(bits)).toEqual(["badPOP"]);
    expect(readFailureInfo(failureInfo("badAlg", "notAuthorized"))).toEqual(["badAlg", "notAuthorized"]);
  });

  it("refuses what is not one whole DER PKIMessage", () => {
    for (const bad of [
      new Uint8Array(0),
      Uint8Array.of(0x30, 0x80, 0, 0),
      Uint8Array.of(0x30, 0x05, 0x30, 0x00),
    ]) {
      expect(() => parsePkiMessage(bad)).toThrowError(/PKIMessage/);
    }
    expect(readTlv(Uint8Array.of(0x04, 0x81, 0x05, 1, 2, 3, 4, 5), 0), "non-minimal length").toBeUndefined();
    expect(readTlv(Uint8Array.of(0x04, 0x03, 1, 2), 0), "truncated").toBeUndefined();
    expect(readTlv(Uint8Array.of(0x04, 0x02, 1, 2), 0)).toEqual({
      tag: 4,
      start: 0,
      contentStart: 2,
      end: 4,
    });
  });

  it("seals R for the CA: it opens under the same code, reference and transaction only", async () => {
    const random = crypto.getRandomValues(new Uint8Array(20));
    const o = {
      authorizationCode: "4821937510462281",
      referenceNumber: "1234567890",
      transactionId: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8),
    };
    const entry = await sealVidRandom({ random, ...o });
    expect(await openVidRandom(entry, o)).toEqual(random);
    await expect(openVidRandom(entry, { ...o, authorizationCode: "4821937510462282" })).rejects.toThrow();
    await expect(openVidRandom(entry, { ...o, referenceNumber: "1234567891" })).rejects.toThrow();
    await expect(
      openVidRandom(entry, { ...o, transactionId: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 9) }),
    ).rejects.toThrow();
  });
});
