import { describe, expect, it } from "vitest";
import { fromHex } from "../../src/pki/bytes.ts";
import { buildCrl, readCrl } from "../../src/pki/crl.ts";
import { testCa } from "../support/test-ca.ts";

describe("CRLs", () => {
  it("list revoked serials with date and reason, signed by the issuing CA", async () => {
    const ca = await testCa();
    const revokedAt = new Date("2026-11-20T01:02:03Z");
    const der = await buildCrl({
      issuer: { certificate: ca.issuing, privateKey: ca.issuingKeys.privateKey, algorithm: "P-384" },
      crlNumber: 7,
      thisUpdate: new Date("2026-11-25T00:00:00Z"),
      nextUpdate: new Date("2026-11-26T00:00:00Z"),
      entries: [
        { serialNumber: fromHex("4a1b2c3d4e5f60718293a4b5c6d7e8f9"), revokedAt, reason: "keyCompromise" },
        { serialNumber: fromHex("5a1b2c3d4e5f60718293a4b5c6d7e8f9"), revokedAt, reason: "superseded" },
        { serialNumber: fromHex("6a1b2c3d4e5f60718293a4b5c6d7e8f9"), revokedAt, reason: "certificateHold" },
        { serialNumber: fromHex("7a1b2c3d4e5f60718293a4b5c6d7e8f9"), revokedAt, reason: "unspecified" },
      ],
    });
    const crl = await readCrl(der, ca.issuing);
    expect(crl.issuer).toContain("CN=Test CA 1");
    expect(crl.nextUpdate?.toISOString()).toBe("2026-11-26T00:00:00.000Z");
    expect(crl.entries).toEqual([
      { serialNumber: "4a1b2c3d4e5f60718293a4b5c6d7e8f9", revokedAt, reason: "keyCompromise" },
      { serialNumber: "5a1b2c3d4e5f60718293a4b5c6d7e8f9", revokedAt, reason: "superseded" },
      { serialNumber: "6a1b2c3d4e5f60718293a4b5c6d7e8f9", revokedAt, reason: "certificateHold" },
      { serialNumber: "7a1b2c3d4e5f60718293a4b5c6d7e8f9", revokedAt, reason: "unspecified" },
    ]);
    await expect(readCrl(der, ca.root)).rejects.toMatchObject({ code: "bad_signature" });
    const tampered = der.slice();
    tampered[tampered.length - 10]! ^= 1;
    await expect(readCrl(tampered, ca.issuing)).rejects.toMatchObject({ name: "PkiError" });
    await expect(readCrl(new Uint8Array([1, 2, 3]), ca.issuing)).rejects.toMatchObject({ code: "malformed" });
  });

  it("refuses a nextUpdate that does not follow thisUpdate", async () => {
    const ca = await testCa();
    const at = new Date("2026-11-25T00:00:00Z");
    await expect(
      buildCrl({
        issuer: { certificate: ca.issuing, privateKey: ca.issuingKeys.privateKey, algorithm: "P-384" },
        crlNumber: 1,
        thisUpdate: at,
        nextUpdate: at,
        entries: [],
      }),
    ).rejects.toThrow("nextUpdate");
  });
});
