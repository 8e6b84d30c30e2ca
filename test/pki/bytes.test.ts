import { describe, expect, it } from "vitest";
import {
  base64Decode,
  base64Encode,
  concatBytes,
  equalBytes,
  fromHex,
  fromPem,
  toHex,
  toPem,
} from "../../src/pki/bytes.ts";
import { readVector } from "../support/files.ts";

describe("bytes", () => {
  it("round-trips hex and base64 over every byte value", () => {
    const all = new Uint8Array(256).map((_, i) => i);
    expect(fromHex(toHex(all))).toEqual(all);
    expect(base64Decode(base64Encode(all))).toEqual(all);
    expect(() => fromHex("abc")).toThrow();
  });

  it("compares bytes", () => {
    expect(equalBytes(fromHex("0102"), fromHex("0102"))).toBe(true);
    expect(equalBytes(fromHex("0102"), fromHex("0103"))).toBe(false);
    expect(equalBytes(fromHex("01"), fromHex("0102"))).toBe(false);
    expect(concatBytes(fromHex("01"), fromHex("0203"))).toEqual(fromHex("010203"));
  });

  it("round-trips a real certificate through PEM", async () => {
    const der = await readVector("yessign-test/signCert.der");
    const pem = toPem("CERTIFICATE", der);
    expect(pem.split("\n").every((l) => l.length <= 64)).toBe(true);
    expect(fromPem(pem, "CERTIFICATE")).toEqual([der]);
  });
});
