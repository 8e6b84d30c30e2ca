// POST /admin/operations/:name: runs an operator command (src/server/operations.ts) for the CLI on
// this machine while the server holds the PGlite data directory. Only a loopback peer with the
// bearer token from the 0600 server.json gets in; arguments are a flat JSON object.
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { App } from "../context.ts";
import { ServerError } from "../errors.ts";
import { findOperation, type OperationArgs } from "../operations.ts";

const adminBodyLimitBytes = 16 * 1024;

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith("::ffff:") ? address.slice(7) : address;
  return v4.startsWith("127.") || address === "::1";
}

/** The peer is this machine: loopback, or our own address when the server listens on one. */
export function fromThisMachine(request: FastifyRequest): boolean {
  const { remoteAddress, localAddress } = request.socket;
  return isLoopback(remoteAddress) || (remoteAddress !== undefined && remoteAddress === localAddress);
}

function digest(s: string): Buffer {
  return createHash("sha256").update(s).digest();
}

/** Constant-time over equal-length digests, so neither the token's bytes nor its length leak. */
function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer ([A-Za-z0-9_-]{1,200})$/.exec(header ?? "");
  return m !== null && timingSafeEqual(digest(m[1]!), digest(token));
}

const bodySchema = {
  type: "object",
  maxProperties: 20,
  propertyNames: { pattern: "^[a-z][a-z0-9-]{0,30}$" },
  additionalProperties: { anyOf: [{ type: "string", maxLength: 1000 }, { type: "boolean" }] },
} as const;

export async function adminRoutes(
  fastify: FastifyInstance,
  options: { app: App; token: string },
): Promise<void> {
  fastify.addHook("onRequest", async (request, reply) => {
    reply.header("cache-control", "no-store");
    if (!fromThisMachine(request)) throw new ServerError("forbidden");
    if (!tokenMatches(request.headers.authorization, options.token)) throw new ServerError("unauthorized");
  });
  fastify.post<{ Params: { name: string }; Body: OperationArgs }>(
    "/admin/operations/:name",
    { bodyLimit: adminBodyLimitBytes, schema: { body: bodySchema } },
    async (request) => {
      const op = findOperation(request.params.name);
      const result = await op.run(options.app, request.body);
      request.log.info({ operation: op.name }, "operator command done");
      return { result };
    },
  );
}
