import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../src/pki/bytes.ts";
import { sequence, time, tlvOf, unsignedInteger } from "../../src/pki/der.ts";

describe("the DER writer", () => {
  it("writes short and long lengths", () => {
    expect(toHex(sequence(fromHex("0500")))).toBe("30020500");
    const long = tlvOf(0x04, [new Uint8Array(200)]);
    expect(toHex(long.subarray(0, 3))).toBe("0481c8");
    expect(toHex(tlvOf(0x04, [new Uint8Array(70_000)]).subarray(0, 5))).toBe("0483011170");
  });

  it("keeps integers positive and minimal", () => {
    expect(toHex(unsignedInteger(fromHex("7f")))).toBe("02017f");
    expect(toHex(unsignedInteger(fromHex("80")))).toBe("02020080");
    expect(toHex(unsignedInteger(fromHex("0000ff")))).toBe("020200ff");
    expect(toHex(unsignedInteger(fromHex("00")))).toBe("020100");
  });

  it("uses UTCTime through 2049 and GeneralizedTime from 2050 (RFC 5280 §4.1.2.5)", () => {
    expect(new TextDecoder().decode(time(new Date("2049-12-31T23:59:59.900Z")).subarray(2))).toBe(
      "491231235959Z",
    );
    expect(time(new Date("2049-12-31T23:59:59Z"))[0]).toBe(0x17);
    expect(new TextDecoder().decode(time(new Date("2050-01-01T00:00:00Z")).subarray(2))).toBe(
      "20500101000000Z",
    );
    expect(time(new Date("2050-01-01T00:00:00Z"))[0]).toBe(0x18);
  });
});
