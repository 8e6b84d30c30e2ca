// The Fastify server: logging with request ids and nothing secret, security headers, one error
// handler that turns every failure into `{ error: { code, message: { ko, en } } }`, and the routes
// (health, CMP, revocation status, and the operator route while the server holds PGlite).
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import Fastify, { type FastifyInstance } from "fastify";
import type { DestinationStream } from "pino";
import { type ApiOptions, apiRoutes } from "./api/index.ts";
import { registerOpenApi } from "./api/openapi.ts";
import { defaultRateRules } from "./api/rate-limits.ts";
import { caNotReady } from "./ca-readiness.ts";
import { type App, listeningOn } from "./context.ts";
import { errorReply, ServerError } from "./errors.ts";
import { guardInput } from "./input-guard.ts";
import { schemaCompilerOptions } from "./input-rules.ts";
import { usesOutbox } from "./message-senders.ts";
import { adminRoutes } from "./routes/admin.ts";
import { cmpRoutes } from "./routes/cmp.ts";
import { devOutboxRoutes } from "./routes/dev-outbox.ts";
import { registerPkiStatusRoutes } from "./routes/pki-status.ts";
import { tellerRoutes } from "./teller/index.ts";
import { webRoutes } from "./web.ts";

export interface ServerOptions {
  /** Enables POST /admin/operations/:name with this bearer token (PGlite servers). */
  adminToken?: string;
  /** Log level (default info; LOG_LEVEL) and where the JSON lines go (default stdout). */
  logLevel?: string;
  logStream?: DestinationStream;
  /** Rate limits other than the defaults (a benchmark logging in or flooding CMP from one address). */
  rateRules?: ApiOptions["rateRules"];
}

/** A caller's own request id is kept only when it is a short, plain token (it lands in our logs). */
const safeRequestId = /^[A-Za-z0-9._:-]{1,64}$/;

/** Random bytes for request ids, drawn a pool at a time: one draw per request showed in profiles. */
const idPool = { bytes: Buffer.alloc(0), at: 0 };

function requestId(req: IncomingMessage): string {
  const given = req.headers["x-request-id"];
  if (typeof given === "string" && safeRequestId.test(given)) return given;
  if (idPool.at + 12 > idPool.bytes.length) {
    idPool.bytes = randomBytes(12 * 512);
    idPool.at = 0;
  }
  idPool.at += 12;
  return idPool.bytes.toString("base64url", idPool.at - 12, idPool.at);
}

/** The path only: query strings may carry codes or personal data, so they never reach the log. */
export function loggedUrl(url: string | undefined): string {
  const path = (url ?? "").split("?")[0] ?? "";
  return path.length > 300 ? `${path.slice(0, 300)}…` : path;
}

const securityHeaders: Record<string, string> = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  // The API and PKI answers are data, never pages: nothing in them may load or be framed.
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
};

export async function buildServer(app: App, options: ServerOptions = {}): Promise<FastifyInstance> {
  const https = app.config.publicUrl?.startsWith("https:") ?? false;
  const fastify = Fastify({
    logger: {
      level: options.logLevel ?? process.env.LOG_LEVEL ?? "info",
      ...(options.logStream ? { stream: options.logStream } : {}),
      serializers: {
        req: (req: { method: string; url: string; socket?: { remoteAddress?: string } }) => ({
          method: req.method,
          url: loggedUrl(req.url),
          remoteAddress: req.socket?.remoteAddress,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        // Only what says what failed: driver errors carry row values in `detail`, which stay out.
        err: (e: Error & { code?: unknown }) => ({
          type: e.name,
          code: typeof e.code === "string" ? e.code : undefined,
          message: e.message,
          stack: e.stack ?? "",
        }),
      },
    },
    genReqId: requestId,
    requestIdHeader: false,
    // Behind the configured reverse proxies, request.ip is the caller's (X-Forwarded-For), so the
    // per-address limits count callers; from anyone else the header is ignored.
    trustProxy: app.config.trustProxy.length > 0 ? app.config.trustProxy : false,
    // Bodies are small everywhere here; routes that take binary set their own, smaller limits.
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
    // Ids within bigint, days within reason, text that displays and prints (src/server/input-rules.ts).
    ajv: schemaCompilerOptions,
  });

  // Node's own event, before listen() resolves and before any request is read: whoever started the
  // server (npm start, a test on PORT=0) finds our public URL naming the port it got.
  fastify.server.on("listening", () => {
    const address = fastify.server.address();
    if (address !== null && typeof address === "object") listeningOn(app, address.port);
  });

  // The Date header names the bank's clock, not the machine's: pages take the bank's time from it
  // (the idle-logout countdown, CMP message times, a transfer's signing time), and the CA holds
  // messages to its own clock. The two differ only where the clock is moved (GEUMGO_FAKE_NOW, tests).
  fastify.server.prependListener("request", (_req, res) => {
    res.setHeader("date", app.bank.clock.now().toUTCString());
  });

  fastify.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", request.id);
    for (const [name, value] of Object.entries(securityHeaders)) reply.header(name, value);
    if (https) reply.header("strict-transport-security", "max-age=31536000");
  });
  // Before any route: JSON nesting bounded before parsing, no control character in any string.
  guardInput(fastify);

  fastify.setErrorHandler((error, request, reply) => {
    const { status, body } = errorReply(error);
    if (status >= 500) request.log.error({ err: error }, "request failed");
    else request.log.info({ code: body.error.code }, "request refused");
    return reply.status(status).type("application/json; charset=utf-8").send(body);
  });
  fastify.setNotFoundHandler((_request, reply) => {
    const { status, body } = errorReply(new ServerError("not_found"));
    return reply.status(status).send(body);
  });

  fastify.get("/healthz", async (request, reply) => {
    try {
      await app.db.query("SELECT 1");
    } catch (e) {
      request.log.error({ err: e }, "health check: the database does not answer");
      const { status, body } = errorReply(new ServerError("database_unavailable"));
      return reply.status(status).send(body);
    }
    const notReady = await caNotReady(app);
    if (notReady !== undefined) {
      request.log.error({ err: notReady }, "health check: the CA key cannot be unsealed");
      // Not ready, whatever the reason: a load balancer sends nothing here until it can sign.
      return reply.status(503).send(errorReply(notReady).body);
    }
    return { status: "ok", database: app.db.kind };
  });

  await fastify.register(cmpRoutes, { ca: app.ca, rules: { ...defaultRateRules, ...options.rateRules } });

  await registerPkiStatusRoutes(fastify, app.ca);

  if (options.adminToken) await fastify.register(adminRoutes, { app, token: options.adminToken });
  // The internet banking API and the web app, each in a scope of its own; the OpenAPI
  // document is registered first, at the root, so that it sees both APIs' routes.
  await registerOpenApi(fastify);
  await fastify.register(apiRoutes, {
    app,
    ...(options.rateRules ? { rateRules: options.rateRules } : {}),
  });
  await fastify.register(tellerRoutes, { app });
  // Development and demo servers only: what the outbox sender "sent" to members' phones.
  if (usesOutbox(app)) await fastify.register(devOutboxRoutes, { app });
  await fastify.register(webRoutes, { app });
  return fastify;
}
