// The teller's guide keeps its pictures: both languages show the same ones, each is committed under
// docs/images/teller/<lang>/, and none is kept that the guide no longer shows. The day's walk
// (test/e2e/teller-day.test.ts) checks it makes exactly these.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tellerGuidePictures, tellerImages } from "../e2e/support/teller-guide.ts";

describe("docs/teller-guide.md's pictures", () => {
  it("shows the same pictures in English as in Korean", () => {
    const ko = tellerGuidePictures("ko");
    expect(ko.length).toBeGreaterThan(0);
    expect(tellerGuidePictures("en")).toEqual(ko);
  });

  it.each(["ko", "en"] as const)("in %s: each picture it shows is committed, and only those", (lang) => {
    const folder = join(tellerImages, lang);
    expect(existsSync(folder), folder).toBe(true);
    const kept = readdirSync(folder)
      .filter((f) => f.endsWith(".png"))
      .map((f) => f.slice(0, -4))
      .sort();
    expect(kept).toEqual(tellerGuidePictures(lang));
  });
});
