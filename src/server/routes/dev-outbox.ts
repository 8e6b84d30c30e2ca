// The development outbox page (DESIGN §5 "Messages to the member's phone"): what the `outbox`
// message sender would have delivered to members' phones, newest first, so that a developer or a
// demo can read a reissue's one-time code. Mounted only when the outbox is the sender, which
// src/config.ts refuses in production; and even then it answers only a peer on this machine, as the
// operator route does, since the page shows live codes. GET /dev/outbox is a page, /dev/outbox.json
// the same as JSON (?to=010-1234-5678 keeps one recipient's). Untagged, so not in the OpenAPI.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { type OutboxMessage, readOutbox } from "../../certcenter/message-sender.ts";
import type { App } from "../context.ts";
import { ServerError } from "../errors.ts";
import { fromThisMachine } from "./admin.ts";

const querySchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    to: { type: "string", maxLength: 100, pattern: "^[0-9A-Za-z@.+_-]{1,100}$" },
    limit: { type: "integer", minimum: 1, maximum: 500 },
  },
} as const;

interface OutboxQuery {
  to?: string;
  limit?: number;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(messages: OutboxMessage[]): string {
  const rows = messages
    .map(
      (m) =>
        `<tr><td>${m.id}</td><td>${escapeHtml(m.at.toISOString())}</td><td>${m.channel}</td><td>${escapeHtml(m.to)}</td><td>${escapeHtml(m.purpose)}</td><td>${escapeHtml(m.body)}</td></tr>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><title>개발용 발신함 · Development outbox</title></head>
<body>
<h1>개발용 발신함 · Development outbox</h1>
<p>회원 휴대폰으로 갈 메시지예요. 개발·데모 서버에만 있어요. Messages that would go to members' phones; development and demo servers only.</p>
<table border="1">
<thead><tr><th>#</th><th>at (UTC)</th><th>channel</th><th>to</th><th>purpose</th><th>message</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="6">(empty)</td></tr>'}
</tbody></table>
</body></html>
`;
}

/**
 * A request a proxy passed on: the TCP peer is this machine, but the caller may be anyone. Live
 * codes are shown only to a caller on this machine itself, never through a reverse proxy.
 */
function forwarded(request: FastifyRequest): boolean {
  const h = request.headers;
  return h["x-forwarded-for"] !== undefined || h.forwarded !== undefined || h["x-real-ip"] !== undefined;
}

async function messagesFor(app: App, request: FastifyRequest<{ Querystring: OutboxQuery }>) {
  if (!fromThisMachine(request) || forwarded(request)) throw new ServerError("forbidden");
  const { to, limit } = request.query;
  return readOutbox(app.db, { ...(to ? { to } : {}), ...(limit ? { limit } : {}) });
}

export async function devOutboxRoutes(fastify: FastifyInstance, { app }: { app: App }): Promise<void> {
  fastify.addHook("onRequest", async (_request, reply) => {
    reply.header("cache-control", "no-store");
  });
  fastify.get<{ Querystring: OutboxQuery }>(
    "/dev/outbox",
    { schema: { querystring: querySchema } },
    async (request, reply) => {
      const messages = await messagesFor(app, request);
      return reply.type("text/html; charset=utf-8").send(page(messages));
    },
  );
  fastify.get<{ Querystring: OutboxQuery }>(
    "/dev/outbox.json",
    { schema: { querystring: querySchema } },
    async (request) => {
      const messages = await messagesFor(app, request);
      return {
        messages: messages.map((m) => ({ ...m, id: m.id.toString(), at: m.at.toISOString() })),
      };
    },
  );
}
