// The OpenAPI description lists every member route with its schemas, and its page loads nothing
// from elsewhere.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWebServer, type WebServer } from "../../support/web-server.ts";

const routes = [
  ["post", "/api/auth/login"],
  ["post", "/api/auth/logout"],
  ["post", "/api/auth/password"],
  ["get", "/api/session"],
  ["post", "/api/session/extend"],
  ["get", "/api/me"],
  ["get", "/api/accounts"],
  ["get", "/api/accounts/{number}/history"],
  ["get", "/api/accounts/{number}/statement"],
  ["get", "/api/limits"],
  ["put", "/api/limits"],
  ["post", "/api/transfers/recipient"],
  ["get", "/api/transfers/challenge"],
  ["post", "/api/transfers"],
  ["get", "/api/notifications"],
  ["post", "/api/notifications/{id}/read"],
  ["get", "/api/certcenter/renewal/{serial}"],
  ["post", "/api/certcenter/reissue/phone-code"],
  ["post", "/api/certcenter/reissue"],
  ["get", "/api/certcenter/challenge"],
  ["post", "/api/certcenter/consents"],
  ["post", "/api/certcenter/authorizations"],
  ["get", "/api/certcenter/authorizations/{referenceNumber}"],
  ["post", "/api/certcenter/renewals"],
  ["get", "/api/certcenter/certificates"],
  ["post", "/api/auth/certificate/challenge"],
  ["post", "/api/auth/certificate/login"],
  ["get", "/api/transfers/{id}/signature"],
  ["get", "/api/transfers/{id}/signed-content"],
] as const;

describe("the OpenAPI description", () => {
  let s: WebServer;
  beforeAll(async () => {
    s = await startWebServer("pglite");
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  it("lists every member route, each with responses, refusals and its inputs", async () => {
    const r = await s.request("GET", "/api/docs/json");
    expect(r.statusCode).toBe(200);
    const spec = r.json();
    expect(spec.openapi).toMatch(/^3\./);
    const listed = Object.entries(spec.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`),
    );
    const member = listed.filter((r) => !r.includes(" /api/teller/"));
    expect(member.sort()).toEqual(routes.map(([m, p]) => `${m} ${p}`).sort());
    // One document for integrators: the teller's routes are in it too, and nothing outside /api.
    expect(listed).toContain("post /api/teller/login");
    expect(listed.every((r) => r.split(" ")[1]!.startsWith("/api/"))).toBe(true);
    for (const [method, path] of routes) {
      const op = spec.paths[path][method];
      expect(op.summary, path).toBeTruthy();
      expect(op.responses["4XX"] ?? op.responses["4xx"], path).toBeDefined();
      const ok = Object.keys(op.responses).find((c) => c.startsWith("2"));
      expect(ok, path).toBeDefined();
      if (method === "post" || method === "put") {
        if (op.requestBody) expect(op.requestBody.content["application/json"].schema.type).toBe("object");
        // The logins come before any session: they need neither cookie nor CSRF header.
        if (
          !["/api/auth/login", "/api/auth/certificate/challenge", "/api/auth/certificate/login"].includes(
            path,
          )
        )
          expect(op.security, path).toEqual([{ memberSession: [], csrfToken: [] }]);
      }
      if (path.includes("{"))
        expect(
          op.parameters.some((p: { in: string }) => p.in === "path"),
          path,
        ).toBe(true);
    }
    expect(spec.paths["/api/transfers"].post.requestBody.content["application/json"].schema.required).toEqual(
      expect.arrayContaining(["idempotencyKey", "fromAccount", "toAccount", "amount", "pin"]),
    );
    // A reissue proves the member with the very fields a web issuance does, typed, no free-form record.
    const reissue = spec.paths["/api/certcenter/reissue"].post.requestBody.content["application/json"].schema;
    const issuance =
      spec.paths["/api/certcenter/authorizations"].post.requestBody.content["application/json"].schema;
    expect(reissue.required.sort()).toEqual(["account", "phoneCode", "pin", "purpose", "reason", "rrn"]);
    expect(reissue.additionalProperties).toBe(false);
    for (const field of ["rrn", "account", "pin", "otp", "card"])
      expect(reissue.properties[field], field).toEqual(issuance.properties[field]);
    expect(spec.components.securitySchemes.memberSession).toEqual({
      type: "apiKey",
      in: "cookie",
      name: "geumgo_session",
    });
  });

  it("serves the documentation page with a policy that allows only this origin", async () => {
    const r = await s.request("GET", "/api/docs/");
    expect(r.statusCode).toBe(200);
    const csp = String(r.headers["content-security-policy"]);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/https:|validator\.swagger\.io/);
  });
});
