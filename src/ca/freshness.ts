// Freshness of signed CMP requests (RFC 4210 §5.1.1 messageTime and senderNonce, §3.1.1 replay):
// a signed kur, rr or certConf carries a messageTime within a few minutes of the CA's clock and a
// senderNonce never taken before, kept in the database for that window so that every process
// agrees. MAC-protected requests are left to the authorisation's single use (docs/ca.md).
import type { Queryable } from "../db/db.ts";
import type { PkiHeader } from "../pki/asn1/cmp.ts";
import { bytesOf } from "../pki/cmp.ts";
import { refuse } from "./cmp-refusal.ts";
import type { CaContext } from "./context.ts";
import { CaRequestError } from "./errors.ts";

/**
 * The codes of this module's refusals. A stale or replayed request bears a good signature (anyone
 * who captured one can send it again), so it proves nothing about its sender now: it is counted
 * and answered unprotected like a request whose signature failed, never audited or signed each time.
 */
export const staleOrReplayedCodes: ReadonlySet<string> = new Set([
  "no_message_time",
  "stale_message",
  "nonce_reused",
]);

/** How far a signed request's messageTime may be from the CA's clock, either way. */
export const messageTimeWindowMs = 5 * 60_000;

/**
 * Refuses (badTime) a request without a messageTime or outside the window, then takes its
 * senderNonce (badSenderNonce when taken before). Called once the request is authenticated and
 * judged acceptable, just before it changes anything: a refusal for another reason leaves the
 * nonce unused, and only signers the CA knows can write to the store.
 */
export async function takeFreshRequest(ca: CaContext, header: PkiHeader): Promise<void> {
  const now = ca.clock.now();
  const sent = header.messageTime;
  if (!sent || Number.isNaN(sent.getTime())) {
    throw refuse("no_message_time", "badTime", "a signed request must carry its messageTime");
  }
  if (Math.abs(sent.getTime() - now.getTime()) > messageTimeWindowMs) {
    throw refuse(
      "stale_message",
      "badTime",
      `messageTime must be within ${messageTimeWindowMs / 60_000} minutes of the CA's time`,
    );
  }
  // Kept until no process could take the message as fresh: its messageTime plus the window, plus
  // a window more for processes whose clocks differ.
  const keepUntil = new Date(Math.max(sent.getTime(), now.getTime()) + 2 * messageTimeWindowMs);
  const { rows } = await ca.db.query(
    "INSERT INTO cmp_sender_nonces (nonce, expires_at) VALUES ($1, $2) ON CONFLICT (nonce) DO NOTHING RETURNING 1",
    [bytesOf(header.senderNonce)!, keepUntil],
  );
  if (rows.length !== 1) {
    throw refuse("nonce_reused", "badSenderNonce", "this senderNonce was used before: a replay");
  }
}

/** Refuses (transactionIdInUse) a request that would reuse the transactionID of a certificate. */
export async function assertTransactionUnused(db: Queryable, header: PkiHeader): Promise<void> {
  const { rows } = await db.query("SELECT 1 FROM certificates WHERE cmp_transaction = $1", [
    bytesOf(header.transactionID)!,
  ]);
  if (rows.length > 0) throw new CaRequestError("transaction_id_in_use");
}

/** Deletes the nonces whose window has passed; for the scheduler. Returns how many. */
export async function purgeSenderNonces(ca: CaContext): Promise<number> {
  const { rows } = await ca.db.query(
    "WITH gone AS (DELETE FROM cmp_sender_nonces WHERE expires_at < $1 RETURNING 1) SELECT count(*)::int AS n FROM gone",
    [ca.clock.now()],
  );
  return Number((rows[0] as { n: number }).n);
}
