import {
  BasicOCSPResponse,
  CertID,
  OCSPRequest,
  OCSPResponse,
  Request,
  TBSRequest,
} from "@peculiar/asn1-ocsp";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier } from "@peculiar/asn1-x509";
import { describe, expect, it } from "vitest";
import { fromHex } from "../../src/pki/bytes.ts";
import {
  buildOcspResponse,
  certIdMatchesIssuer,
  issuerHashes,
  ocspErrorResponse,
  parseOcspRequest,
} from "../../src/pki/ocsp.ts";
import { testCa } from "../support/test-ca.ts";

function request(ids: { nameHash: Uint8Array; keyHash: Uint8Array; serial: Uint8Array }[]): Uint8Array {
  const req = new OCSPRequest({
    tbsRequest: new TBSRequest({
      requestList: ids.map(
        (i) =>
          new Request({
            reqCert: new CertID({
              hashAlgorithm: new AlgorithmIdentifier({ algorithm: "1.3.14.3.2.26", parameters: null }),
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
});
