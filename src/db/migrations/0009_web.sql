-- The internet banking web app (issue 5): sessions shared by every server process, rate-limit
-- counters, the members' notification centre, and login bookkeeping on users.

-- One row per signed-in browser. The cookie holds a random token; only its SHA-256 is stored, so
-- a copy of this table opens no session. Idle for 10 minutes or past ends_at, a session is dead.
CREATE TABLE sessions (
  id_hash bytea PRIMARY KEY CHECK (length(id_hash) = 32),
  kind text NOT NULL CHECK (kind IN ('member', 'teller')),
  cooperative_id integer NOT NULL REFERENCES cooperatives (id),
  member_id bigint,
  -- A teller's login ID and branch (tellers are defined by a later migration).
  teller_id text,
  branch_id integer,
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  CHECK ((kind = 'member') = (member_id IS NOT NULL)),
  CHECK ((kind = 'teller') = (teller_id IS NOT NULL AND branch_id IS NOT NULL)),
  FOREIGN KEY (cooperative_id, member_id) REFERENCES members (cooperative_id, id)
);

CREATE INDEX sessions_member ON sessions (cooperative_id, member_id) WHERE member_id IS NOT NULL;
CREATE INDEX sessions_ends ON sessions (ends_at);

-- Fixed-window counters (login per address and per user ID, code entry per session). The bucket
-- is the SHA-256 of rule and subject, so no address or user ID is kept here.
CREATE TABLE rate_limits (
  bucket bytea PRIMARY KEY,
  window_start timestamptz NOT NULL,
  hits integer NOT NULL,
  expires_at timestamptz NOT NULL
);

CREATE INDEX rate_limits_expiry ON rate_limits (expires_at);

CREATE SEQUENCE notification_id_seq;

-- The notification centre: what happened to a member's money and login, in both languages.
CREATE TABLE notifications (
  cooperative_id integer NOT NULL,
  id bigint NOT NULL DEFAULT nextval('notification_id_seq'),
  member_id bigint NOT NULL,
  kind text NOT NULL CHECK (kind ~ '^[a-z_]{1,40}$'),
  title_ko text NOT NULL,
  title_en text NOT NULL,
  body_ko text NOT NULL,
  body_en text NOT NULL,
  -- What caused it (a transfer's id and leg, say), so that one event never notifies twice.
  event_key text NOT NULL,
  created_at timestamptz NOT NULL,
  read_at timestamptz,
  PRIMARY KEY (cooperative_id, id),
  UNIQUE (cooperative_id, member_id, event_key),
  FOREIGN KEY (cooperative_id, member_id) REFERENCES members (cooperative_id, id)
);

CREATE INDEX notifications_member ON notifications (cooperative_id, member_id, id);

-- The home page's "last login" line shows previous_login_at: the login before the current one.
ALTER TABLE users
  ADD COLUMN last_login_at timestamptz,
  ADD COLUMN previous_login_at timestamptz,
  ADD COLUMN locked_at timestamptz,
  ADD COLUMN password_changed_at timestamptz;
