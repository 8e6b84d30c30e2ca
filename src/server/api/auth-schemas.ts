// The shapes of the member's session routes: login, the session, its extension and the password
// change. Imports only typebox, so the web app may take its types from here.
import { Type } from "typebox";
import { Instant, Strict } from "./schemas.ts";

export const LoginBody = Strict({
  userId: Type.String({ minLength: 1, maxLength: 30 }),
  password: Type.String({ minLength: 1, maxLength: 64 }),
});

export const LoginAnswer = Type.Object({
  userId: Type.String(),
  name: Type.String(),
  mustChangePassword: Type.Boolean(),
  csrfToken: Type.String(),
  idleTimeoutSeconds: Type.Integer(),
  previousLoginAt: Type.Union([Instant, Type.Null()]),
  expiresAt: Instant,
});

export const SessionAnswer = Type.Object({
  kind: Type.Literal("member"),
  userId: Type.String(),
  name: Type.String(),
  csrfToken: Type.String(),
  mustChangePassword: Type.Boolean(),
  expiresAt: Instant,
  idleTimeoutSeconds: Type.Integer(),
});

export const ExtendAnswer = Type.Object({ expiresAt: Instant });

export const PasswordBody = Strict({
  currentPassword: Type.String({ minLength: 1, maxLength: 64 }),
  newPassword: Type.String({ minLength: 1, maxLength: 64 }),
});
