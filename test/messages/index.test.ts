// Every code of every area has words in both languages; the look-up finds an error's table by its
// class, names what the error is about, and knows nothing of other errors.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CaError } from "../../src/ca/ca-keys.ts";
import { CliError, cliErrorCodes } from "../../src/cli/errors.ts";
import { type Area, areaWords, describeError, knownError } from "../../src/messages/index.ts";
import { PkiError, pkiErrorCodes } from "../../src/pki/errors.ts";

const areas = Object.keys(areaWords) as Area[];

describe("the words", () => {
  it.each(areas)("every %s code has a Korean and an English sentence", (area) => {
    const table = areaWords[area] as Record<string, { ko: string; en: string }>;
    expect(Object.keys(table).length).toBeGreaterThan(0);
    for (const [code, words] of Object.entries(table)) {
      expect(words.ko, `${area}.${code}`).toMatch(/[가-힣]/);
      expect(words.en, `${area}.${code}`).toMatch(/^[\x20-\x7e]+$/);
      expect(words.ko.trim(), `${area}.${code}`).toBe(words.ko);
      expect(words.en.trim(), `${area}.${code}`).toBe(words.en);
      expect(words.ko).not.toBe(words.en);
    }
  });

  it.each(areas)(
    "the %s words are full sentences in one voice (polite 해요체; English with a capital and a full stop)",
    (area) => {
      const table = areaWords[area] as Record<string, { ko: string; en: string }>;
      for (const [code, words] of Object.entries(table)) {
        expect(words.ko, `${area}.${code}`).toMatch(/\.$/);
        expect(words.ko, `${area}.${code}`).not.toMatch(/니다|십시오/);
        expect(words.en, `${area}.${code}`).toMatch(/^[A-Z].*\.$/);
      }
    },
  );

  it("an error finds its area's words by its class", () => {
    const errors = [
      ...pkiErrorCodes.map((c) => new PkiError(c, "x")),
      ...cliErrorCodes.map((c) => new CliError(c)),
      ...(["ca_exists", "ca_missing", "bad_passphrase"] as const).map((c) => new CaError(c)),
    ];
    for (const e of errors) {
      expect(knownError(e)?.code, e.code).toBe(e.code);
      expect(describeError(e, "ko"), e.code).toMatch(/[가-힣]/);
      expect(describeError(e, "en"), e.code).toMatch(/^[\x20-\x7e]+$/);
    }
  });

  it("names the file a CLI error is about in place of the full stop", () => {
    expect(describeError(new CliError("file_exists", "/tmp/key.pem"), "en")).toBe(
      "The file exists already (add --force to overwrite it): /tmp/key.pem",
    );
    expect(describeError(new CliError("file_not_found"), "ko")).toBe("파일이나 폴더를 찾을 수 없어요.");
  });

  it("knows nothing of other errors, so they are reported as bugs", () => {
    expect(describeError(new Error("boom"), "en")).toBeUndefined();
    expect(describeError(Object.assign(new Error("x"), { code: "malformed" }), "en")).toBeUndefined();
    expect(
      describeError(Object.assign(new Error("x"), { name: "PkiError", code: "nope" }), "en"),
    ).toBeUndefined();
  });

  it("imports nothing of ours at run time (the browser loads it)", () => {
    const dir = new URL("../../src/messages/", import.meta.url);
    for (const file of readdirSync(dir)) {
      const text = readFileSync(new URL(file, dir), "utf8");
      for (const line of text.split("\n").filter((l) => /^(import|export) .* from /.test(l))) {
        if (line.startsWith("import type ") || line.startsWith("export type ")) continue;
        expect(line, file).toMatch(/ from "\.\/[a-z-]+\.ts";$/);
      }
    }
  });
});
