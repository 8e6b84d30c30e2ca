// The certificate centre's renewal and reissue routes (issue 14 items 6 and 7): the renewal status
// of one of the member's certificates, the one-time code a reissue sends to the registered phone,
// and, when the server is given identity proofing, the reissue authorisation itself. Thin: each
// reads the request, calls one use case of src/certcenter and maps the answer.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { phoneCodeDigits, sendReissuePhoneCode } from "../../certcenter/phone-code.ts";
import { authorizeReissue } from "../../certcenter/reissue.ts";
import { renewalStatus } from "../../certcenter/renewal-status.ts";
import { renewalBlockWords } from "../../messages/certcenter.ts";
import { fromHex, toHex } from "../../pki/bytes.ts";
import type { App } from "../context.ts";
import { messageSenderFor } from "../message-senders.ts";
import { type RateRules, rateLimit } from "./rate-limits.ts";
import {
  PhoneCodeAnswer,
  PhoneCodeBody,
  ReissueAnswer,
  ReissueBody,
  RenewalStatusAnswer,
  SerialParams,
} from "./renewal-schemas.ts";
import { errors, memberSecurity, memberUnsafeSecurity } from "./schemas.ts";
import { type MemberAuth, requireMember } from "./session-hooks.ts";

/**
 * Identity proofing for a reissue (the web issuance's proofing: resident registration number, an
 * account with its passbook PIN, OTP or security card), given the member's `proof` fields: resolves
 * when proven, throws a typed (4xx) error when not. The server mounts POST /api/certcenter/reissue
 * only when it has one.
 */
export type ReissueProofing = (
  app: App,
  auth: MemberAuth,
  proof: Readonly<Record<string, string>>,
) => Promise<void>;

export const renewalRoutes: FastifyPluginAsyncTypebox<{
  app: App;
  rules: RateRules;
  reissueProofing?: ReissueProofing | undefined;
}> = async (fastify, { app, rules, reissueProofing }) => {
  fastify.get(
    "/api/certcenter/renewal/:serial",
    {
      schema: {
        tags: ["certcenter"],
        summary: "Whether my certificate can be renewed now, its renewal window, and why not",
        security: memberSecurity,
        params: SerialParams,
        response: { 200: RenewalStatusAnswer, ...errors },
      },
    },
    async (request) => {
      const auth = await requireMember(request);
      const serial = fromHex(request.params.serial.toLowerCase().replace(/^00(?=[0-9a-f]{32}$)/, ""));
      const s = await renewalStatus(app.ca, auth, serial);
      return {
        serial: toHex(s.serial),
        purpose: s.purpose,
        notAfter: s.notAfter.toISOString(),
        window: { from: s.window.from.toISOString(), until: s.window.until.toISOString() },
        renewable: s.renewable,
        reason: s.blocked ? { code: s.blocked, message: renewalBlockWords[s.blocked] } : null,
        next: s.next,
      };
    },
  );

  fastify.post(
    "/api/certcenter/reissue/phone-code",
    {
      schema: {
        tags: ["certcenter"],
        summary: "Send a one-time code to my registered phone for a reissue (6 digits, 3 minutes)",
        security: memberUnsafeSecurity,
        body: PhoneCodeBody,
        response: { 200: PhoneCodeAnswer, ...errors },
      },
    },
    async (request, reply) => {
      const auth = await requireMember(request);
      const now = app.bank.clock.now();
      await rateLimit(
        app.db,
        reply,
        rules,
        "phoneCodePerMember",
        `${auth.cooperativeId}:${auth.memberId}`,
        now,
      );
      const sent = await sendReissuePhoneCode(
        { bank: app.bank, ca: app.ca, sender: messageSenderFor(app) },
        { cooperativeId: auth.cooperativeId, memberId: auth.memberId, sessionId: auth.sessionId },
        request.body.purpose,
      );
      return { sentTo: sent.sentTo, expiresAt: sent.expiresAt.toISOString(), digits: phoneCodeDigits };
    },
  );

  if (!reissueProofing) return;
  fastify.post(
    "/api/certcenter/reissue",
    {
      schema: {
        tags: ["certcenter"],
        summary: "Authorise a reissue: identity proofing, the phone code, then a web authorisation",
        security: memberUnsafeSecurity,
        body: ReissueBody,
        response: { 200: ReissueAnswer, ...errors },
      },
    },
    async (request, reply) => {
      const auth = await requireMember(request);
      // Each try spends code-entry budget, as the PIN and OTP entries of a transfer do.
      await rateLimit(app.db, reply, rules, "codeEntryPerSession", auth.sessionId, app.bank.clock.now());
      const { purpose, reason, phoneCode, proof } = request.body;
      const issued = await authorizeReissue(
        app,
        {
          who: {
            cooperativeId: auth.cooperativeId,
            memberId: auth.memberId,
            sessionId: auth.sessionId,
            userId: auth.userId,
          },
          purpose,
          reason,
          phoneCode,
        },
        () => reissueProofing(app, auth, proof),
      );
      return { ...issued, expiresAt: issued.expiresAt.toISOString() };
    },
  );
};
