// A member's transfer claims its idempotency key in a committed row before any code is checked, so
// a duplicate sent while the first is still running (a double send, a retry after a timeout, from
// this process or another on the same database) is answered `transfer_in_progress` and checks no
// PIN or security code: the first request's codes are the only ones judged, and counted.
import { createHash, randomUUID } from "node:crypto";
import type { Queryable } from "../db/db.ts";
import type { BankContext } from "./context.ts";
import { BankError } from "./errors.ts";
import { type IdempotencyScope, scopeOf } from "./transfer.ts";

/**
 * Past this, a claim is taken to belong to a process that died mid-transfer and a new request may
 * take it over. Far longer than a transfer takes (a PIN hash, a few statements), short enough that
 * a member whose first attempt was cut off can send again the same minute or two.
 */
export const claimLifetimeMs = 120_000;

/** Seconds a duplicate is told to wait (Retry-After) before asking again under the same key. */
export const claimRetryAfterSeconds = 1;

export interface ClaimRequest {
  cooperativeId: number;
  scope: IdempotencyScope;
  idempotencyKey: string;
  /** What was asked, in a form that is equal exactly when the requests are the same. */
  request: readonly (string | number | null)[];
}

export interface Claim {
  cooperativeId: number;
  scope: string;
  idempotencyKey: string;
  token: string;
}

function hashOf(request: ClaimRequest["request"]): Uint8Array {
  return new Uint8Array(createHash("sha256").update(JSON.stringify(request)).digest());
}

/**
 * Claims the key in one committed statement. Held by another request in flight: the same request
 * is refused `transfer_in_progress` (retry after a second for its answer), another request under
 * the same key `idempotency_key_reused`.
 */
export async function claimTransfer(ctx: BankContext, r: ClaimRequest): Promise<Claim> {
  const scope = scopeOf(r.scope);
  const hash = hashOf(r.request);
  const token = randomUUID();
  const now = ctx.clock.now();
  // Twice at most: a claim released between our insert and our look keeps no row to compare with.
  for (let attempt = 0; attempt < 2; attempt++) {
    const { rows } = await ctx.db.query<{ token: string }>(
      `INSERT INTO transfer_claims (cooperative_id, idempotency_scope, idempotency_key, request_hash, token, claimed_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (cooperative_id, idempotency_scope, idempotency_key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, token = EXCLUDED.token, claimed_at = EXCLUDED.claimed_at
         WHERE transfer_claims.claimed_at < $7
       RETURNING token`,
      [r.cooperativeId, scope, r.idempotencyKey, hash, token, now, new Date(now.getTime() - claimLifetimeMs)],
    );
    if (rows[0]?.token === token)
      return { cooperativeId: r.cooperativeId, scope, idempotencyKey: r.idempotencyKey, token };
    const held = await ctx.db.query<{ request_hash: Uint8Array }>(
      `SELECT request_hash FROM transfer_claims
       WHERE cooperative_id = $1 AND idempotency_scope = $2 AND idempotency_key = $3`,
      [r.cooperativeId, scope, r.idempotencyKey],
    );
    const other = held.rows[0];
    if (!other) continue;
    if (!Buffer.from(other.request_hash).equals(Buffer.from(hash)))
      throw new BankError("idempotency_key_reused");
    throw new BankError("transfer_in_progress", { retryAfterSeconds: claimRetryAfterSeconds });
  }
  throw new BankError("transfer_in_progress", { retryAfterSeconds: claimRetryAfterSeconds });
}

/** Lets the key go: inside the posting's transaction on success, on its own after a refusal. */
export async function releaseClaim(db: Queryable, claim: Claim): Promise<void> {
  await db.query(
    `DELETE FROM transfer_claims
     WHERE cooperative_id = $1 AND idempotency_scope = $2 AND idempotency_key = $3 AND token = $4`,
    [claim.cooperativeId, claim.scope, claim.idempotencyKey, claim.token],
  );
}

/**
 * Sweeps away claims left by processes that died mid-transfer (past `claimLifetimeMs` any request
 * may take them over anyway), so that keys never used again do not pile up. Returns how many went.
 */
export async function purgeStaleClaims(db: Queryable, now: Date): Promise<number> {
  const r = await db.query("DELETE FROM transfer_claims WHERE claimed_at < $1", [
    new Date(now.getTime() - claimLifetimeMs),
  ]);
  return r.rowCount ?? 0;
}
