-- Wrong passwords at login IDs that do not exist, counted as a real user's failed_logins are, so
-- that the answer (tries left, the lock after five) is the same whether the ID exists or not
-- (src/auth/unknown-login-ids.ts). The key is an HMAC of the kind (member or teller) and the
-- lower-cased ID, so no typed ID is kept; a row lapses `expires_at` after its last counted try.
CREATE TABLE unknown_login_ids (
  id_hash bytea PRIMARY KEY,
  failures integer NOT NULL CHECK (failures >= 0),
  expires_at timestamptz NOT NULL
);

CREATE INDEX unknown_login_ids_expiry ON unknown_login_ids (expires_at);

-- The rate limits become token buckets (GCRA, src/server/rate-limit-counter.ts): `tat` is the
-- theoretical arrival time in epoch microseconds (whole numbers, exact in a double), `admitted`
-- the outcome of the latest hit; the fixed-minute counters they replace let a burst across a
-- minute's end pass twice. The counters are short-lived, so they are dropped rather than carried.
DROP TABLE rate_limits;

CREATE TABLE rate_limits (
  bucket bytea PRIMARY KEY,
  tat double precision NOT NULL,
  admitted boolean NOT NULL,
  expires_at timestamptz NOT NULL
);

CREATE INDEX rate_limits_expiry ON rate_limits (expires_at);

-- Quotas per Asia/Seoul calendar day (real-name look-ups per member): hits of the day `day`.
CREATE TABLE rate_limit_days (
  bucket bytea PRIMARY KEY,
  day date NOT NULL,
  hits integer NOT NULL,
  expires_at timestamptz NOT NULL
);

CREATE INDEX rate_limit_days_expiry ON rate_limit_days (expires_at);
