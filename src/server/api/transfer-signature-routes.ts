// A signed transfer's evidence for the member who sent it: the CMS SignedData (DER) and the exact
// canonical form it covers, so that `openssl cms -verify -binary -inform DER -content form.json`
// checks it against our CA chain (docs/api.md, "Transfer signatures"). The certificate centre keeps
// them (src/certcenter/transfer-signatures.ts); these routes only read.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { type KeptSignature, keptTransferSignature } from "../../certcenter/transfer-signatures.ts";
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
  /**
   * The member's own kept signature, and one of its files as the answer: the type and the name
   * set on the reply, the bytes returned for it to send as they are (Fastify sends a Buffer
   * unchanged; the schema can only call the bytes a string).
   */
  const file = async (
    request: { params: { id: string } } & Parameters<typeof requireMember>[0],
    reply: { type(t: string): unknown; header(k: string, v: string): unknown },
    pick: (s: KeptSignature) => { type: string; name: string; bytes: Uint8Array },
  ): Promise<string> => {
    const auth = await requireMember(request);
    const kept = await keptTransferSignature(app.db, {
      cooperativeId: auth.cooperativeId,
      memberId: auth.memberId,
      transferId: BigInt(request.params.id),
    });
    const f = pick(kept);
    reply.type(f.type);
    reply.header("content-disposition", `attachment; filename="${f.name}"`);
    const bytes: unknown = Buffer.from(f.bytes);
    return bytes as string;
  };

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
    async (request, reply) =>
      reply.send(
        await file(request, reply, (s) => ({
          type: "application/pkcs7-signature",
          name: `transfer-${s.transferId}.p7s`,
          bytes: s.signature,
        })),
      ),
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
    async (request, reply) =>
      reply.send(
        await file(request, reply, (s) => ({
          type: "application/json",
          name: `transfer-${s.transferId}.json`,
          bytes: s.content,
        })),
      ),
  );
};
