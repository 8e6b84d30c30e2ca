// The CMP answer to every rule of the CA's request handling: a failInfo bit, a sentence, the code.
import { describe, expect, it } from "vitest";
import { requestRefusal } from "../../src/ca/cmp-refusal.ts";
import { CaRequestError, caRequestErrorCodes } from "../../src/ca/errors.ts";
import { raRules } from "../../src/certcenter/rules.ts";

describe("refusals of the CA's request rules", () => {
  it("every code has a failInfo bit and an English sentence, and travels as the code", () => {
    for (const code of caRequestErrorCodes) {
      const refusal = requestRefusal(new CaRequestError(code), raRules);
      expect(refusal.code, code).toBe(code);
      expect(refusal.failures, code).toHaveLength(1);
      expect(refusal.text, code).toMatch(/^[a-z][\x20-\x7e]+$/);
    }
  });

  it("names the renewal window the RA set", () => {
    const e = new CaRequestError("renewal_window");
    expect(requestRefusal(e, raRules).text).toBe("renewal opens 30 days before expiry");
    expect(requestRefusal(e, { ...raRules, renewalWindowMs: 7 * 86_400_000 }).text).toBe(
      "renewal opens 7 days before expiry",
    );
  });
});
