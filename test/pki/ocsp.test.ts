import {
  BasicOCSPResponse,
  CertID,
  OCSPRequest,
  OCSPResponse,
  Request,
  TBSRequest,
} from "@peculiar/asn1-ocsp";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier, Extension } from "@peculiar/asn1-x509";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex } from "../../src/pki/bytes.ts";
import {
  buildOcspResponse,
  certIdMatchesIssuer,
  issuerHashes,
  ocspErrorResponse,
  parseOcspRequest,
  parseOcspRequestWithSchema,
  readPlainOcspRequest,
} from "../../src/pki/ocsp.ts";
import { testCa } from "../support/test-ca.ts";

interface Id {
  nameHash: Uint8Array;
  keyHash: Uint8Array;
  serial: Uint8Array;
  sha256?: boolean;
  /** Leave the hash algorithm's NULL parameters out (allowed, and some clients do). */
  noParameters?: boolean;
}

function request(ids: Id[], nonce?: Uint8Array): Uint8Array {
  const req = new OCSPRequest({
    tbsRequest: new TBSRequest({
      ...(nonce
        ? {
            requestExtensions: [
              new Extension({ extnID: "1.3.6.1.5.5.7.48.1.2", extnValue: new OctetString(nonce) }),
            ],
          }
        : {}),
      requestList: ids.map(
        (i) =>
          new Request({
            reqCert: new CertID({
              hashAlgorithm: new AlgorithmIdentifier({
                algorithm: i.sha256 ? "2.16.840.1.101.3.4.2.1" : "1.3.14.3.2.26",
                ...(i.noParameters ? {} : { parameters: null }),
              }),
              issuerNameHash: new OctetString(i.nameHash),
              issuerKeyHash: new OctetString(i.keyHash),
              serialNumber: i.serial.slice().buffer,
            }),
          }),
      ),
    }),
  });
  return new Uint8Array(AsnConvert.serialize(req));
}

describe("OCSP", () => {
  it("parses a request, answers it, and the answer names the same certificate", async () => {
    const ca = await testCa();
    const h = await issuerHashes(ca.issuing, "SHA-1");
    const serial = fromHex("00c41b2c3d4e5f60718293a4b5c6d7e8f9");
    const parsed = parseOcspRequest(
      request([{ nameHash: h.issuerNameHash, keyHash: h.issuerKeyHash, serial }]),
    );
    expect(parsed.certIds[0]!.serialNumber).toEqual(serial.subarray(1));
    expect(await certIdMatchesIssuer(parsed.certIds[0]!, ca.issuing)).toBe(true);
    const now = new Date("2026-11-25T00:00:00Z");
    const der = await buildOcspResponse({
      responder: { certificate: ca.issuing, privateKey: ca.issuingKeys.privateKey, algorithm: "P-384" },
      producedAt: now,
      answers: [
        {
          certId: parsed.certIds[0]!,
          status: { status: "good" },
          thisUpdate: now,
          nextUpdate: new Date(now.getTime() + 3_600_000),
        },
      ],
    });
    const outer = AsnConvert.parse(der, OCSPResponse);
    expect(outer.responseStatus).toBe(0);
    const basic = AsnConvert.parse(outer.responseBytes!.response, BasicOCSPResponse);
    const single = basic.tbsResponseData.responses[0]!;
    expect(single.certStatus.good).toBeNull();
    expect(new Uint8Array(single.certID.serialNumber)).toEqual(serial);
  });

  it("refuses requests for too many certificates, and writes bare error responses", async () => {
    const ca = await testCa();
    const h = await issuerHashes(ca.issuing, "SHA-1");
    const ids = Array.from({ length: 21 }, (_, i) => ({
      nameHash: h.issuerNameHash,
      keyHash: h.issuerKeyHash,
      serial: Uint8Array.of(i + 1),
    }));
    expect(() => parseOcspRequest(request(ids))).toThrow(expect.objectContaining({ code: "bad_parameters" }));
    expect(AsnConvert.parse(ocspErrorResponse("tryLater"), OCSPResponse)).toMatchObject({
      responseStatus: 3,
    });
  });

  describe("the plain RFC 5019 request read off the DER", () => {
    const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
    const id = fc.record({
      nameHash: bytes(0, 40),
      keyHash: bytes(0, 40),
      // Any INTEGER content the schema writer makes from these bytes, leading zeros and all.
      serial: bytes(1, 24),
      sha256: fc.boolean(),
      noParameters: fc.boolean(),
    });

    it("reads what the schema reader reads, for any one CertID", () => {
      fc.assert(
        fc.property(id, (i) => {
          const der = request([i]);
          const plain = readPlainOcspRequest(der);
          const full = parseOcspRequestWithSchema(der);
          // Non-minimal or negative serials are left to the schema reader; all else is read here.
          if (plain === undefined) {
            expect(i.serial[0]! & 0x80 || (i.serial[0] === 0 && i.serial.length > 1)).toBeTruthy();
          } else {
            expect(plain).toEqual(full.certIds[0]);
          }
          expect(parseOcspRequest(der)).toEqual(full);
        }),
      );
    });

    it("leaves requests with a nonce or several CertIDs to the schema reader", () => {
      const one = { nameHash: new Uint8Array(20), keyHash: new Uint8Array(20), serial: Uint8Array.of(1) };
      const withNonce = request([one], Uint8Array.of(1, 2, 3, 4));
      expect(readPlainOcspRequest(withNonce)).toBeUndefined();
      expect(parseOcspRequest(withNonce).nonce).toEqual(Uint8Array.of(1, 2, 3, 4));
      const two = request([one, { ...one, serial: Uint8Array.of(2) }]);
      expect(readPlainOcspRequest(two)).toBeUndefined();
      expect(parseOcspRequest(two).certIds.map((c) => c.serialNumber)).toEqual([
        Uint8Array.of(1),
        Uint8Array.of(2),
      ]);
    });

    it("never reads a damaged request differently from the schema reader", () => {
      const valid = request([
        {
          nameHash: new Uint8Array(20).fill(7),
          keyHash: new Uint8Array(20).fill(9),
          serial: Uint8Array.of(0x41, 2, 3),
        },
      ]);
      fc.assert(
        fc.property(
          fc.nat(valid.length - 1),
          fc.integer({ min: 0, max: 255 }),
          fc.nat(valid.length),
          (at, value, keep) => {
            const der = valid.slice(0, Math.max(1, keep));
            if (at < der.length) der[at] = value;
            const plain = readPlainOcspRequest(der);
            if (plain === undefined) return;
            // Whatever the fast reader takes, the schema reader takes the same way.
            expect(parseOcspRequestWithSchema(der).certIds).toEqual([plain]);
          },
        ),
        { numRuns: 2000 },
      );
    });
  });
});
