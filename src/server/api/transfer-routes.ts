// Transfers: the recipient's name for confirmation, the security medium's challenge, and the
// transfer itself. Each route reads the request, makes one call into src/bank and maps the answer;
// the use cases are src/bank/transfer-recipient.ts and src/bank/member-transfer.ts.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { formatAccountNumber, parseAccountNumber } from "../../bank/account-number.ts";
import { isBankError } from "../../bank/errors.ts";
import type { SecurityMedium } from "../../bank/limits.ts";
import { memberTransfer } from "../../bank/member-transfer.ts";
import { mediumChallenge, mediumFailuresMax } from "../../bank/security-medium.ts";
import type { TransferReceipt } from "../../bank/transfer-receipt.ts";
import { transferRecipient } from "../../bank/transfer-recipient.ts";
import { issueSignatureNonce } from "../../certcenter/transfer-nonces.ts";
import { type TransferSignatureClaim, transferSignatureHooks } from "../../certcenter/transfer-signatures.ts";
import type { App } from "../context.ts";
import { ServerError } from "../errors.ts";
import { type RateRules, rateLimit } from "./rate-limits.ts";
import { errors, memberSecurity, memberUnsafeSecurity } from "./schemas.ts";
import { requireMember } from "./session-hooks.ts";
import { Challenge, Receipt, Recipient, RecipientBody, TransferBody } from "./transfer-schemas.ts";

/** The bank's medium codes as this API names them (the plan's and the front end's words). */
function mediumError(e: unknown): unknown {
  if (isBankError(e, "medium_locked")) return new ServerError("medium_locked");
  if (isBankError(e, "medium_not_registered")) return new ServerError("medium_not_registered");
  if (isBankError(e, "medium_wrong")) {
    const remaining = e.details?.remaining;
    return new ServerError(
      "medium_wrong",
      undefined,
      typeof remaining === "number" ? { remaining, max: mediumFailuresMax } : undefined,
    );
  }
  return e;
}

/**
 * The signature the request carries, if any: all three fields or none (a part of one is refused as
 * the missing field, like every other field of the form).
 */
function signatureClaim(body: {
  signature?: string;
  signedAt?: string;
  signatureNonce?: string;
}): TransferSignatureClaim | undefined {
  const { signature, signedAt, signatureNonce } = body;
  if (signature === undefined && signedAt === undefined && signatureNonce === undefined) return undefined;
  const missing = (field: string) => new ServerError("validation", field, { field });
  if (signature === undefined) throw missing("signature");
  if (signedAt === undefined) throw missing("signedAt");
  if (signatureNonce === undefined) throw missing("signatureNonce");
  return { signature: new Uint8Array(Buffer.from(signature, "base64")), signedAt, nonce: signatureNonce };
}

function receiptJson(r: TransferReceipt) {
  return {
    id: r.id.toString(),
    at: r.at.toISOString(),
    fromAccount: formatAccountNumber(r.fromAccount),
    toAccount: formatAccountNumber(r.toAccount),
    recipientName: r.recipientName,
    amount: r.amount.toString(),
    balanceAfter: r.balanceAfter.toString(),
    memo: r.memo,
  };
}

