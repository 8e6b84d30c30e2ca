// The certificate centre's logic in the browser, run in Node: the 상태 a certificate shows (ours
// from the server's list, others' from their validity), the 구분 read from real certificates'
// policy OIDs (ours, yessign's, an unknown one), and the password field's warnings.
import { beforeAll, describe, expect, it } from "vitest";
import { readCertificateSummary } from "../../src/pki/certificate.ts";
import { issuePersonalCertificate } from "../../src/pki/profile.ts";
import { generateKeyParams } from "../../src/pki/signature-algorithms.ts";
import type { ServerCertificate } from "../../web/src/certcenter/api.ts";
import { describeStored, sortRows } from "../../web/src/certcenter/describe.ts";
import { capsLockOn, containsHangul, isImeKey } from "../../web/src/certcenter/password-warnings.ts";
import { classifyCertificate, sameSerial } from "../../web/src/certcenter/status.ts";
import { subject } from "../pki/certified-keys.ts";
import { type TestCa, testCa } from "../support/test-ca.ts";

const day = 86_400_000;
const now = new Date("2026-12-05T01:00:00Z");
const at = (days: number) => new Date(now.getTime() + days * day);

describe("the status a certificate shows", () => {
  it("is valid with more than 30 days left, expiring within 30, expired after its last moment", () => {
    const of = (daysLeft: number) =>
      classifyCertificate({ notBefore: at(-300), notAfter: at(daysLeft) }, now);
    expect(of(31).status).toBe("valid");
    expect(of(30).status).toBe("expiring");
    expect(of(1).status).toBe("expiring");
    expect(of(0.5)).toMatchObject({ status: "expiring", usable: true, daysLeft: 0 });
    expect(of(-0.001)).toMatchObject({ status: "expired", usable: false });
    expect(classifyCertificate({ notBefore: at(1), notAfter: at(366) }, now)).toMatchObject({
      status: "not_yet_valid",
      usable: false,
    });
  });

  it("takes our own certificate's status from the server, and the dates over a stale 'valid'", () => {
    const dates = { notBefore: at(-300), notAfter: at(65) };
    expect(classifyCertificate({ ...dates, server: "revoked" }, now)).toMatchObject({
      status: "revoked",
      usable: false,
    });
    expect(classifyCertificate({ ...dates, server: "hold" }, now)).toMatchObject({
      status: "hold",
      usable: false,
    });
    expect(classifyCertificate({ ...dates, server: "valid" }, now).status).toBe("valid");
    expect(classifyCertificate({ notBefore: at(-366), notAfter: at(-1), server: "valid" }, now).status).toBe(
      "expired",
    );
    // Revoked stays revoked after expiry: the stronger word.
    expect(
      classifyCertificate({ notBefore: at(-366), notAfter: at(-1), server: "revoked" }, now).status,
    ).toBe("revoked");
  });

  it("offers renewal only for ours, usable, inside the server's window", () => {
    const expiring = { notBefore: at(-340), notAfter: at(25) };
    const window = { from: at(-5), until: at(25) };
    expect(classifyCertificate({ ...expiring, server: "valid", renewable: window }, now).renewable).toBe(
      true,
    );
    // Another CA's certificate: no renew button here, whatever its dates.
    expect(classifyCertificate(expiring, now).renewable).toBe(false);
    // Before the window opens.
    expect(
      classifyCertificate({ ...expiring, server: "valid", renewable: { from: at(2), until: at(25) } }, now)
        .renewable,
    ).toBe(false);
    expect(classifyCertificate({ ...expiring, server: "revoked", renewable: window }, now).renewable).toBe(
      false,
    );
  });

  it("compares serial numbers as integers", () => {
    expect(sameSerial("00AB12", "ab12")).toBe(true);
    expect(sameSerial("ab12", "ab13")).toBe(false);
  });
});

