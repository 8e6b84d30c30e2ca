// The certificate centre (인증센터, DESIGN §5) for the logged-in member: the medium's challenge for
// identity proofing, the member's agreement to the terms, the web issuance authorisation (proofing, the universal fee held, the
// reference number and code for the browser's own CMP enrolment at /pki/cmp), its status for the
// session that made it, the universal renewal's fee, and the member's certificates with the issuing
// CA's certificate. Each route reads the request, makes one call into src/certcenter and maps the
// answer. The resident registration number in a body is never logged.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { formatAccountNumber } from "../../bank/account-number.ts";
import { mediumChallenge } from "../../bank/security-medium.ts";
import { recordConsents } from "../../certcenter/consents.ts";
import { memberCertificates } from "../../certcenter/member-certificates.ts";
import { holdRenewalFee } from "../../certcenter/renewal-fee.ts";
import { authorizeWebIssuance, webAuthorizationStatus } from "../../certcenter/web-issuance.ts";
import { base64Encode } from "../../pki/bytes.ts";
import type { App } from "../context.ts";
import {
  Authorization,
  AuthorizationBody,
  AuthorizationParams,
  AuthorizationStatus,
  Consent,
  ConsentBody,
  MemberCertificates,
  Renewal,
  RenewalBody,
} from "./certcenter-schemas.ts";
import { mediumRefusal, proofingAnswers } from "./proofing-input.ts";
import { type RateRules, rateLimit } from "./rate-limits.ts";
import { errors, memberSecurity, memberUnsafeSecurity } from "./schemas.ts";
import { requireMember } from "./session-hooks.ts";
import { MediumChallenge } from "./transfer-schemas.ts";

export const certcenterRoutes: FastifyPluginAsyncTypebox<{ app: App; rules: RateRules }> = async (
  fastify,
  { app, rules },
) => {
  fastify.get(
    "/api/certcenter/challenge",
    {
      schema: {
        tags: ["certcenter"],
        summary: "What identity proofing asks of the security medium: an OTP code, or two card code numbers",
        security: memberSecurity,
        response: { 200: MediumChallenge, ...errors },
      },
    },
    async (request) => {
      const auth = await requireMember(request);
      const c = await mediumChallenge(app.bank, auth).catch((e: unknown) => {
        throw mediumRefusal(e);
      });
      return c.kind === "otp"
        ? { medium: "otp" as const }
        : { medium: "card" as const, first: c.challenge.first, second: c.challenge.second };
    },
  );

  fastify.post(
    "/api/certcenter/consents",
    {
      schema: {
        tags: ["certcenter"],
        summary:
          "Record that the member agreed to the terms and personal-data consent at these versions (before a web issuance)",
        security: memberUnsafeSecurity,
        body: ConsentBody,
        response: { 201: Consent, ...errors },
      },
    },
    async (request, reply) => {
      const auth = await requireMember(request);
      const refs = Object.entries(request.body).map(([id, version]) => `${id}@${version}`);
      const agreed = await recordConsents(app.db, auth, refs, {
        now: app.bank.clock.now(),
        requestId: request.id,
      });
      return reply.status(201).send({ documents: agreed.documents, agreedAt: agreed.agreedAt.toISOString() });
    },
  );

  fastify.post(
    "/api/certcenter/authorizations",
    {
      schema: {
        tags: ["certcenter"],
        summary:
          "Prove who you are and get a one-time issuance authorisation (10 minutes, this session) for CMP at /pki/cmp; universal holds the fee",
        security: memberUnsafeSecurity,
        body: AuthorizationBody,
        response: { 201: Authorization, ...errors },
      },
    },
    async (request, reply) => {
      const auth = await requireMember(request);
      // A PIN and a code are entered: the transfers' limit on code entry per session applies.
      await rateLimit(app.db, reply, rules, "codeEntryPerSession", auth.sessionId, app.bank.clock.now());
      const { body } = request;
      const made = await authorizeWebIssuance(app, auth, {
        purpose: body.purpose,
        proofing: proofingAnswers(body),
        feeAccount: body.feeAccount,
      }).catch((e: unknown) => {
        throw mediumRefusal(e);
      });
      request.log.info({ referenceNumber: made.referenceNumber, purpose: made.purpose }, "web authorisation");
      return reply.status(201).send({
        referenceNumber: made.referenceNumber,
        authorizationCode: made.authorizationCode,
        expiresAt: made.expiresAt.toISOString(),
        purpose: made.purpose,
        fee: made.fee
          ? { amount: made.fee.amount.toString(), account: formatAccountNumber(made.fee.account) }
          : null,
      });
    },
  );

  fastify.get(
    "/api/certcenter/authorizations/:referenceNumber",
    {
      schema: {
        tags: ["certcenter"],
        summary: "One of this session's issuance authorisations: used yet, its certificate, its fee",
        security: memberSecurity,
        params: AuthorizationParams,
        response: { 200: AuthorizationStatus, ...errors },
      },
    },
    async (request) => {
      const auth = await requireMember(request);
      const s = await webAuthorizationStatus(app, auth, request.params.referenceNumber);
      return {
        ...s,
        expiresAt: s.expiresAt.toISOString(),
        fee: s.fee ? { amount: s.fee.amount.toString(), status: s.fee.status } : null,
      };
    },
  );

  fastify.post(
    "/api/certcenter/renewals",
    {
      schema: {
        tags: ["certcenter"],
        summary:
          "Hold the fee for renewing a universal certificate (10 minutes), before the renewal (CMP kur) at /pki/cmp",
        security: memberUnsafeSecurity,
        body: RenewalBody,
        response: { 201: Renewal, ...errors },
      },
    },
    async (request, reply) => {
      const auth = await requireMember(request);
      const fee = await holdRenewalFee(app, auth, request.body);
      return reply.status(201).send({
        serial: fee.serial,
        amount: fee.amount.toString(),
        account: formatAccountNumber(fee.account),
        expiresAt: fee.expiresAt.toISOString(),
      });
    },
  );

  fastify.get(
    "/api/certcenter/certificates",
    {
      schema: {
        tags: ["certcenter"],
        summary: "My certificates with their status and renewal window, and the issuing CA's certificate",
        security: memberSecurity,
        response: { 200: MemberCertificates, ...errors },
      },
    },
    async (request) => {
      const auth = await requireMember(request);
      const { certificates, caCertificate } = await memberCertificates(app, auth);
      return {
        certificates: certificates.map((c) => ({
          ...c,
          notBefore: c.notBefore.toISOString(),
          notAfter: c.notAfter.toISOString(),
          renewable: { from: c.renewable.from.toISOString(), until: c.renewable.until.toISOString() },
        })),
        caCertificate: base64Encode(caCertificate),
      };
    },
  );
};
