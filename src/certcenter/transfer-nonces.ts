// The server's one-time numbers for transfer signatures (DESIGN §5): handed out with the transfer
// challenge, carried in the canonical form the member signs, and spent in the transaction that
// posts the transfer, so that a signature cannot be sent again for a second transfer. A nonce is
// 256 random bits, belongs to one member's session and lives as long as a transfer form.
import { createHash, randomBytes } from "node:crypto";
import type { Queryable } from "../db/db.ts";
import { CertcenterError } from "./errors.ts";

/** How long a nonce may wait for its transfer: a session's idle time, which ends the form anyway. */
export const signatureNonceLifetimeMs = 10 * 60_000;

export interface NonceOwner {
  cooperativeId: number;
  memberId: bigint;
  /** The session's id (hex of its hash), as the session hooks name it. */
  sessionId: string;
}

/** Only the SHA-256 of a nonce is stored: a copy of the table names no nonce a client could send. */
export function nonceHash(nonce: string): Buffer {
  return createHash("sha256").update(nonce, "utf8").digest();
}

/** A new nonce for this session. */
export async function issueSignatureNonce(
  db: Queryable,
  owner: NonceOwner,
  now: Date,
): Promise<{ nonce: string; expiresAt: Date }> {
  const nonce = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + signatureNonceLifetimeMs);
  await db.query(
    `INSERT INTO transfer_signature_nonces
       (cooperative_id, nonce_hash, member_id, session_id, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [owner.cooperativeId, nonceHash(nonce), owner.memberId, owner.sessionId, now, expiresAt],
  );
  return { nonce, expiresAt };
}

/**
 * Sweeps nonces past their time, spent or not (the server's maintenance, every minute): an expired
 * nonce is refused whether its row is there or not, and a spent one's hash stays with its signature.
 */
export async function purgeSignatureNonces(db: Queryable, now: Date): Promise<void> {
  await db.query("DELETE FROM transfer_signature_nonces WHERE expires_at <= $1", [now]);
}

/**
 * Refuses a nonce this session may not use now: signature_nonce_expired when it is unknown, another
 * session's or past its time; signature_nonce_used when a transfer has spent it. The spending itself
 * is `spendNonce`'s, in the posting's transaction: two transfers racing with one nonce both pass here.
 */
export async function checkNonce(
  db: Queryable,
  owner: NonceOwner,
  nonce: string,
  now: Date,
): Promise<Buffer> {
  const hash = nonceHash(nonce);
  const { rows } = await db.query<{
    member_id: bigint;
    session_id: string;
    expires_at: Date;
    spent: boolean;
  }>(
    `SELECT member_id, session_id, expires_at, spent_at IS NOT NULL AS spent
       FROM transfer_signature_nonces WHERE cooperative_id = $1 AND nonce_hash = $2`,
    [owner.cooperativeId, hash],
  );
  const row = rows[0];
  if (!row || BigInt(row.member_id) !== owner.memberId || row.session_id !== owner.sessionId) {
    throw new CertcenterError("signature_nonce_expired");
  }
  if (row.spent) throw new CertcenterError("signature_nonce_used");
  if (row.expires_at.getTime() <= now.getTime()) throw new CertcenterError("signature_nonce_expired");
  return hash;
}
