// The OpenAPI description of the member and teller API, built from the routes' own schemas: the JSON at
// /api/docs/json and a Swagger UI page at /api/docs (served from our origin, nothing external).
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";

export const openApiInfo = {
  title: "Geumgo internet banking API",
  version: "1",
  description:
    "The member API of Geumgo. Log in with POST /api/auth/login: the answer sets the HttpOnly cookie " +
    "geumgo_session and carries csrfToken, which every POST, PUT, PATCH and DELETE must send as the " +
    "x-csrf-token header. Money is a decimal string of whole won. Errors are " +
    "{ error: { code, message: { ko, en }, details? } }. See docs/api.md.",
};

/** The page's own policy: its scripts and styles from here only, never framed. */
function docsCsp(header: string): string {
  return String(header)
    .replace(/frame-ancestors [^;]*;/, "frame-ancestors 'none';")
    .replace(/ ?validator\.swagger\.io/g, "")
    .replace(/ https:/g, "")
    .replace(/ ?upgrade-insecure-requests;?/, "");
}

export async function registerOpenApi(fastify: FastifyInstance): Promise<void> {
  await fastify.register(swagger, {
    // Only the JSON API (tagged routes); CMP, OCSP and the CRL are described in docs/ca.md.
    hideUntagged: true,
    openapi: {
      openapi: "3.1.0",
      info: openApiInfo,
      tags: [
        { name: "session", description: "login, logout, the session, the password" },
        { name: "member", description: "my information" },
        { name: "accounts", description: "accounts, history, statements" },
        { name: "transfers", description: "limits, recipient, challenge, transfer" },
        { name: "notifications", description: "the notification centre" },
        {
          name: "teller",
          description: "the teller console: members, accounts, enrolment, media, authorisations",
        },
      ],
      components: {
        securitySchemes: {
          memberSession: { type: "apiKey", in: "cookie", name: "geumgo_session" },
          tellerSession: { type: "apiKey", in: "cookie", name: "geumgo_teller" },
          csrfToken: { type: "apiKey", in: "header", name: "x-csrf-token" },
        },
      },
    },
  });
  await fastify.register(swaggerUi, {
    routePrefix: "/api/docs",
    staticCSP: true,
    transformStaticCSP: docsCsp,
    uiConfig: { validatorUrl: null, deepLinking: false },
  });
}
