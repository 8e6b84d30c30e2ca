// The teller's guide (docs/teller-guide.md) and its pictures: which it shows in each language, read
// from the guide's own image links, for the day's walk that takes them and the check that they are kept.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";

export type Lang = "ko" | "en";

export const repoRoot = resolve(import.meta.dirname, "../../..");
/** Where `npm run docs:teller-screenshots` keeps the pictures: docs/images/teller/<lang>/<name>.png. */
export const tellerImages = join(repoRoot, "docs/images/teller");

/** The pictures the guide shows in one language, by name ("drawer-open"), sorted. */
export function tellerGuidePictures(lang: Lang): string[] {
  const guide = readFileSync(join(repoRoot, "docs/teller-guide.md"), "utf8");
  const names = [...guide.matchAll(/\]\(images\/teller\/(ko|en)\/([^)/]+)\.png\)/g)]
    .filter((m) => m[1] === lang)
    .map((m) => m[2] as string);
  return [...new Set(names)].sort();
}
