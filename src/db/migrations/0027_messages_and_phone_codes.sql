-- Messages to a member's registered phone (and later e-mail), issue 14 (DESIGN §5 "Messages to
-- the member's phone"), and the one-time codes a reissue sends there.

-- The development outbox: where the `outbox` message sender puts what a real SMS or e-mail
-- gateway would deliver, for the developer's /dev/outbox page and for the tests. A production
-- server never writes here (src/config.ts refuses the outbox when NODE_ENV=production).
CREATE TABLE message_outbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  channel text NOT NULL CHECK (channel IN ('sms', 'email')),
  recipient text NOT NULL,
  -- What the message is for (reissue_code, …): lets a test or the page pick one out.
  purpose text NOT NULL CHECK (purpose ~ '^[a-z_]{1,40}$'),
  body text NOT NULL,
  created_at timestamptz NOT NULL
);

-- A reissue's additional check: one code per member at a time, kept as a keyed hash (HMAC-SHA-256
-- under a key that lives outside the database, so a stolen table does not give a 6-digit code away
-- by trying all million), bound to the session that asked for it, good for 3 minutes and 5 tries,
-- used once. Sending a new code replaces the row.
CREATE TABLE reissue_phone_codes (
  cooperative_id integer NOT NULL,
  member_id bigint NOT NULL,
  session_id text NOT NULL,
  -- Random per code and bound into the MAC: the same code sent twice hashes differently.
  nonce bytea NOT NULL CHECK (octet_length(nonce) = 16),
  code_mac bytea NOT NULL CHECK (octet_length(code_mac) = 32),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  failed_tries integer NOT NULL DEFAULT 0 CHECK (failed_tries BETWEEN 0 AND 5),
  used_at timestamptz,
  PRIMARY KEY (cooperative_id, member_id),
  FOREIGN KEY (cooperative_id, member_id) REFERENCES members (cooperative_id, id)
);