export const transferRoutes: FastifyPluginAsyncTypebox<{ app: App; rules: RateRules }> = async (
  fastify,
  { app, rules },
) => {
  const now = () => app.bank.clock.now();

  fastify.post(
    "/api/transfers/recipient",
    {
      schema: {
        tags: ["transfers"],
        summary: "Who receives: the recipient's real name for confirmation (checks balance and limits too)",
        security: memberUnsafeSecurity,
        body: RecipientBody,
        response: { 200: Recipient, ...errors },
      },
    },
    async (request, reply) => {
      const auth = await requireMember(request);
      // Each answer shows a real name: looking numbers up in bulk is what this limit stops.
      await rateLimit(app.db, reply, rules, "recipientPerSession", auth.sessionId, now());
      // And a day's quota per member, which a second session or a new login does not refill.
      await rateLimit(
        app.db,
        reply,
        rules,
        "recipientPerMemberDay",
        `${auth.cooperativeId}:${auth.memberId}`,
        now(),
      );
      const { body } = request;
      const r = await transferRecipient(app.bank, auth, { ...body, amount: BigInt(body.amount) }).catch(
        (e: unknown) => {
          throw mediumError(e);
        },
      );
      return {
        toAccount: formatAccountNumber(r.toAccount),
        recipientName: r.recipientName,
        cooperativeName: r.cooperativeName,
        amount: r.amount.toString(),
        fee: r.fee.toString(),
      };
    },
  );

  fastify.get(
    "/api/transfers/challenge",
    {
      schema: {
        tags: ["transfers"],
        summary:
          "What the transfer form asks for: an OTP code, or two security-card code numbers; and the nonce a certificate signature carries",
        security: memberSecurity,
        response: { 200: Challenge, ...errors },
      },
    },
    async (request) => {
      const auth = await requireMember(request);
      const c = await mediumChallenge(app.bank, auth).catch((e: unknown) => {
        throw mediumError(e);
      });
      const n = await issueSignatureNonce(app.db, auth, now());
      const nonce = { signatureNonce: n.nonce, signatureNonceExpiresAt: n.expiresAt.toISOString() };
      return c.kind === "otp"
        ? { medium: "otp" as const, ...nonce }
        : { medium: "card" as const, first: c.challenge.first, second: c.challenge.second, ...nonce };
    },
  );

  fastify.post(
    "/api/transfers",
    {
      schema: {
        tags: ["transfers"],
        summary:
          "Send money. The same idempotencyKey answers with the first transfer's receipt (409 transfer_in_progress while it runs)",
        security: memberUnsafeSecurity,
        body: TransferBody,
        response: { 201: Receipt, ...errors },
      },
    },
    async (request, reply) => {
      const auth = await requireMember(request);
      const { body } = request;
      const mediumAnswer = (medium: SecurityMedium): string => {
        const answer = medium === "otp" ? body.otp : body.card && `${body.card.first}${body.card.second}`;
        if (answer === undefined) throw new ServerError("validation", medium === "otp" ? "otp" : "card");
        return answer;
      };
      const memo = body.memo ?? null;
      // The certificate centre checks the signature against the form rebuilt from this request,
      // and keeps it in the posting's transaction.
      const signing = transferSignatureHooks(
        { db: app.db, clock: app.bank.clock },
        auth,
        {
          from: parseAccountNumber(body.fromAccount),
          to: parseAccountNumber(body.toAccount),
          amount: body.amount,
          memo,
          idempotencyKey: body.idempotencyKey,
        },
        signatureClaim(body),
      );
      const result = await memberTransfer(
        app.bank,
        {
          who: auth,
          idempotencyKey: body.idempotencyKey,
          fromAccount: body.fromAccount,
          toAccount: body.toAccount,
          amount: BigInt(body.amount),
          memo,
          pin: body.pin,
          mediumAnswer,
        },
        {
          // Counted in the commit that judges the codes (it is made even when they refuse).
          beforeCodeCheck: (tx) => rateLimit(tx, reply, rules, "codeEntryPerSession", auth.sessionId, now()),
          ...signing,
        },
      ).catch((e: unknown) => {
        // A duplicate of a transfer still running: ask again under the same key for its receipt.
        if (isBankError(e, "transfer_in_progress")) {
          const wait = e.details?.retryAfterSeconds;
          reply.header("retry-after", String(typeof wait === "number" ? wait : 1));
        }
        throw mediumError(e);
      });
      request.log.info({ transfer: result.receipt.id.toString(), replayed: result.replayed }, "transfer");
      if (result.replayed) reply.header("idempotent-replayed", "true");
      return reply.status(201).send(receiptJson(result.receipt));
    },
  );
};
