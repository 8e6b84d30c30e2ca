-- A check value of each key the processes on this database must share (src/server/key-checks.ts):
-- a process whose keys give other values refuses to start. A check value never reveals its key:
-- HMAC-SHA-256 under a random key, PBKDF2 (as costly as the CA keys' own) for a passphrase.
CREATE TABLE key_checks (
  name text PRIMARY KEY,
  algorithm text NOT NULL CHECK (algorithm IN ('hmac-sha256', 'pbkdf2-sha256')),
  salt bytea,
  iterations integer,
  check_value bytea NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