describe("a row of the selection window from a stored certificate", () => {
  let ca: TestCa;
  let keys: CryptoKeyPair;
  beforeAll(async () => {
    ca = await testCa(new Date("2026-01-01T00:00:00Z"));
    keys = (await crypto.subtle.generateKey(generateKeyParams({ kind: "EC", curve: "P-256" }), true, [
      "sign",
      "verify",
    ])) as CryptoKeyPair;
  });

  async function certificate(
    purpose: "bank" | "universal",
    policyOids?: { bank: string; universal: string },
    notAfter = at(200),
  ): Promise<Uint8Array> {
    return issuePersonalCertificate({
      issuer: { certificate: ca.issuing },
      signingKey: ca.issuingKeys.privateKey,
      publicKey: keys.publicKey,
      subject,
      notBefore: at(-100),
      notAfter,
      purpose,
      ...(policyOids ? { policyOids } : {}),
      crlUrl: "http://ca.geumgo.test/crl/1.crl",
      ocspUrl: "http://ca.geumgo.test/ocsp",
    });
  }
  const stored = (certificate: Uint8Array, id = "a") => ({
    id,
    kind: "browser" as const,
    certificate,
    keyFile: new Uint8Array(),
  });

  it("reads 구분 from the policy OID: ours and yessign's, bank and universal; other for an unknown policy", async () => {
    const yessign = { bank: "1.2.410.200005.1.1.4", universal: "1.2.410.200005.1.1.1" };
    expect(describeStored(stored(await certificate("bank")), [], now).purpose).toBe("bank");
    expect(describeStored(stored(await certificate("universal")), [], now).purpose).toBe("universal");
    expect(describeStored(stored(await certificate("universal", yessign)), [], now).purpose).toBe(
      "universal",
    );
    expect(describeStored(stored(await certificate("bank", yessign)), [], now).purpose).toBe("bank");
    const unknown = { bank: "1.2.3.4.5", universal: "1.2.3.4.6" };
    expect(describeStored(stored(await certificate("bank", unknown)), [], now).purpose).toBe("other");
  });

  it("shows 사용자 from the subject CN and 발급자 from the issuer's O", async () => {
    const row = describeStored(stored(await certificate("bank")), [], now);
    expect(row.user).toBe(readCertificateSummary(row.stored.certificate).commonName);
    expect(row.user).toContain("홍길동");
    expect(row.issuer).toBe("Test");
    expect(row.classified.status).toBe("valid");
    expect(row.ours).toBeUndefined();
  });

  it("takes the status of our own certificate from the server's list (matched by serial and issuer)", async () => {
    const der = await certificate("bank");
    const summary = readCertificateSummary(der);
    const server: ServerCertificate = {
      serial: `00${summary.serialNumber.toUpperCase()}`,
      purpose: "bank",
      status: "revoked",
      notBefore: summary.notBefore.toISOString(),
      notAfter: summary.notAfter.toISOString(),
      subject: summary.subject,
      issuer: summary.issuer,
      renewable: { from: at(170).toISOString(), until: at(200).toISOString() },
    };
    const row = describeStored(stored(der), [server], now);
    expect(row.ours).toBe(server);
    expect(row.classified).toMatchObject({ status: "revoked", usable: false });
    // Another issuer with the same serial is not ours.
    const other = describeStored(stored(der), [{ ...server, issuer: "CN=Someone Else,O=Other" }], now);
    expect(other.ours).toBeUndefined();
    expect(other.classified.status).toBe("valid");
  });

  it("greys out what it cannot read, and lists usable certificates first", async () => {
    const broken = describeStored(stored(new Uint8Array([0x30, 0x03, 1, 2, 3]), "broken"), [], now);
    expect(broken).toMatchObject({ unreadable: true, classified: { usable: false } });
    const expired = describeStored(stored(await certificate("bank", undefined, at(-1)), "old"), [], now);
    const valid = describeStored(stored(await certificate("bank"), "new"), [], now);
    expect(expired.classified.status).toBe("expired");
    expect(sortRows([broken, expired, valid]).map((r) => r.stored.id)).toEqual(["new", "old", "broken"]);
  });
});

describe("the certificate password field's warnings", () => {
  it("reads Caps Lock from the key event's modifier state", () => {
    expect(capsLockOn({ getModifierState: (k) => k === "CapsLock" })).toBe(true);
    expect(capsLockOn({ getModifierState: () => false })).toBe(false);
    expect(
      capsLockOn({
        getModifierState: () => {
          throw new Error("not a key event");
        },
      }),
    ).toBeUndefined();
  });

  it("sees Korean input in Hangul typed (syllables and jamo) and in IME key events", () => {
    expect(containsHangul("비밀번호")).toBe(true);
    expect(containsHangul("ㅂㅁ")).toBe(true);
    expect(containsHangul("Passw0rd!#")).toBe(false);
    expect(isImeKey({ key: "Process" })).toBe(true);
    expect(isImeKey({ key: "a", keyCode: 229 })).toBe(true);
    expect(isImeKey({ key: "a", isComposing: true })).toBe(true);
    expect(isImeKey({ key: "a", keyCode: 65 })).toBe(false);
  });
});
