// The certificate centre's renewal and reissue routes (DESIGN §4 "Renewal", "Reissue"): the renewal status
// of one of the member's certificates, the one-time code a reissue sends to the registered phone,
// and the reissue authorisation itself (identity proofing, the code, bound to the session). Thin: each
// reads the request, calls one use case of src/certcenter and maps the answer.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { phoneCodeDigits, sendReissuePhoneCode } from "../../certcenter/phone-code.ts";
import { authorizeReissue } from "../../certcenter/reissue.ts";
import { renewalStatus } from "../../certcenter/renewal-status.ts";
import { renewalBlockWords } from "../../messages/certcenter.ts";
import { fromHex, toHex } from "../../pki/bytes.ts";
import type { App } from "../context.ts";
import { messageSenderFor } from "../message-senders.ts";
import { mediumRefusal, proofingAnswers } from "./proofing-input.ts";
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
import { requireMember } from "./session-hooks.ts";

export const renewalRoutes: FastifyPluginAsyncTypebox<{ app: App; rules: RateRules }> = async (
  fastify,
  { app, rules },
) => {
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

  fastify.post(
    "/api/certcenter/reissue",
    {
      schema: {
        tags: ["certcenter"],
        summary:
          "Authorise a reissue: identity proofing, the phone code, then a web authorisation (10 minutes, this session) replacing the live certificate",
        security: memberUnsafeSecurity,
        body: ReissueBody,
        response: { 200: ReissueAnswer, ...errors },
      },
    },
    async (request, reply) => {
      const auth = await requireMember(request);
      // A PIN and two codes are entered: the transfers' limit on code entry per session applies.
      await rateLimit(app.db, reply, rules, "codeEntryPerSession", auth.sessionId, app.bank.clock.now());
      const { body } = request;
      const issued = await authorizeReissue(app, auth, {
        purpose: body.purpose,
        reason: body.reason,
        phoneCode: body.phoneCode,
        proofing: proofingAnswers(body),
      }).catch((e: unknown) => {
        throw mediumRefusal(e);
      });
      request.log.info(
        { referenceNumber: issued.referenceNumber, purpose: body.purpose },
        "reissue authorisation",
      );
      return { ...issued, expiresAt: issued.expiresAt.toISOString() };
    },
  );
};
