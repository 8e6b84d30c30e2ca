// CMP over HTTP (RFC 6712): POST /pki/cmp with a DER PKIMessage as `application/pkixcmp` (§3.3),
// answered with one DER PKIMessage. CMP-level failures are PKIMessage error bodies with HTTP 200
// (§3.4); only what is not a CMP request at all (wrong type, too large) gets an HTTP error, and so
// does a client over its rate limit (429 with Retry-After, counted per address in the database
// before the body is read: answering it costs no parsing and no signature). The member session
// its cookie names, if any, is handed to the CA for the RA's binding of web authorisations.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { findSession } from "../../auth/sessions.ts";
import { handleCmp } from "../../ca/cmp-server.ts";
import type { CaContext, CmpRequester } from "../../ca/context.ts";
import { type RateRules, rateLimit } from "../api/rate-limits.ts";
import { cookieToken } from "../api/session-hooks.ts";
import { ServerError } from "../errors.ts";

export const cmpContentType = "application/pkixcmp";
/** A CMP request carries a CSR-sized template and a few certificates; 64 KB is ample. */
export const cmpBodyLimitBytes = 64 * 1024;

/**
 * The member's login session the request's cookie names, if it is live: a web authorisation is
 * used only from the session that made it (the browser's fetch to /pki/cmp sends the cookie, as
 * the page is of the same origin). Looked up only when the CA asks (an enrolment).
 */
function requesterOf(request: FastifyRequest, ca: CaContext): CmpRequester {
  return {
    async session() {
      const token = cookieToken(request, "member");
      if (token === undefined) return undefined;
      const session = await findSession(ca.db, token, "member", ca.clock.now(), { touch: false });
      return session?.sessionId;
    },
  };
}

export async function cmpRoutes(
  fastify: FastifyInstance,
  options: { ca: CaContext; rules: RateRules },
): Promise<void> {
  const { ca, rules } = options;
  // Scoped to this plugin: here only DER CMP messages are read, everything else is 415.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    cmpContentType,
    { parseAs: "buffer", bodyLimit: cmpBodyLimitBytes },
    (_request, body, done) => done(null, body),
  );
  const limit = async (request: FastifyRequest, reply: FastifyReply) =>
    rateLimit(ca.db, reply, rules, "cmpPerAddress", request.ip, ca.clock.now());
  fastify.post("/pki/cmp", { bodyLimit: cmpBodyLimitBytes, onRequest: limit }, async (request, reply) => {
    // Fastify reads no body without a content type; such a request is not CMP either.
    if (!Buffer.isBuffer(request.body)) throw new ServerError("unsupported_media_type");
    const answer = await handleCmp(
      ca,
      new Uint8Array(request.body),
      (e) => request.log.error({ err: e }, "CMP request failed inside the CA"),
      requesterOf(request, ca),
    );
    return reply.type(cmpContentType).header("cache-control", "no-store").send(Buffer.from(answer));
  });
}
