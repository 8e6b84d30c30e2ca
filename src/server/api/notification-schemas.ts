// The shapes of the notification centre's routes. Imports only typebox, so the web app may take
// its types from here.
import { Type } from "typebox";
import { Bilingual, Id, IdIn, Instant, Strict } from "./schemas.ts";

export const NotificationsQuery = Strict({
  cursor: Type.Optional(IdIn),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
});

export const Notification = Type.Object({
  id: Id,
  at: Instant,
  kind: Type.String({
    description:
      "transfer_out, transfer_in, password_changed, login_locked, limits_changed, details_changed, account_closed, certificate_expiring, …",
  }),
  title: Bilingual,
  body: Bilingual,
  read: Type.Boolean(),
});

export const NotificationsAnswer = Type.Object({
  notifications: Type.Array(Notification),
  unread: Type.Integer(),
  nextCursor: Type.Union([Id, Type.Null()]),
});

export const NotificationParams = Strict({ id: IdIn });
