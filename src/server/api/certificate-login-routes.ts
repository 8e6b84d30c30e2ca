// Certificate login (src/auth/certificate-login.ts): a challenge, then the signed login form. Like
// password login, neither route needs a session or a CSRF header (there is no session yet, and a
// JSON body cannot come from a cross-site form); the login answers as password login does and sets
// the same cookie. Rate limited per client address and, for the login, per certificate.
import { createHash } from "node:crypto";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { certificateLogin, issueLoginChallenge } from "../../auth/certificate-login.ts";
import { type App, certificateLoginPort, publicOrigin } from "../context.ts";
import { openMemberSession } from "./auth-routes.ts";
import { LoginAnswer } from "./auth-schemas.ts";
import { type RateRules, rateLimit } from "./rate-limits.ts";
import { errors, Instant, Strict } from "./schemas.ts";

const Base64 = (maxLength: number, minLength = 1) =>
  Type.String({ minLength, maxLength, pattern: "^[A-Za-z0-9+/]*={0,2}$", description: "base64" });

export const ChallengeAnswer = Type.Object({
  challenge: Type.String({ description: "base64url, 128 random bits; sign it within two minutes" }),
  expiresAt: Instant,
});

export const CertificateLoginBody = Strict({
  challenge: Type.String({ minLength: 1, maxLength: 128, pattern: "^[A-Za-z0-9_-]+$" }),
  certificate: Base64(16_384),
  signature: Base64(32_768),
  vidRandom: Base64(256, 0),
});

function bytesOf(b64: string): Uint8Array {
  return new Uint8Array(Buffer.from(b64, "base64"));
}

export const certificateLoginRoutes: FastifyPluginAsyncTypebox<{ app: App; rules: RateRules }> = async (
  fastify,
  { app, rules },
) => {
  const now = () => app.bank.clock.now();
  const port = certificateLoginPort(app);

  fastify.post(
    "/api/auth/certificate/challenge",
    {
      schema: {
        tags: ["session"],
        summary: "A single-use challenge for certificate login (two minutes)",
        response: { 200: ChallengeAnswer, ...errors },
      },
    },
    async (request, reply) => {
      await rateLimit(app.db, reply, rules, "challengePerAddress", request.ip, now());
      const issued = await issueLoginChallenge(app.bank);
      return { challenge: issued.challenge, expiresAt: issued.expiresAt.toISOString() };
    },
  );

  fastify.post(
    "/api/auth/certificate/login",
    {
      schema: {
        tags: ["session"],
        summary: "Log in with a certificate: the login form signed over the challenge; sets geumgo_session",
        body: CertificateLoginBody,
        response: { 200: LoginAnswer, ...errors },
      },
    },
    async (request, reply) => {
      const { challenge, certificate, signature, vidRandom } = request.body;
      const certificateBytes = bytesOf(certificate);
      await rateLimit(app.db, reply, rules, "loginPerAddress", request.ip, now());
      // Per certificate, as password login is per user ID (IDs hold no ':', so the two never meet).
      const certificateId = createHash("sha256").update(certificateBytes).digest("base64url");
      await rateLimit(app.db, reply, rules, "loginPerUser", `certificate:${certificateId}`, now());
      const user = await certificateLogin(
        { ...app.bank, port, origin: publicOrigin(app) },
        {
          challenge,
          certificate: certificateBytes,
          signature: bytesOf(signature),
          vidRandom: bytesOf(vidRandom),
        },
      );
      return openMemberSession(request, reply, user, "member logged in with a certificate");
    },
  );
};
