import { describe, expect, it } from "vitest";
import { CaError } from "../../src/ca/ca-keys.ts";
import { CliError, cliErrorCodes } from "../../src/cli/errors.ts";
import { chooseLang, describeError } from "../../src/cli/messages.ts";
import { PkiError, pkiErrorCodes } from "../../src/pki/errors.ts";

describe("CLI messages", () => {
  it("every error code has a Korean and an English sentence", () => {
    const errors = [
      ...pkiErrorCodes.map((c) => new PkiError(c, "x")),
      ...cliErrorCodes.map((c) => new CliError(c)),
      ...(["ca_exists", "ca_missing", "bad_passphrase"] as const).map((c) => new CaError(c)),
    ];
    for (const e of errors) {
      const ko = describeError(e, "ko");
      const en = describeError(e, "en");
      expect(ko, e.code).toMatch(/[가-힣]/);
      expect(en, e.code).toMatch(/^[\x20-\x7e]+$/);
      expect(ko).not.toBe(en);
    }
  });

  it("names the file a CLI error is about", () => {
    expect(describeError(new CliError("file_exists", "/tmp/key.pem"), "en")).toContain("/tmp/key.pem");
  });

  it("knows nothing of other errors, so they are reported as bugs", () => {
    expect(describeError(new Error("boom"), "en")).toBeUndefined();
  });

  it("speaks Korean to a Korean locale, English otherwise", () => {
    expect(chooseLang({ LANG: "ko_KR.UTF-8" })).toBe("ko");
    expect(chooseLang({ LANG: "en_US.UTF-8" })).toBe("en");
    expect(chooseLang({ LANG: "ko_KR.UTF-8", GEUMGO_LANG: "en" })).toBe("en");
    expect(chooseLang({})).toBe("en");
  });
});
