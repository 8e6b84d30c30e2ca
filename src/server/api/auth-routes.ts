// Signing in and out, the session (read and extend), and the password change that completes
// online user registration. Login is the one unsafe route without a CSRF header: there is no
// session yet, and its JSON body cannot be sent by a cross-site form.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Static } from "typebox";
import { changePassword, type LoggedIn, login } from "../../auth/login.ts";
import { endMemberSessions, sessionExpiresAt, sessionIdleMs } from "../../auth/sessions.ts";
import { memberName } from "../../bank/members.ts";
import { notifyLoginLocked, notifyPasswordChanged } from "../../bank/notifications.ts";
import type { App } from "../context.ts";
import { ServerError } from "../errors.ts";
import { ExtendAnswer, LoginAnswer, LoginBody, PasswordBody, SessionAnswer } from "./auth-schemas.ts";
import { type RateRules, rateLimit } from "./rate-limits.ts";
import { errors, memberSecurity, memberUnsafeSecurity, NoContent } from "./schemas.ts";
import { endSession, requireMember, startSession } from "./session-hooks.ts";

/** Opens the member's session and gives the login answer: password and certificate login alike. */
export async function openMemberSession(
  request: FastifyRequest,
  reply: FastifyReply,
  user: LoggedIn,
  logMessage: string,
): Promise<Static<typeof LoginAnswer>> {
  const started = await startSession(request, reply, {
    kind: "member",
    cooperativeId: user.cooperativeId,
    memberId: user.memberId,
  });
  request.log.info({ session: started.session.sessionId.slice(0, 12) }, logMessage);
  return {
    userId: user.userId,
    name: user.name,
    mustChangePassword: user.mustChangePassword,
    csrfToken: started.csrfToken,
    idleTimeoutSeconds: sessionIdleMs / 1000,
    previousLoginAt: user.previousLoginAt?.toISOString() ?? null,
    expiresAt: started.expiresAt.toISOString(),
  };
}

export const authRoutes: FastifyPluginAsyncTypebox<{ app: App; rules: RateRules }> = async (
  fastify,
  { app, rules },
) => {
  const now = () => app.bank.clock.now();

  fastify.post(
    "/api/auth/login",
    {
      schema: {
        tags: ["session"],
        summary: "Log in with user ID and password; sets the geumgo_session cookie",
        body: LoginBody,
        response: { 200: LoginAnswer, ...errors },
      },
    },
    async (request, reply) => {
      const { userId, password } = request.body;
      await rateLimit(app.db, reply, rules, "loginPerAddress", request.ip, now());
      await rateLimit(app.db, reply, rules, "loginPerUser", userId.toLowerCase(), now());
      const user = await login(
        app.bank,
        { userId, password },
        {
          async onLocked(tx, who) {
            await notifyLoginLocked(tx, who);
            await endMemberSessions(tx, who);
          },
        },
      );
      return openMemberSession(request, reply, user, "member logged in");
    },
  );

  fastify.post(
    "/api/auth/logout",
    {
      schema: {
        tags: ["session"],
        summary: "Log out (ends the session; a dead session logs out too)",
        security: memberUnsafeSecurity,
        response: { 204: NoContent, ...errors },
      },
    },
    async (request, reply) => {
      try {
        await requireMember(request, { allowPasswordChange: true, touch: false });
      } catch (e) {
        // Already dead: clearing the cookie is all there is to do. A live session needs the header.
        if (!(e instanceof ServerError && e.code === "unauthenticated")) throw e;
      }
      await endSession(request, reply, "member");
      return reply.status(204).send(null);
    },
  );

  fastify.get(
    "/api/session",
    {
      schema: {
        tags: ["session"],
        summary: "The current session; reading it does not count as activity",
        security: memberSecurity,
        response: { 200: SessionAnswer, ...errors },
      },
    },
    async (request) => {
      const auth = await requireMember(request, { allowPasswordChange: true, touch: false });
      const name = await memberName(app.db, auth);
      return {
        kind: "member" as const,
        userId: auth.userId,
        name: name ?? "",
        csrfToken: auth.session.csrfToken,
        mustChangePassword: auth.mustChangePassword,
        expiresAt: sessionExpiresAt(auth.session).toISOString(),
        idleTimeoutSeconds: sessionIdleMs / 1000,
      };
    },
  );

  fastify.post(
    "/api/session/extend",
    {
      schema: {
        tags: ["session"],
        summary: "Keep the session alive for another 10 minutes",
        security: memberUnsafeSecurity,
        response: { 200: ExtendAnswer, ...errors },
      },
    },
    async (request) => {
      const auth = await requireMember(request, { allowPasswordChange: true, touch: "exact" });
      return { expiresAt: sessionExpiresAt(auth.session).toISOString() };
    },
  );

  fastify.post(
    "/api/auth/password",
    {
      schema: {
        tags: ["session"],
        summary: "Change the password (replaces the temporary one: online user registration)",
        security: memberUnsafeSecurity,
        body: PasswordBody,
        response: { 204: NoContent, ...errors },
      },
    },
    async (request, reply) => {
      const auth = await requireMember(request, { allowPasswordChange: true });
      await rateLimit(app.db, reply, rules, "codeEntryPerSession", auth.sessionId, now());
      await changePassword(
        app.bank,
        { cooperativeId: auth.cooperativeId, memberId: auth.memberId, ...request.body },
        {
          async onChanged(tx, who) {
            await notifyPasswordChanged(tx, who);
            // Whoever else was signed in with the old password is signed out.
            await endMemberSessions(tx, who, auth.sessionId);
          },
        },
      );
      return reply.status(204).send(null);
    },
  );
};
