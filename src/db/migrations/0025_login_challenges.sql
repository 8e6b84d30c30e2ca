-- Certificate login challenges (src/auth/certificate-login.ts): single-use, two minutes. Only the
-- SHA-256 of the challenge is kept, so a copy of this table gives no usable challenge away. A row
-- is spent by one UPDATE that sets used_at where it is null and the challenge is fresh, so two
-- logins racing with one challenge cannot both pass. Rows are swept an hour after they expire
-- (until then a replay is told "used" rather than "unknown").
CREATE TABLE login_challenges (
  challenge_hash bytea PRIMARY KEY CHECK (octet_length(challenge_hash) = 32),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);

CREATE INDEX login_challenges_expiry ON login_challenges (expires_at);
