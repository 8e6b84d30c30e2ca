// The RA's rules as the CA and the RA's own use cases read them.
import { describe, expect, it } from "vitest";
import {
  authorizationLifetimeMs,
  holderRevocationReasons,
  raRules,
  reissueReplacement,
  renewalWindowMs,
} from "../../src/certcenter/rules.ts";

const dayMs = 86_400_000;

describe("the RA's rules", () => {
  it("renewal opens 30 days before expiry; authorisations live 10 minutes online, 14 days from a branch", () => {
    expect(renewalWindowMs).toBe(30 * dayMs);
    expect(authorizationLifetimeMs).toEqual({ web: 10 * 60_000, branch: 14 * dayMs });
  });

  it("a holder may revoke for their own reasons and suspend, never for the CA's", () => {
    expect([...holderRevocationReasons].sort()).toEqual(
      [
        "affiliationChanged",
        "certificateHold",
        "cessationOfOperation",
        "keyCompromise",
        "superseded",
        "unspecified",
      ].sort(),
    );
    expect(holderRevocationReasons.has("cACompromise")).toBe(false);
  });

  it("a lost certificate is compromised, a damaged or forgotten one superseded; the expiry is kept", () => {
    const live = { serial: new Uint8Array(16).fill(7), notAfter: new Date("2027-03-01T00:00:00Z") };
    expect(reissueReplacement("lost", live)).toEqual({ ...live, reason: "keyCompromise" });
    expect(reissueReplacement("damaged", live)).toEqual({ ...live, reason: "superseded" });
    expect(reissueReplacement("forgotten", live)).toEqual({ ...live, reason: "superseded" });
  });

  it("hands the CA the rules it enforces on CMP kur and rr", () => {
    expect(raRules).toEqual({ renewalWindowMs, holderRevocationReasons });
  });
});
