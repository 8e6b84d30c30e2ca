// VIDs checked against OpenSSL's digests over a HashContent DER laid out by hand here, so that
// neither our ASN.1 encoding nor our hashing judges itself (SHA-1 VIDs have no published vector).
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { toHex } from "../../src/pki/bytes.ts";
import { computeVid } from "../../src/pki/vid.ts";
import { keyVectors, vectorRrn } from "./npki-vectors.ts";

function opensslDigest(alg: string, data: Uint8Array): Buffer {
  return execFileSync("openssl", ["dgst", `-${alg}`, "-binary"], { input: data });
}

/** SEQUENCE { PrintableString(13 digits), BIT STRING(0 unused bits, 20-byte R) }. */
function hashContentDer(rrn: string, random: Uint8Array): Uint8Array {
  const idn = Buffer.from(rrn, "ascii");
  const body = Buffer.concat([
    Buffer.from([0x13, idn.length]),
    idn,
    Buffer.from([0x03, random.length + 1, 0]),
    random,
  ]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

describe("VID against OpenSSL", () => {
  for (const alg of ["sha1", "sha256"] as const) {
    it(`${alg}: H(H(DER)) for every vector's R`, async () => {
      for (const v of keyVectors) {
        const der = hashContentDer(vectorRrn, v.random);
        const expected = opensslDigest(alg, opensslDigest(alg, der));
        const ours = await computeVid({ rrn: vectorRrn, random: v.random, hash: alg });
        expect(toHex(ours)).toBe(expected.toString("hex"));
      }
    });
  }
});
