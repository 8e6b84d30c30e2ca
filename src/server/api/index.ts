// The member API under /api: sessions and CSRF (session-hooks.ts), rate limits kept in
// the database, and the routes by area (their OpenAPI, at /api/docs, is registered by app.ts at the
// root, so that it sees the teller's routes too). Every answer is private and fresh.
import type { FastifyInstance } from "fastify";
import type { App } from "../context.ts";
import { ServerError } from "../errors.ts";
import { parseJsonBodies } from "../input-guard.ts";
import { fieldLabel } from "../input-rules.ts";
import { accountRoutes } from "./account-routes.ts";
import { authRoutes } from "./auth-routes.ts";
import { certcenterRoutes } from "./certcenter-routes.ts";
import { certificateLoginRoutes } from "./certificate-login-routes.ts";
import { notificationRoutes } from "./notification-routes.ts";
import { defaultRateRules, type RateRules } from "./rate-limits.ts";
import { renewalRoutes } from "./renewal-routes.ts";
import { bindSessions } from "./session-hooks.ts";
import { transferRoutes } from "./transfer-routes.ts";
import { transferSignatureRoutes } from "./transfer-signature-routes.ts";

export interface ApiOptions {
  app: App;
  /** Rate limits other than the defaults (a benchmark logging in from one address, say). */
  rateRules?: Partial<RateRules>;
}

/** The first value of a body that is not a string or an object of strings (walked without recursion). */
function notAString(body: unknown): string | undefined {
  const stack: { value: unknown; field: string }[] = [{ value: body, field: "" }];
  while (stack.length > 0) {
    const { value, field } = stack.pop()!;
    if (typeof value === "string") continue;
    if (typeof value !== "object" || value === null || Array.isArray(value)) return field || "body";
    for (const [key, v] of Object.entries(value))
      stack.push({ value: v, field: field ? `${field}.${key}` : key });
  }
  return undefined;
}

export async function apiRoutes(fastify: FastifyInstance, options: ApiOptions): Promise<void> {
  const { app } = options;
  const rules: RateRules = { ...defaultRateRules, ...options.rateRules };
  bindSessions(fastify, app);
  fastify.addHook("onRequest", async (_request, reply) => {
    reply.header("cache-control", "no-store");
  });
  // A POST with no body (logout, extend, read) is fine even when the client labels it JSON.
  parseJsonBodies(fastify, { emptyIsNone: true });
  // Every body field here is a string, money above all: Fastify's validator would turn a JSON
  // number into one, and 9007199254740993 arrives from JSON.parse as ...992. Refuse instead.
  fastify.addHook("preValidation", async (request) => {
    const field = request.body === undefined ? undefined : notAString(request.body);
    if (field !== undefined) {
      const shown = fieldLabel(field);
      throw new ServerError("validation", shown, { field: shown, rule: "string" });
    }
  });
  await fastify.register(authRoutes, { app, rules });
  await fastify.register(accountRoutes, { app });
  await fastify.register(transferRoutes, { app, rules });
  await fastify.register(notificationRoutes, { app });
  await fastify.register(renewalRoutes, { app, rules });
  await fastify.register(certcenterRoutes, { app, rules });
  await fastify.register(certificateLoginRoutes, { app, rules });
  await fastify.register(transferSignatureRoutes, { app });
}
