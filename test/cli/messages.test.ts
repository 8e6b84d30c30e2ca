import { describe, expect, it } from "vitest";
import { chooseLang } from "../../src/cli/messages.ts";

describe("the command line's language", () => {
  it("speaks Korean to a Korean locale, English otherwise", () => {
    expect(chooseLang({ LANG: "ko_KR.UTF-8" })).toBe("ko");
    expect(chooseLang({ LANG: "en_US.UTF-8" })).toBe("en");
    expect(chooseLang({ LANG: "ko_KR.UTF-8", GEUMGO_LANG: "en" })).toBe("en");
    expect(chooseLang({})).toBe("en");
  });
});
