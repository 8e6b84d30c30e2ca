// Our CMP client against a CA that errs: an ip under the right MAC whose certificate is not of the
// key the client asked for, or whose CA certificates are none. The client must tell the CA it
// rejects it (certConf with status rejection, incorrectData) and must not hand it back. The CA here is the
// test's own few lines over src/pki: the real one never sends such an answer (test/ca covers it).
import { describe, expect, it } from "vitest";
import { PkiStatus } from "../../src/pki/asn1/cmp.ts";
import {
  buildPkiMessage,
  bytesOf,
  type CmpMessage,
  certRepBody,
  parsePkiMessage,
  pkiConfBody,
} from "../../src/pki/cmp.ts";
import { enrol } from "../../src/pki/cmp-client.ts";
import { pbmKey, readPbmParameter } from "../../src/pki/cmp-pbm.ts";
import { readFailureInfo } from "../../src/pki/cmp-status.ts";
import { generateKeyPair } from "../../src/pki/csr.ts";
import { testCa } from "../support/test-ca.ts";

const code = "4821937510462281";

/** Answers an ir with an ip carrying `certificate`, and a certConf with pkiconf; keeps the certConfs. */
function erringCa(certificate: Uint8Array, root: Uint8Array) {
  const certConfs: CmpMessage[] = [];
  const send = async (der: Uint8Array) => {
    const req = parsePkiMessage(der);
    const h = req.header;
    const key = await pbmKey(new TextEncoder().encode(code), readPbmParameter(h.protectionAlg!));
    const fields = {
      sender: h.recipient,
      recipient: h.sender,
      transactionID: bytesOf(h.transactionID)!,
      senderNonce: crypto.getRandomValues(new Uint8Array(16)),
      recipNonce: bytesOf(h.senderNonce),
      senderKID: bytesOf(h.senderKID),
    };
    if (req.bodyType === "certConf") certConfs.push(req);
    const body =
      req.bodyType === "ir"
        ? certRepBody("ip", { certReqId: 0, status: PkiStatus.accepted, certificate, caPubs: [root] })
        : pkiConfBody;
    return buildPkiMessage(fields, body, { kind: "mac", key });
  };
  return { send, certConfs };
}

describe("our CMP client, answered by a CA that errs", () => {
  const notACertificate = Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x00);

  async function refusedWith(send: (der: Uint8Array) => Promise<Uint8Array>, keys: CryptoKeyPair) {
    await expect(
      enrol({ send, referenceNumber: "1234567890", authorizationCode: code, keys, iterations: 100 }),
    ).rejects.toThrow(expect.objectContaining({ code: "malformed" }));
  }

  function expectRejected(certConfs: CmpMessage[]) {
    expect(certConfs).toHaveLength(1);
    const st = certConfs[0]!.body!.certConf![0]!.statusInfo;
    expect(st?.status).toBe(PkiStatus.rejection);
    expect(readFailureInfo(st?.failInfo)).toEqual(["incorrectData"]);
  }

  it("rejects a certificate of another key, tells the CA so, and returns nothing", async () => {
    const ca = await testCa();
    const { send, certConfs } = erringCa(ca.issuing, ca.root);
    await refusedWith(send, await generateKeyPair({ algorithm: "EC" }));
    expectRejected(certConfs);
  });

  it("rejects its own key's certificate when the CA certificates sent with it are none", async () => {
    const ca = await testCa();
    // The issuing CA's own key pair stands in for a member's: its certificate certifies that key.
    const { send, certConfs } = erringCa(ca.issuing, notACertificate);
    await refusedWith(send, ca.issuingKeys);
    expectRejected(certConfs);
  });

  it("accepts its own key's certificate with certificates beside it (the check can pass)", async () => {
    const ca = await testCa();
    const { send, certConfs } = erringCa(ca.issuing, ca.root);
    const got = await enrol({
      send,
      referenceNumber: "1234567890",
      authorizationCode: code,
      keys: ca.issuingKeys,
      iterations: 100,
    });
    expect(got.certificate).toEqual(ca.issuing);
    expect(got.caCertificates).toEqual([ca.root]);
    expect(certConfs[0]!.body!.certConf![0]!.statusInfo).toBeUndefined();
  });
});
