// The CMP server's PBM keys, apart from the exchanges that cmp-client.test.ts and
// cmp-openssl.test.ts drive: the PBM's rounds through Node's hash.
import { AlgorithmIdentifier } from "@peculiar/asn1-x509";
import { describe, expect, it } from "vitest";
import { nodeDigest } from "../../src/ca/pbm-keys.ts";
import { newPbmParameter, type PbmKey, pbmKey } from "../../src/pki/cmp-pbm.ts";

describe("the CMP server's PBM", () => {
  it("derives the same PBM key through Node's hash (the server's) as through @noble/hashes", async () => {
    const secret = new TextEncoder().encode("4821937510462281");
    const data = crypto.getRandomValues(new Uint8Array(64));
    for (const owf of [
      "1.3.14.3.2.26",
      "2.16.840.1.101.3.4.2.1",
      "2.16.840.1.101.3.4.2.2",
      "2.16.840.1.101.3.4.2.3",
    ]) {
      const params = newPbmParameter(100);
      params.owf = new AlgorithmIdentifier({ algorithm: owf });
      const mac = async (k: PbmKey) => new Uint8Array(await crypto.subtle.sign("HMAC", k.hmacKey, data));
      const noble = await mac(await pbmKey(secret, params));
      expect(await mac(await pbmKey(secret, params, crypto, nodeDigest)), owf).toEqual(noble);
      params.iterationCount = 101;
      expect(await mac(await pbmKey(secret, params, crypto, nodeDigest)), owf).not.toEqual(noble);
    }
  });
});
