// The notification centre: the member's notifications, newest first, and marking one read.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { listNotifications, markNotificationRead } from "../../bank/notifications.ts";
import type { App } from "../context.ts";
import { ServerError } from "../errors.ts";
import { NotificationParams, NotificationsAnswer, NotificationsQuery } from "./notification-schemas.ts";
import { errors, memberSecurity, memberUnsafeSecurity, NoContent } from "./schemas.ts";
import { requireMember } from "./session-hooks.ts";

export const notificationRoutes: FastifyPluginAsyncTypebox<{ app: App }> = async (fastify, { app }) => {
  fastify.get(
    "/api/notifications",
    {
      schema: {
        tags: ["notifications"],
        summary: "My notifications, newest first",
        security: memberSecurity,
        querystring: NotificationsQuery,
        response: { 200: NotificationsAnswer, ...errors },
      },
    },
    async (request) => {
      const auth = await requireMember(request);
      const limit = request.query.limit ?? 50;
      const { notifications, unread } = await listNotifications(app.db, auth, {
        ...(request.query.cursor ? { before: BigInt(request.query.cursor) } : {}),
        limit,
      });
      const last = notifications[notifications.length - 1];
      return {
        notifications: notifications.map((n) => ({ ...n, id: n.id.toString(), at: n.at.toISOString() })),
        unread,
        nextCursor: notifications.length === limit && last ? last.id.toString() : null,
      };
    },
  );

  fastify.post(
    "/api/notifications/:id/read",
    {
      schema: {
        tags: ["notifications"],
        summary: "Mark a notification read",
        security: memberUnsafeSecurity,
        params: NotificationParams,
        response: { 204: NoContent, ...errors },
      },
    },
    async (request, reply) => {
      const auth = await requireMember(request);
      const found = await markNotificationRead(app.db, auth, BigInt(request.params.id), app.bank.clock.now());
      if (!found) throw new ServerError("notification_not_found");
      return reply.status(204).send(null);
    },
  );
};
