// The member API under /api: sessions and CSRF (session-hooks.ts), rate limits kept in
// the database, and the routes by area (their OpenAPI, at /api/docs, is registered by app.ts at the
// root, so that it sees the teller's routes too). Every answer is private and fresh.
import type { FastifyInstance } from "fastify";
import type { App } from "../context.ts";
import { ServerError } from "../errors.ts";
import { accountRoutes } from "./account-routes.ts";
import { authRoutes } from "./auth-routes.ts";
import { notificationRoutes } from "./notification-routes.ts";
import { defaultRateRules, type RateRules } from "./rate-limits.ts";
import { bindSessions } from "./session-hooks.ts";
import { transferRoutes } from "./transfer-routes.ts";

export interface ApiOptions {
  app: App;
  /** Rate limits other than the defaults (a benchmark logging in from one address, say). */
  rateRules?: Partial<RateRules>;
}

function onlyStrings(value: unknown): boolean {
  if (typeof value === "string") return true;
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  return Object.values(value).every(onlyStrings);
}

export async function apiRoutes(fastify: FastifyInstance, options: ApiOptions): Promise<void> {
  const { app } = options;
  const rules: RateRules = { ...defaultRateRules, ...options.rateRules };
  bindSessions(fastify, app);
  fastify.addHook("onRequest", async (_request, reply) => {
    reply.header("cache-control", "no-store");
  });
  // A POST with no body (logout, extend, read) is fine even when the client labels it JSON.
  const json = fastify.getDefaultJsonParser("error", "error");
  fastify.removeContentTypeParser("application/json");
  fastify.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const text = typeof body === "string" ? body : body.toString("utf8");
    if (text === "") return done(null, undefined);
    return json(request, text, done);
  });
  // Every body field here is a string, money above all: Fastify's validator would turn a JSON
  // number into one, and 9007199254740993 arrives from JSON.parse as ...992. Refuse instead.
  fastify.addHook("preValidation", async (request) => {
    if (request.body !== undefined && !onlyStrings(request.body))
      throw new ServerError("validation", "string values only");
  });
  await fastify.register(authRoutes, { app, rules });
  await fastify.register(accountRoutes, { app });
  await fastify.register(transferRoutes, { app, rules });
  await fastify.register(notificationRoutes, { app });
}
