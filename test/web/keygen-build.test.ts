// The key generation worker as production ships it: built by Vite with the web app's worker settings
// (web/vite.config.ts) into a file of its own under /assets, with no eval, and run in Chromium from a
// page served under the site's CSP (src/server/web.ts webCsp: script-src 'self', no unsafe-eval,
// no blob: workers): the job completes and the browser reports no CSP violation.
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, resolve } from "node:path";
import { chromium } from "playwright";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webCsp } from "../../src/server/web.ts";
import webConfig from "../../web/vite.config.ts";

const root = resolve(import.meta.dirname, "keygen-page");
const out = mkdtempSync(join(tmpdir(), "geumgo-keygen-build-"));
const types: Record<string, string> = { ".html": "text/html", ".js": "text/javascript" };

describe("the key generation worker in the production build", () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    await build({
      configFile: false,
      root,
      logLevel: "silent",
      worker: webConfig.worker,
      build: { outDir: out, emptyOutDir: true, modulePreload: { polyfill: false } },
    });
    server = createServer((req, res) => {
      const path = (req.url ?? "/").split("?")[0]!;
      const file = join(out, path === "/" ? "index.html" : path);
      try {
        const body = readFileSync(file);
        res.writeHead(200, {
          "content-type": types[extname(file)] ?? "application/octet-stream",
          "content-security-policy": webCsp,
        });
        res.end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }, 120_000);
  afterAll(() => new Promise<void>((done) => server?.close(() => done())));

  it("is a file of its own with no eval", () => {
    const assets = readdirSync(join(out, "assets"));
    const worker = assets.filter((f) => /^keygen\.worker-.*\.js$/.test(f));
    expect(worker).toHaveLength(1);
    const code = readFileSync(join(out, "assets", worker[0]!), "utf8");
    expect(code).not.toMatch(/\beval\(|new Function\(/);
    const page = assets.filter((f) => f.endsWith(".js") && !worker.includes(f));
    expect(page.some((f) => readFileSync(join(out, "assets", f), "utf8").includes(worker[0]!))).toBe(true);
  });

  it("runs under the site's CSP: the key is made, and nothing is refused", async () => {
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
    });
    try {
      const page = await browser.newPage();
      const refused: string[] = [];
      page.on("console", (m) => {
        if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text());
      });
      await page.goto(url);
      await page.waitForFunction(() => /^(done|error)/.test(document.title), undefined, { timeout: 60_000 });
      const title = await page.title();
      expect(title).toMatch(/^done \d+ \d+ false$/);
      expect(refused).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
