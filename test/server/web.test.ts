// The web plugin (src/server/web.ts) over a small stand-in for web/dist: the HTML with the strict
// CSP and no caching, hashed assets cached for good, the single-page fallback for browser
// navigations, and the API's own 404s left alone; and the real server without any build.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { buildServer } from "../../src/server/app.ts";
import { type App, contextsFor } from "../../src/server/context.ts";
import { webCsp, webRoutes } from "../../src/server/web.ts";
import { freshDb } from "../support/db.ts";

const html = { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" };

function fakeDist(): string {
  const dir = mkdtempSync(join(tmpdir(), "geumgo-web-"));
  mkdirSync(join(dir, "assets"));
  writeFileSync(
    join(dir, "index.html"),
    '<!doctype html><title>member</title><script type="module" src="/assets/index-Ab12.js"></script>',
  );
  writeFileSync(join(dir, "teller.html"), "<!doctype html><title>teller</title>");
  writeFileSync(join(dir, "assets", "index-Ab12.js"), "console.log('member');");
  writeFileSync(join(dir, "favicon.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
  writeFileSync(join(tmpdir(), "geumgo-web-outside.txt"), "outside");
  return dir;
}

/** The app's own answers around the plugin: its CSP on everything and its JSON 404. */
async function serverWith(distDir: string): Promise<FastifyInstance> {
  const fastify = Fastify({ logger: false });
  fastify.addHook("onRequest", async (_request, reply) => {
    reply.header("content-security-policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
  });
  fastify.setNotFoundHandler((_request, reply) =>
    reply.status(404).send({ error: { code: "not_found", message: { ko: "없음", en: "none" } } }),
  );
  fastify.get("/api/accounts", async () => ({ accounts: [] }));
  fastify.get("/healthz", async () => ({ status: "ok" }));
  await fastify.register(webRoutes, { app: {} as App, distDir });
  return fastify;
}

describe("the web plugin", () => {
  let server: FastifyInstance;
  beforeAll(async () => {
    server = await serverWith(fakeDist());
  });
  afterAll(() => server.close());

  it("serves the member page at / with the strict CSP and no caching", async () => {
    const r = await server.inject({ url: "/" });
    expect(r.statusCode).toBe(200);
    expect(r.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(r.body).toContain("<title>member</title>");
    expect(r.headers["content-security-policy"]).toBe(webCsp);
    expect(r.headers["content-security-policy"]).toContain("script-src 'self'");
    expect(r.headers["content-security-policy"]).not.toContain("unsafe-inline");
    expect(r.headers["cache-control"]).toBe("no-cache");
  });

  it("caches hashed assets for a year, immutable", async () => {
    const r = await server.inject({ url: "/assets/index-Ab12.js" });
    expect(r.statusCode).toBe(200);
    expect(r.headers["content-type"]).toMatch(/javascript/);
    expect(r.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(r.body).toBe("console.log('member');");
    const again = await server.inject({
      url: "/assets/index-Ab12.js",
      headers: { "if-none-match": r.headers.etag },
    });
    expect(again.statusCode).toBe(304);
  });

  it("answers a missing asset with a 404, never the page (a script must not get HTML)", async () => {
    const r = await server.inject({ url: "/assets/index-gone.js", headers: html });
    expect(r.statusCode).toBe(404);
    expect(r.headers["content-security-policy"]).toMatch(/^default-src 'none'/);
    expect(r.json().error.code).toBe("not_found");
  });

  it("serves other files of the build with a short cache", async () => {
    const r = await server.inject({ url: "/favicon.svg" });
    expect(r.statusCode).toBe(200);
    expect(r.headers["cache-control"]).toBe("public, max-age=3600");
  });

  it("falls back to the member page for browser navigations to its routes", async () => {
    for (const url of ["/transfer", "/accounts/9002-0000-0001-5?x=1", "/login"]) {
      const r = await server.inject({ url, headers: html });
      expect(r.statusCode, url).toBe(200);
      expect(r.body, url).toContain("<title>member</title>");
      expect(r.headers["content-security-policy"], url).toBe(webCsp);
    }
    const head = await server.inject({ method: "HEAD", url: "/limits", headers: html });
    expect(head.statusCode).toBe(200);
  });

  it("serves the teller console's page under /teller", async () => {
    for (const url of ["/teller", "/teller/login"]) {
      const r = await server.inject({ url });
      expect(r.statusCode, url).toBe(200);
      expect(r.body, url).toContain("<title>teller</title>");
      expect(r.headers["cache-control"]).toBe("no-cache");
    }
  });

  it("leaves /api, /pki, /admin and /healthz alone: their 404s stay JSON", async () => {
    for (const url of ["/api/nothing", "/api", "/pki/nothing", "/admin/x", "/healthz/x"]) {
      const r = await server.inject({ url, headers: html });
      expect(r.statusCode, url).toBe(404);
      expect(r.headers["content-type"], url).toMatch(/^application\/json/);
      expect(r.json().error.code, url).toBe("not_found");
      expect(r.headers["content-security-policy"], url).toMatch(/^default-src 'none'/);
    }
    expect((await server.inject({ url: "/api/accounts", headers: html })).json()).toEqual({ accounts: [] });
    expect((await server.inject({ url: "/healthz" })).json()).toEqual({ status: "ok" });
  });

  it("answers machines asking for unknown addresses with the JSON 404, not the page", async () => {
    const r = await server.inject({ url: "/no/such/thing" });
    expect(r.statusCode).toBe(404);
    expect(r.headers["content-type"]).toMatch(/^application\/json/);
    expect(r.headers["content-security-policy"]).toMatch(/^default-src 'none'/);
  });

  it("never serves a file outside the build", async () => {
    for (const url of [
      "/../geumgo-web-outside.txt",
      "/assets/../../geumgo-web-outside.txt",
      "/%2e%2e/geumgo-web-outside.txt",
    ]) {
      const r = await server.inject({ url, headers: html });
      expect(r.body, url).not.toContain("outside");
    }
  });

  it("takes only GET: a POST to a page is a 404", async () => {
    const r = await server.inject({ method: "POST", url: "/transfer", headers: html, payload: {} });
    expect(r.statusCode).toBe(404);
  });
});

describe("the web plugin without a build", () => {
  let server: FastifyInstance;
  beforeAll(async () => {
    server = await serverWith(join(mkdtempSync(join(tmpdir(), "geumgo-web-")), "dist"));
  });
  afterAll(() => server.close());

  it("answers / with a 503 that says how to build, as JSON or as a page", async () => {
    const json = await server.inject({ url: "/" });
    expect(json.statusCode).toBe(503);
    expect(json.json().error.code).toBe("web_not_built");
    expect(json.json().error.message.en).toContain("npm run build:web");
    const page = await server.inject({ url: "/transfer", headers: html });
    expect(page.statusCode).toBe(503);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.body).toContain("npm run build:web");
    expect(page.headers["content-security-policy"]).toMatch(/^default-src 'none'/);
  });

  it("still answers its routes", async () => {
    expect((await server.inject({ url: "/healthz" })).statusCode).toBe(200);
    expect((await server.inject({ url: "/api/nope" })).statusCode).toBe(404);
  });
});

describe("the real server", () => {
  let app: App;
  let server: FastifyInstance;
  beforeAll(async () => {
    const config = loadConfig({ GEUMGO_DATA: mkdtempSync(join(tmpdir(), "geumgo-web-app-")) });
    const db = await freshDb("pglite");
    app = {
      config,
      db,
      ...contextsFor(config, db),
      setup: { caKeys: [], caCreated: false, demoCreated: false },
      close: () => db.close(),
    };
    server = await buildServer(app, { logLevel: "silent" });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await app?.close();
  });

  it("keeps unknown API addresses as JSON 404s with the API's CSP, built or not", async () => {
    const r = await server.inject({ url: "/api/no-such-route", headers: html });
    expect(r.statusCode).toBe(404);
    expect(r.json().error.code).toBe("not_found");
    expect(r.headers["content-security-policy"]).toMatch(/^default-src 'none'/);
  });

  it("answers / with the page or, without a build, the 503 (never a crash)", async () => {
    const r = await server.inject({ url: "/", headers: html });
    expect([200, 503]).toContain(r.statusCode);
    expect(r.headers["content-type"]).toBe("text/html; charset=utf-8");
  });
});
