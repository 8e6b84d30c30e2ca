// Revocation status over HTTP for relying parties: the CRL (RFC 5280 §5), the OCSP responder by
// POST (RFC 6960 Appendix A) and by GET (RFC 5019 §5, cacheable per §6), and the CA certificates.
// Thin: read, call one CA function, set the caching headers.
import { createHash } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { activeCaKeys, CaError } from "../../ca/ca-keys.ts";
import type { CaContext } from "../../ca/context.ts";
import { currentCrl } from "../../ca/crl-publisher.ts";
import { answerOcsp, type OcspReply, ocspMaxAgeSecondsMax } from "../../ca/ocsp-responder.ts";
import { toPem } from "../../pki/bytes.ts";
import { ocspErrorResponse } from "../../pki/ocsp.ts";
import { ServerError } from "../errors.ts";

export const ocspRequestType = "application/ocsp-request";
export const ocspResponseType = "application/ocsp-response";
/** An OCSP request of 20 CertIDs with a nonce is under 2 KB; anything past 10 KB is not one. */
export const ocspRequestBytesMax = 10 * 1024;
const ocspGetPrefix = "/pki/ocsp/";

function etag(body: Uint8Array): string {
  return `"${createHash("sha1").update(body).digest("hex")}"`;
}

function notModified(request: FastifyRequest, tag: string): boolean {
  const given = request.headers["if-none-match"];
  return typeof given === "string" && given.split(",").some((t) => t.trim() === tag);
}

/** Caching headers of RFC 5019 §6.2, with max-age capped so a cached "good" soon gives way to a revocation. */
function cacheHeaders(
  reply: FastifyReply,
  o: { maxAgeSeconds: number; lastModified: Date; tag: string; now: Date },
) {
  reply
    .header("cache-control", `max-age=${o.maxAgeSeconds}, public, no-transform, must-revalidate`)
    .header("last-modified", o.lastModified.toUTCString())
    .header("expires", new Date(o.now.getTime() + o.maxAgeSeconds * 1000).toUTCString())
    .header("etag", o.tag);
}

/** The DER request in a GET path: base64, URL-encoded, where '/' and '+' may come encoded or not. */
export function ocspRequestFromPath(rawUrl: string): Uint8Array | undefined {
  const path = rawUrl.split("?")[0] ?? "";
  if (!path.startsWith(ocspGetPrefix)) return undefined;
  let b64: string;
  try {
    b64 = decodeURIComponent(path.slice(ocspGetPrefix.length));
  } catch {
    return undefined;
  }
  // A '+' turned into a space by a form-style encoder, and the URL-safe alphabet, are read as meant.
  b64 = b64.replace(/ /g, "+").replace(/-/g, "+").replace(/_/g, "/");
  if (b64.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return undefined;
  try {
    return new Uint8Array(Buffer.from(b64, "base64"));
  } catch {
    return undefined;
  }
}

async function answer(
  ca: CaContext,
  request: FastifyRequest,
  der: Uint8Array | undefined,
): Promise<OcspReply> {
  if (!der) return { status: 200, body: ocspErrorResponse("malformedRequest") };
  try {
    return await answerOcsp(ca, der);
  } catch (e) {
    // A relying party reads OCSP, not our JSON: a failure here is OCSP's internalError.
    request.log.error({ err: e }, "OCSP answer failed");
    return { status: 200, body: ocspErrorResponse("internalError") };
  }
}

export async function registerPkiStatusRoutes(app: FastifyInstance, ca: CaContext): Promise<void> {
  await app.register(async (scope) => {
    // Scoped to this plugin: only DER OCSP requests are read here; any other body is 415.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      ocspRequestType,
      { parseAs: "buffer", bodyLimit: ocspRequestBytesMax },
      (_request, body, done) => done(null, body),
    );

    scope.get("/pki/crl", async (request, reply) => {
      const crl = await currentCrl(ca);
      const now = ca.clock.now();
      const tag = `"crl-${crl.crlNumber}"`;
      const left = Math.floor((crl.nextUpdate.getTime() - now.getTime()) / 1000);
      cacheHeaders(reply, {
        maxAgeSeconds: Math.max(0, Math.min(ocspMaxAgeSecondsMax, left)),
        lastModified: crl.thisUpdate,
        tag,
        now,
      });
      if (notModified(request, tag)) return reply.status(304).send();
      return reply.type("application/pkix-crl").send(Buffer.from(crl.der));
    });

    scope.post("/pki/ocsp", { bodyLimit: ocspRequestBytesMax }, async (request, reply) => {
      if (!Buffer.isBuffer(request.body)) throw new ServerError("unsupported_media_type");
      const r = await answer(ca, request, new Uint8Array(request.body));
      return reply
        .status(r.status)
        .type(ocspResponseType)
        .header("cache-control", "no-store")
        .send(Buffer.from(r.body));
    });

    const ocspGet = async (request: FastifyRequest, reply: FastifyReply) => {
      const r = await answer(ca, request, ocspRequestFromPath(request.url));
      reply.status(r.status).type(ocspResponseType);
      if (r.maxAgeSeconds === undefined || !r.thisUpdate) {
        return reply.header("cache-control", "no-store").send(Buffer.from(r.body));
      }
      const tag = etag(r.body);
      cacheHeaders(reply, {
        maxAgeSeconds: r.maxAgeSeconds,
        lastModified: r.thisUpdate,
        tag,
        now: ca.clock.now(),
      });
      if (notModified(request, tag)) return reply.status(304).send();
      return reply.send(Buffer.from(r.body));
    };
    scope.get("/pki/ocsp/*", ocspGet);

    scope.get("/pki/chain.pem", async (_request, reply) => {
      const keys = await activeCaKeys(ca.db);
      if (keys.length === 0) throw new CaError("ca_missing");
      // Issuing CA first, then the root: the order a relying party builds the path in.
      return reply
        .type("application/pem-certificate-chain")
        .send(keys.map((k) => toPem("CERTIFICATE", k.certificate)).join(""));
    });

    scope.get("/pki/issuing-ca.der", async (_request, reply) => {
      const issuing = (await activeCaKeys(ca.db)).find((k) => k.role === "issuing");
      if (!issuing) throw new CaError("ca_missing");
      return reply.type("application/pkix-cert").send(Buffer.from(issuing.certificate));
    });
  });
}
