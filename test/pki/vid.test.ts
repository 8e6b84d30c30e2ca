import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate, GeneralName, id_ce_subjectAltName, SubjectAlternativeName } from "@peculiar/asn1-x509";
import { describe, expect, it } from "vitest";
import {
  computeVid,
  identifyDataGeneralName,
  normalizeRrn,
  readIdentifyData,
  verifyVid,
} from "../../src/pki/vid.ts";
import { readVector } from "../support/files.ts";
import { keyVectors, vectorRrn } from "./npki-vectors.ts";

describe("VID", () => {
  for (const v of keyVectors.filter((k) => k.vid)) {
    it(`${v.dir}: computes the VID that independent software put in the certificate`, async () => {
      const cert = await readVector(`${v.dir}/signCert.der`);
      expect(await computeVid({ rrn: vectorRrn, random: v.random })).toEqual(v.vid);
      expect(readIdentifyData(cert)).toEqual({ realName: "김철수", hash: "sha256", vid: v.vid });
      expect(await verifyVid({ certificate: cert, rrn: "800101-1234567", random: v.random })).toBe(true);
      expect(await verifyVid({ certificate: cert, rrn: "8001011234568", random: v.random })).toBe(false);
      const otherR = v.random.slice();
      otherR[0]! ^= 1;
      expect(await verifyVid({ certificate: cert, rrn: vectorRrn, random: otherR })).toBe(false);
    });
  }

  it("reads the VID of a real yessign certificate", async () => {
    const id = readIdentifyData(await readVector("yessign-test/signCert.der"));
    expect(id?.hash).toBe("sha256");
    expect(id?.vid.length).toBe(32);
  });

  it("encodes identifyData exactly as the independent writer did", async () => {
    const der = await readVector("indep-pbes2/signCert.der");
    const cert = AsnConvert.parse(der, Certificate);
    const ext = cert.tbsCertificate.extensions!.find((e) => e.extnID === id_ce_subjectAltName)!;
    const original = AsnConvert.parse(ext.extnValue, SubjectAlternativeName)[0]!;
    const ours = identifyDataGeneralName(readIdentifyData(der)!);
    expect(new Uint8Array(AsnConvert.serialize(ours))).toEqual(
      new Uint8Array(AsnConvert.serialize(new GeneralName(original))),
    );
  });

  it("SHA-1 VIDs differ from SHA-256 ones and are 20 bytes", async () => {
    const random = keyVectors[1]!.random;
    const sha1 = await computeVid({ rrn: vectorRrn, random, hash: "sha1" });
    expect(sha1.length).toBe(20);
  });

  it("takes a number with a dash, refuses anything but 13 digits", () => {
    expect(normalizeRrn("800101-1234567")).toBe("8001011234567");
    for (const bad of ["800101-123456", "80010112345678", "80010A1234567", ""]) {
      expect(() => normalizeRrn(bad)).toThrow(expect.objectContaining({ code: "bad_rrn" }));
    }
  });
});
