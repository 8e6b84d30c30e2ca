// The teller routes describe themselves for the OpenAPI document: every route under /api/teller
// carries the "teller" tag, its request schema and its answers, and the document builds from them.
import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { registerOpenApi } from "../../../src/server/api/openapi.ts";
import type { App } from "../../../src/server/context.ts";
import { schemaCompilerOptions } from "../../../src/server/input-rules.ts";
import { tellerRoutes } from "../../../src/server/teller/index.ts";

interface Operation {
  tags?: string[];
  requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> };
  responses: Record<string, unknown>;
}

describe("the teller API in the OpenAPI document", () => {
  it("lists every teller route, tagged, with its body and answers", async () => {
    const fastify = Fastify({ ajv: schemaCompilerOptions });
    await registerOpenApi(fastify);
    // Registering routes reads nothing of the App; requests would, and none is made here.
    await fastify.register(tellerRoutes, { app: {} as App });
    await fastify.ready();
    const doc = (await fastify.inject({ method: "GET", url: "/api/docs/json" })).json() as {
      paths: Record<string, Record<string, Operation>>;
    };
    const teller = Object.entries(doc.paths).filter(([path]) => path.startsWith("/api/teller"));
    const routes = teller.flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(routes.sort()).toEqual(
      [
        "POST /api/teller/login",
        "POST /api/teller/logout",
        "GET /api/teller/session",
        "POST /api/teller/session/extend",
        "POST /api/teller/members/lookup",
        "POST /api/teller/members",
        "GET /api/teller/members/{memberId}",
        "POST /api/teller/members/{memberId}/accounts",
        "POST /api/teller/members/{memberId}/enrolment",
        "POST /api/teller/members/{memberId}/otp",
        "POST /api/teller/members/{memberId}/security-card",
        "POST /api/teller/members/{memberId}/unlock",
        "POST /api/teller/members/{memberId}/password-reset",
        "POST /api/teller/members/{memberId}/certificate-authorization",
        "GET /api/teller/members/{memberId}/limits",
        "POST /api/teller/members/{memberId}/limits",
        "POST /api/teller/members/{memberId}/details",
        "POST /api/teller/members/{memberId}/name",
        "GET /api/teller/cash/drawer",
        "POST /api/teller/cash/drawer/open",
        "POST /api/teller/cash/drawer/close",
        "POST /api/teller/cash/deposits",
        "POST /api/teller/cash/withdrawals",
        "GET /api/teller/cash/receipts/{number}",
        "POST /api/teller/members/{memberId}/accounts/{number}/close",
        "POST /api/teller/members/{memberId}/internet-banking/end",
        "GET /api/teller/approvals",
        "GET /api/teller/approvals/{id}",
        "POST /api/teller/approvals/{id}/approve",
        "POST /api/teller/approvals/{id}/reject",
      ].sort(),
    );
    for (const [, ops] of teller) {
      for (const op of Object.values(ops)) {
        expect(op.tags).toEqual(["teller"]);
        expect(Object.keys(op.responses)).toContain("401");
      }
    }
    const enrol = doc.paths["/api/teller/members/{memberId}/enrolment"]!.post!;
    expect(Object.keys(enrol.requestBody!.content["application/json"]!.schema.properties!)).toEqual([
      "userId",
    ]);
    expect(Object.keys(enrol.responses)).toEqual(expect.arrayContaining(["201", "400", "404", "409"]));
    const withdrawal = doc.paths["/api/teller/cash/withdrawals"]!.post!;
    expect(Object.keys(withdrawal.responses)).toEqual(expect.arrayContaining(["201", "202", "409"]));
    await fastify.close();
  });
});
