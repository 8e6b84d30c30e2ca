// The production build of web/ (Vite, into a scratch folder): pages the strict CSP allows (no
// inline script or style), the member site's JavaScript under its 200 KB gzipped budget, and the
// teller console in a bundle of its own that the member page never loads, and the certificate
// centre in chunks of its own that the member page loads only when a centre page or the
// certificate selection window (certificate login, a transfer's signature) opens.
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "vite";
import { beforeAll, describe, expect, it } from "vitest";

const web = resolve(import.meta.dirname, "../../web");
const out = mkdtempSync(join(tmpdir(), "geumgo-web-build-"));

/** The scripts a page loads: its entry and what the entry preloads (its static imports). */
function scriptsOf(html: string): string[] {
  return [...html.matchAll(/<(?:script|link)[^>]+(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
}

describe("the web build", () => {
  let index: string;
  let teller: string;
  beforeAll(async () => {
    await build({
      configFile: join(web, "vite.config.ts"),
      logLevel: "silent",
      build: { outDir: out, emptyOutDir: true },
    });
    index = readFileSync(join(out, "index.html"), "utf8");
    teller = readFileSync(join(out, "teller.html"), "utf8");
  }, 120_000);

  it("has no inline script or style, so the CSP needs no 'unsafe-inline'", () => {
    for (const html of [index, teller]) {
      for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag).toMatch(/\ssrc="\/assets\//);
      expect(html).not.toMatch(/<script\b[^>]*>[^<]+<\/script>/);
      expect(html).not.toMatch(/<style\b/);
      expect(html).not.toMatch(/\sstyle="/);
      expect(html).not.toMatch(/\son[a-z]+="/);
    }
  });

  it("keeps the member site's JavaScript under 200 KB gzipped", () => {
    const scripts = scriptsOf(index);
    expect(scripts.length).toBeGreaterThan(0);
    const gzipped = scripts.reduce((sum, s) => sum + gzipSync(readFileSync(join(out, s))).length, 0);
    expect(gzipped).toBeLessThan(200 * 1024);
  });

  it("loads the teller console only from its own page", () => {
    const memberScripts = scriptsOf(index);
    const tellerScripts = scriptsOf(teller);
    const tellerEntry = tellerScripts.find((s) => s.includes("/teller-"));
    expect(tellerEntry).toBeDefined();
    expect(memberScripts).not.toContain(tellerEntry);
    // No chunk the member page loads carries the console's words.
    for (const s of memberScripts)
      expect(readFileSync(join(out, s), "utf8")).not.toContain("/api/teller/members");
  });

  it("keeps the certificate centre out of the first page: chunks of its own, loaded on demand", () => {
    const memberScripts = scriptsOf(index);
    const assets = readdirSync(join(out, "assets"));
    // Two entries load on demand: the centre's pages, and the selection window alone that the
    // login and transfer pages open (UseWindow); what they share may sit in a shared chunk.
    const centre = assets.filter((f) => /^certcenter-.*\.js$/.test(f));
    expect(centre.length).toBeGreaterThanOrEqual(2);
    const later = assets.filter((f) => f.endsWith(".js") && !memberScripts.includes(`/assets/${f}`));
    const laterCode = later.map((f) => readFileSync(join(out, "assets", f), "utf8")).join("\n");
    // The centre's code is there: the selection window (its password field) and the key file stores...
    const markers = ["cc-window-password", "signPri.key"];
    for (const m of markers) expect(laterCode.includes(m), `${m} in a chunk loaded on demand`).toBe(true);
    // ...and none of what index.html loads holds them or names a centre chunk in a <script>/<link>.
    // (The transfer page asks /api/certcenter/certificates itself, to know whether to ask for a signature.)
    expect(memberScripts.some((s) => s.includes("/certcenter-"))).toBe(false);
    for (const s of memberScripts) {
      const code = readFileSync(join(out, s), "utf8");
      for (const m of markers) expect(code.includes(m), `${m} in ${s}`).toBe(false);
    }
    // The first page's JavaScript, gzipped, against the centre's: both measured, the first under budget.
    const firstPage = memberScripts.reduce((sum, s) => sum + gzipSync(readFileSync(join(out, s))).length, 0);
    const centreSize = centre.reduce(
      (sum, f) => sum + gzipSync(readFileSync(join(out, "assets", f))).length,
      0,
    );
    console.info(
      `member first page ${(firstPage / 1024).toFixed(1)} KB gzipped; certificate centre chunks ${(centreSize / 1024).toFixed(1)} KB gzipped`,
    );
    expect(firstPage).toBeLessThan(200 * 1024);
    expect(centreSize).toBeGreaterThan(0);
  });

  it("names every asset with a content hash (they are served as immutable)", () => {
    for (const file of readdirSync(join(out, "assets"))) expect(file).toMatch(/-[A-Za-z0-9_-]{8}\.(js|css)$/);
  });
});
