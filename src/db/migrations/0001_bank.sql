-- The federation, its cooperatives' members and accounts, and the double-entry ledger.
-- Every table that belongs to a cooperative carries cooperative_id first in its primary key, so
-- that the data can be distributed by cooperative (Citus) without changing a key (DESIGN.md §2).
-- Money is bigint won.

CREATE TABLE cooperatives (
  id integer PRIMARY KEY,
  code text NOT NULL UNIQUE CHECK (code ~ '^[0-9]{4}$'),
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE branches (
  cooperative_id integer NOT NULL REFERENCES cooperatives (id),
  id integer NOT NULL,
  code text NOT NULL CHECK (code ~ '^[0-9]{3}$'),
  name text NOT NULL,
  PRIMARY KEY (cooperative_id, id),
  UNIQUE (cooperative_id, code)
);

CREATE SEQUENCE member_id_seq;

CREATE TABLE members (
  cooperative_id integer NOT NULL,
  id bigint NOT NULL DEFAULT nextval('member_id_seq'),
  branch_id integer NOT NULL,
  real_name text NOT NULL,
  -- AES-256-GCM of the resident registration number, and an HMAC blind index to find it.
  rrn_ciphertext bytea NOT NULL,
  rrn_index bytea NOT NULL,
  phone text,
  email text,
  address text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (cooperative_id, id),
  FOREIGN KEY (cooperative_id, branch_id) REFERENCES branches (cooperative_id, id),
  UNIQUE (cooperative_id, rrn_index)
);

CREATE SEQUENCE account_id_seq;

CREATE TABLE accounts (
  cooperative_id integer NOT NULL REFERENCES cooperatives (id),
  id bigint NOT NULL DEFAULT nextval('account_id_seq'),
  -- 13 digits: cooperative code (4), serial (8), check digit (1).
  number text NOT NULL CHECK (number ~ '^[0-9]{13}$'),
  member_id bigint,
  -- demand (보통예금) and savings belong to members; fee, clearing and funding to the cooperative.
  kind text NOT NULL CHECK (kind IN ('demand', 'savings', 'fee', 'clearing', 'funding')),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'dormant', 'frozen', 'closed')),
  name text NOT NULL,
  balance bigint NOT NULL DEFAULT 0,
  -- The sum of the account's active holds, kept beside the balance in the same transactions.
  held bigint NOT NULL DEFAULT 0 CHECK (held >= 0),
  overdraft_limit bigint NOT NULL DEFAULT 0 CHECK (overdraft_limit >= 0),
  pin_hash text,
  pin_failures integer NOT NULL DEFAULT 0,
  opened_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (cooperative_id, id),
  UNIQUE (cooperative_id, number),
  FOREIGN KEY (cooperative_id, member_id) REFERENCES members (cooperative_id, id),
  CHECK ((member_id IS NULL) = (kind IN ('fee', 'clearing', 'funding'))),
  -- The floor, as a last line behind the domain's own check: funding and clearing accounts stand
  -- for money outside the ledger (capital, the federation) and may run negative.
  CHECK (kind IN ('funding', 'clearing') OR balance - held >= -overdraft_limit)
);

CREATE INDEX accounts_member ON accounts (cooperative_id, member_id);

CREATE SEQUENCE transfer_id_seq;

-- One money movement as requested. Its postings are in entries.
CREATE TABLE transfers (
  cooperative_id integer NOT NULL,
  id bigint NOT NULL DEFAULT nextval('transfer_id_seq'),
  -- Who may repeat the request: 'member:<id>' or 'system'. A key is unique within its scope.
  idempotency_scope text NOT NULL,
  idempotency_key text NOT NULL,
  request_hash bytea NOT NULL,
  kind text NOT NULL CHECK (kind IN ('transfer', 'fee', 'deposit', 'hold_capture')),
  member_id bigint,
  from_account_id bigint NOT NULL,
  to_cooperative_id integer NOT NULL,
  to_account_id bigint NOT NULL,
  amount bigint NOT NULL CHECK (amount > 0),
  medium text CHECK (medium IN ('otp', 'card')),
  memo_from text,
  memo_to text,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (cooperative_id, id),
  UNIQUE (cooperative_id, idempotency_scope, idempotency_key),
  FOREIGN KEY (cooperative_id, from_account_id) REFERENCES accounts (cooperative_id, id),
  FOREIGN KEY (to_cooperative_id, to_account_id) REFERENCES accounts (cooperative_id, id)
);

-- Daily limits sum a member's transfers of one day.
CREATE INDEX transfers_member_day ON transfers (cooperative_id, member_id, created_at)
  WHERE member_id IS NOT NULL;

CREATE SEQUENCE entry_id_seq;

-- Postings: each moves money into (+) or out of (-) one account; a transfer's postings sum to zero.
CREATE TABLE entries (
  cooperative_id integer NOT NULL,
  id bigint NOT NULL DEFAULT nextval('entry_id_seq'),
  account_id bigint NOT NULL,
  transfer_cooperative_id integer NOT NULL,
  transfer_id bigint NOT NULL,
  amount bigint NOT NULL CHECK (amount <> 0),
  balance_after bigint NOT NULL,
  -- What this account's statement shows for the posting (the counterparty's memo or name).
  description text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (cooperative_id, id),
  FOREIGN KEY (cooperative_id, account_id) REFERENCES accounts (cooperative_id, id),
  FOREIGN KEY (transfer_cooperative_id, transfer_id) REFERENCES transfers (cooperative_id, id)
);

CREATE INDEX entries_account ON entries (cooperative_id, account_id, id);

CREATE SEQUENCE hold_id_seq;

-- Money reserved on an account (a fee awaiting a certificate, say), then captured or released.
CREATE TABLE holds (
  cooperative_id integer NOT NULL,
  id bigint NOT NULL DEFAULT nextval('hold_id_seq'),
  account_id bigint NOT NULL,
  amount bigint NOT NULL CHECK (amount > 0),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'captured', 'released')),
  reason text NOT NULL,
  idempotency_key text NOT NULL,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL,
  settled_at timestamptz,
  transfer_cooperative_id integer,
  transfer_id bigint,
  PRIMARY KEY (cooperative_id, id),
  UNIQUE (cooperative_id, idempotency_key),
  FOREIGN KEY (cooperative_id, account_id) REFERENCES accounts (cooperative_id, id)
);

CREATE INDEX holds_active ON holds (cooperative_id, account_id) WHERE status = 'active';

-- The next account serial of each cooperative, taken under a row lock so numbers never repeat.
CREATE TABLE account_serials (
  cooperative_id integer PRIMARY KEY REFERENCES cooperatives (id),
  next_serial integer NOT NULL
);

-- Transfer limits a member has chosen below the defaults (DESIGN.md §3); NULL means the default.
-- The row is also what a member's transfers lock, so that two at once cannot both pass the daily limit.
CREATE TABLE member_limits (
  cooperative_id integer NOT NULL,
  member_id bigint NOT NULL,
  otp_per_transfer bigint CHECK (otp_per_transfer > 0),
  otp_per_day bigint CHECK (otp_per_day > 0),
  card_per_transfer bigint CHECK (card_per_transfer > 0),
  card_per_day bigint CHECK (card_per_day > 0),
  PRIMARY KEY (cooperative_id, member_id),
  FOREIGN KEY (cooperative_id, member_id) REFERENCES members (cooperative_id, id)
);
