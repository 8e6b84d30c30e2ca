-- A member's transfer in flight, claimed under its idempotency key before any PIN or security code
-- is checked (src/bank/transfer-claims.ts). The claim is its own committed row, so a duplicate sent
-- at the same moment, by this process or another sharing the database, sees it and checks no code.
-- Removed when the transfer is posted (in the same transaction) or refused; a claim left behind by
-- a process that died is taken over once `claimed_at` is older than the claim's lifetime.
CREATE TABLE transfer_claims (
  cooperative_id integer NOT NULL,
  idempotency_scope text NOT NULL,
  idempotency_key text NOT NULL,
  -- What the member asked for (from, to, amount, memo): a different request under the key is refused.
  request_hash bytea NOT NULL,
  -- Whose claim it is: only its holder removes it, even after another took over a stale one.
  token text NOT NULL,
  claimed_at timestamptz NOT NULL,
  PRIMARY KEY (cooperative_id, idempotency_scope, idempotency_key)
);
