// Which message sender carries a server's messages to members' phones, by configuration
// (GEUMGO_MESSAGE_SENDER, src/config.ts): the server is where configuration meets the domain, so
// the choice is made here and the certcenter only sees the MessageSender interface. A real SMS or
// e-mail gateway is a module implementing MessageSender (src/certcenter/message-sender.ts) that
// adds its name to `senders` below, with whatever settings of its own it reads from the
// environment (its address, credentials); none ships yet.
import { type MessageSender, noSender, outboxSender } from "../certcenter/message-sender.ts";
import { ConfigError } from "../config.ts";
import type { App } from "./context.ts";

type SenderFactory = (app: App) => MessageSender;

const senders: Readonly<Record<string, SenderFactory>> = {
  outbox: (app) => outboxSender(app.db, app.bank.clock),
  none: () => noSender,
};

/** The configured sender names a server knows (for the operator's error and the docs). */
export const messageSenderNames = Object.keys(senders);

const made = new WeakMap<App, MessageSender>();

/** The app's sender, made once; a name no factory knows is a configuration error. */
export function messageSenderFor(app: App): MessageSender {
  let sender = made.get(app);
  if (!sender) {
    const factory = Object.hasOwn(senders, app.config.messageSender)
      ? senders[app.config.messageSender]
      : undefined;
    if (!factory) {
      throw new ConfigError(
        `GEUMGO_MESSAGE_SENDER=${app.config.messageSender} names no sender this server knows (${messageSenderNames.join(", ")})`,
      );
    }
    sender = factory(app);
    made.set(app, sender);
  }
  return sender;
}

/** Whether the development outbox (and so /dev/outbox) is this server's sender. */
export function usesOutbox(app: App): boolean {
  return !app.config.production && app.config.messageSender === "outbox";
}
