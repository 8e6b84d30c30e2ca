import { describe, expect, it } from "vitest";
import { daysLeft, readCertificateSummary } from "../../src/pki/certificate.ts";
import { readVector } from "../support/files.ts";

describe("certificate summary", () => {
  it("reads a real yessign bank-use certificate", async () => {
    const s = readCertificateSummary(await readVector("yessign-test/signCert.der"));
    expect(s.serialNumber).toBe("459c75");
    expect(s.issuerOrganization).toBe("yessign");
    expect(s.commonName).toBe("HKD(KILDONG.HONG)009104120200225191000030");
    expect(s.notAfter.toISOString()).toBe("2020-03-25T14:59:59.000Z");
    expect(s.policyOids).toEqual(["1.2.410.200005.1.1.4"]);
    expect(s.purpose).toBe("bank");
    expect(s.keyType).toBe("RSA-2048");
    expect(s.hasVid).toBe(true);
  });

  it("reads the real name from identifyData", async () => {
    const s = readCertificateSummary(await readVector("indep-pbes1/signCert.der"));
    expect(s.realName).toBe("김철수");
    expect(s.commonName).toBe("김철수()0091041");
  });

  it("counts days left, negative once expired", () => {
    const end = new Date("2027-01-10T00:00:00Z");
    expect(daysLeft(end, new Date("2027-01-01T00:00:00Z"))).toBe(9);
    expect(daysLeft(end, new Date("2027-01-11T00:00:00Z"))).toBe(-1);
  });

  it("refuses what is not a certificate", async () => {
    expect(() => readCertificateSummary(new Uint8Array([0x30, 0x03, 1, 2, 3]))).toThrow(
      expect.objectContaining({ code: "malformed" }),
    );
  });
});

describe("policy OIDs", () => {
  it("normalises asn1js's {hex} arcs to decimal", async () => {
    const { normalizeOid, defaultPolicyOids } = await import("../../src/pki/policy.ts");
    const asn1js = await import("asn1js");
    const der = new asn1js.ObjectIdentifier({ value: defaultPolicyOids.bank }).toBER();
    const decoded = (asn1js.fromBER(der).result as InstanceType<typeof asn1js.ObjectIdentifier>).getValue();
    expect(normalizeOid(decoded)).toBe(defaultPolicyOids.bank);
    expect(normalizeOid("1.2.410.200005.1.1.4")).toBe("1.2.410.200005.1.1.4");
  });
});
