// The built front end (web/dist, `npm run build:web`): the member site at / and the teller console
// at /teller, with their own strict CSP, immutable caching for the hashed assets and none for the
// HTML, and the single-page fallback for browser navigations. The server runs without a build too
// (it answers / with a 503 saying how to build), and never takes over /api, /pki, /admin, /healthz.
import { existsSync, statSync } from "node:fs";
import { resolve, sep } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { App } from "./context.ts";
import { errorReply, ServerError } from "./errors.ts";

export const defaultWebDist = resolve(import.meta.dirname, "../../web/dist");

/** The pages load only our own scripts, styles and API; nothing inline, nothing framed. */
export const webCsp =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

const immutable = "public, max-age=31536000, immutable";
const reserved = ["/api", "/pki", "/admin", "/healthz"];

function isReserved(path: string): boolean {
  return reserved.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/** A browser navigating (Accept: text/html); API clients and curl get JSON 404s instead. */
function wantsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept;
  return typeof accept === "string" && accept.includes("text/html");
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function answerNotBuilt(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { status, body } = errorReply(new ServerError("web_not_built"));
  const notBuilt = body.error;
  reply.status(status).header("cache-control", "no-store").header("retry-after", "30");
  if (!wantsHtml(request)) return reply.type("application/json; charset=utf-8").send({ error: notBuilt });
  // The app-wide CSP (default-src 'none') stays: this page needs nothing but its own text.
  const html =
    `<!doctype html><html lang="ko"><meta charset="utf-8"><title>Geumgo</title>` +
    `<h1>503</h1><p>${notBuilt.message.ko}</p><p lang="en">${notBuilt.message.en}</p></html>`;
  return reply.type("text/html; charset=utf-8").send(html);
}

export async function webRoutes(
  fastify: FastifyInstance,
  options: { app: App; distDir?: string },
): Promise<void> {
  const dist = resolve(options.distDir ?? defaultWebDist);
  // serve: false: we route ourselves (the fallback and the reserved prefixes need it).
  await fastify.register(fastifyStatic, { root: dist, serve: false, wildcard: false });

  fastify.get("/*", async (request, reply) => {
    const raw = request.url.split("?")[0] ?? "/";
    let path: string;
    try {
      path = decodeURIComponent(raw);
    } catch {
      return reply.callNotFound();
    }
    if (isReserved(path)) return reply.callNotFound();
    if (!existsSync(resolve(dist, "index.html"))) {
      if (path === "/" || wantsHtml(request)) return answerNotBuilt(request, reply);
      return reply.callNotFound();
    }
    // Only what is served from the build gets the page policy; refusals keep the app-wide one.
    const send = (name: string, cache: string) =>
      reply.header("content-security-policy", webCsp).header("cache-control", cache).sendFile(name, dist, {
        cacheControl: false,
      });

    const file = resolve(dist, `.${path}`);
    const inside = file.startsWith(dist + sep) && !path.includes("\0");
    if (inside && path.startsWith("/assets/")) {
      if (!isFile(file)) return reply.callNotFound();
      // Names carry a content hash: a file under a name never changes.
      return send(path.slice(1), immutable);
    }
    if (inside && path !== "/" && isFile(file) && !path.endsWith(".html")) {
      return send(path.slice(1), "public, max-age=3600");
    }

    const teller = path === "/teller" || path.startsWith("/teller/") || path === "/teller.html";
    if (!teller && path !== "/" && path !== "/index.html" && !wantsHtml(request)) return reply.callNotFound();
    const page = teller && isFile(resolve(dist, "teller.html")) ? "teller.html" : "index.html";
    // Always asked again (a 304 when unchanged), so a new release is picked up at once.
    reply.type("text/html; charset=utf-8");
    return send(page, "no-cache");
  });
}
