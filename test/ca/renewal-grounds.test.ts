// Which refusal a kur meets for the state of the certificate that signs it: a certificate renewed
// already (revoked as superseded) is told apart from one revoked for any other reason, so that a
// member who renewed in two tabs at once is not sent to reissue.
import { describe, expect, it } from "vitest";
import type { CertificateRecord } from "../../src/ca/certificates.ts";
import { CaRequestError } from "../../src/ca/errors.ts";
import { assertRenewable } from "../../src/ca/renewal.ts";
import { raRules } from "../../src/certcenter/rules.ts";

const now = new Date("2027-01-10T01:00:00Z");

function record(change: Partial<CertificateRecord>): CertificateRecord {
  return {
    serial: new Uint8Array(16),
    holder: "1:1",
    purpose: "bank",
    status: "valid",
    der: null,
    subject: "CN=홍길동",
    notBefore: new Date("2026-01-30T00:00:00Z"),
    notAfter: new Date("2027-01-30T00:00:00Z"),
    spkiSha256: new Uint8Array(32),
    authorizationRef: null,
    replaces: null,
    replaceReason: null,
    revokedAt: null,
    revocationReason: null,
    ...change,
  };
}

function refusal(change: Partial<CertificateRecord>): string | undefined {
  try {
    assertRenewable(record(change), now, raRules);
    return undefined;
  } catch (e) {
    if (e instanceof CaRequestError) return e.code;
    throw e;
  }
}

describe("the grounds a kur is refused on", () => {
  it("a valid certificate in its window renews", () => {
    expect(refusal({})).toBeUndefined();
  });

  it("one revoked as superseded was renewed already: old_renewed", () => {
    expect(refusal({ status: "revoked", revocationReason: "superseded", revokedAt: now })).toBe(
      "old_renewed",
    );
  });

  it("one revoked for another reason, or held: old_revoked", () => {
    expect(refusal({ status: "revoked", revocationReason: "keyCompromise", revokedAt: now })).toBe(
      "old_revoked",
    );
    expect(refusal({ status: "hold", revocationReason: "certificateHold", revokedAt: now })).toBe(
      "old_revoked",
    );
  });
});
