// A signed transfer's evidence for the member who sent it: the CMS SignedData (DER) and the exact
// canonical form it covers, so that `openssl cms -verify -binary -inform DER -content form.json`
// checks it against our CA chain (docs/api.md, "Transfer signatures"). The certificate centre keeps
// them (src/certcenter/transfer-signatures.ts); these routes only read.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { keptTransferSignature } from "../../certcenter/transfer-signatures.ts";
import type { App } from "../context.ts";
import { errors, IdIn, memberSecurity } from "./schemas.ts";
import { requireMember } from "./session-hooks.ts";

const TransferParams = Type.Object({ id: IdIn });

const SignatureFile = {
  description: "CMS SignedData, DER (detached: the content is GET …/signed-content)",
  content: { "application/pkcs7-signature": { schema: { type: "string", format: "binary" } } },
} as const;

const SignedContent = {
  description: "the transfer's canonical form, byte for byte as signed (UTF-8 JSON)",
  content: { "application/json": { schema: { type: "string", format: "binary" } } },
} as const;

export const transferSignatureRoutes: FastifyPluginAsyncTypebox<{ app: App }> = async (fastify, { app }) => {
  const kept = async (auth: { cooperativeId: number; memberId: bigint }, id: string) =>
    keptTransferSignature(app.db, {
      cooperativeId: auth.cooperativeId,
      memberId: auth.memberId,
      transferId: BigInt(id),
    });

  fastify.get(
    "/api/transfers/:id/signature",
    {
      schema: {
        tags: ["transfers"],
        summary: "The certificate signature kept for one of the member's transfers (CMS, DER)",
        security: memberSecurity,
        params: TransferParams,
        produces: ["application/pkcs7-signature"],
        response: { 200: SignatureFile, ...errors },
      },
    },
    async (request, reply) => {
      const auth = await requireMember(request);
      const s = await kept(auth, request.params.id);
      reply.type("application/pkcs7-signature");
      reply.header("content-disposition", `attachment; filename="transfer-${s.transferId}.p7s"`);
      // Fastify sends a Buffer as it is; the schema can only call the bytes a string.
      const der: unknown = Buffer.from(s.signature);
      return reply.send(der as string);
    },
  );

  fastify.get(
    "/api/transfers/:id/signed-content",
    {
      schema: {
        tags: ["transfers"],
        summary: "The canonical form a kept transfer signature covers, byte for byte",
        security: memberSecurity,
        params: TransferParams,
        produces: ["application/json"],
        response: { 200: SignedContent, ...errors },
      },
    },
    async (request, reply) => {
      const auth = await requireMember(request);
      const s = await kept(auth, request.params.id);
      reply.type("application/json");
      reply.header("content-disposition", `attachment; filename="transfer-${s.transferId}.json"`);
      const content: unknown = Buffer.from(s.content);
      return reply.send(content as string);
    },
  );
};
