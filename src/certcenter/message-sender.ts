// Messages to a member's registered phone (and, later, e-mail): one interface, so that the RA's
// checks and notices never know which gateway carries them (DESIGN §5 "Messages to the member's
// phone"). It lives in the certcenter because the RA is what sends them (a reissue's one-time
// code now, expiry notices by e-mail later), and the bank knows nothing of certificates. The
// server picks the sender by configuration (GEUMGO_MESSAGE_SENDER, src/server/message-senders.ts):
// the development outbox below, or a real SMS/e-mail gateway that implements MessageSender.
// Nothing here logs a message: its body may carry a one-time code.
import type { Clock } from "../bank/context.ts";
import type { Db, Queryable } from "../db/db.ts";

export type MessageChannel = "sms" | "email";

/** What a message is for; a gateway may route or template by it. */
export type MessagePurpose = "reissue_code" | "expiry_notice" | "contact_changed" | "internet_banking_ended";

export interface OutgoingMessage {
  channel: MessageChannel;
  /** The member's registered phone number (010-1234-5678) or e-mail address. */
  to: string;
  purpose: MessagePurpose;
  /** The text the member receives: Korean first, then English. */
  body: string;
}

/** Carries a message to the member. Throws when the gateway refuses or cannot be reached. */
export interface MessageSender {
  /** The configured name (outbox, or the gateway's), for operators; never part of a message. */
  readonly name: string;
  send(message: OutgoingMessage): Promise<void>;
}

export interface OutboxMessage {
  id: bigint;
  channel: MessageChannel;
  to: string;
  purpose: string;
  body: string;
  at: Date;
}

/**
 * The development and test sender: every message lands in the database's message_outbox, where
 * the developer reads it on /dev/outbox and a test reads it with readOutbox. Never a production
 * sender (src/config.ts refuses it there): nothing leaves the machine.
 */
export function outboxSender(db: Queryable, clock: Clock): MessageSender {
  return {
    name: "outbox",
    async send(m) {
      await db.query(
        "INSERT INTO message_outbox (channel, recipient, purpose, body, created_at) VALUES ($1, $2, $3, $4, $5)",
        [m.channel, m.to, m.purpose, m.body, clock.now()],
      );
    },
  };
}

/** The sender of a server with none configured (production without a gateway): every send fails. */
export const noSender: MessageSender = {
  name: "none",
  async send() {
    throw new Error("no message sender is configured (GEUMGO_MESSAGE_SENDER)");
  },
};

/** The outbox, newest first; `to` keeps one recipient's messages. */
export async function readOutbox(
  db: Db | Queryable,
  options: { to?: string; limit?: number } = {},
): Promise<OutboxMessage[]> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 500);
  const { rows } = await db.query<{
    id: bigint;
    channel: MessageChannel;
    recipient: string;
    purpose: string;
    body: string;
    created_at: Date;
  }>(
    `SELECT id, channel, recipient, purpose, body, created_at FROM message_outbox
      WHERE ($1::text IS NULL OR recipient = $1) ORDER BY id DESC LIMIT $2`,
    [options.to ?? null, limit],
  );
  return rows.map((r) => ({
    id: r.id,
    channel: r.channel,
    to: r.recipient,
    purpose: r.purpose,
    body: r.body,
    at: r.created_at,
  }));
}
