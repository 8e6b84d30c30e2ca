-- Maker-checker at the counter (src/branch/approvals.ts): what a branch needs two people for. A
-- teller is a plain teller or a manager (책임자), who approves a colleague's request; each cooperative
-- sets the amounts above which a cash withdrawal or a limit raise waits for that approval.
ALTER TABLE tellers ADD COLUMN role text NOT NULL DEFAULT 'teller' CHECK (role IN ('teller', 'manager'));

-- A cooperative's amounts; without a row, the defaults of src/branch/branch-rules.ts hold.
CREATE TABLE branch_rules (
  cooperative_id integer PRIMARY KEY REFERENCES cooperatives (id),
  -- A cash withdrawal above this many won waits for a manager.
  withdrawal_approval_above bigint NOT NULL CHECK (withdrawal_approval_above >= 0),
  -- A limit raise to a daily limit above this many won waits for a manager.
  limit_approval_above bigint NOT NULL CHECK (limit_approval_above >= 0),
  updated_at timestamptz NOT NULL
);

CREATE SEQUENCE approval_request_id_seq;

-- A request one teller (the maker) made and a manager of the same branch (the checker) decides.
-- What it asks is kept as data, with the maker's idempotency key, so that the approval carries it
-- out exactly as asked and the maker's retry of the same request finds it.
CREATE TABLE approval_requests (
  cooperative_id integer NOT NULL,
  id bigint NOT NULL DEFAULT nextval('approval_request_id_seq'),
  branch_id integer NOT NULL,
  kind text NOT NULL CHECK (kind IN ('cash_withdrawal', 'limit_change')),
  maker_teller_id text NOT NULL,
  idempotency_key text NOT NULL,
  member_id bigint NOT NULL,
  -- The withdrawal's account; none for a limit change.
  account_id bigint,
  -- The withdrawal's amount, or the new daily limit.
  amount bigint NOT NULL CHECK (amount > 0),
  request jsonb NOT NULL,
  -- A pending request past expires_at counts as expired (judged when read or decided).
  status text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'expired')),
  checker_teller_id text,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  decided_at timestamptz,
  -- What the approval did: the withdrawal's transfer.
  transfer_id bigint,
  PRIMARY KEY (cooperative_id, id),
  UNIQUE (cooperative_id, maker_teller_id, kind, idempotency_key),
  FOREIGN KEY (cooperative_id, branch_id) REFERENCES branches (cooperative_id, id),
  FOREIGN KEY (cooperative_id, maker_teller_id) REFERENCES tellers (cooperative_id, teller_id),
  FOREIGN KEY (cooperative_id, checker_teller_id) REFERENCES tellers (cooperative_id, teller_id),
  FOREIGN KEY (cooperative_id, member_id) REFERENCES members (cooperative_id, id),
  FOREIGN KEY (cooperative_id, account_id) REFERENCES accounts (cooperative_id, id),
  FOREIGN KEY (cooperative_id, transfer_id) REFERENCES transfers (cooperative_id, id),
  CHECK ((status IN ('approved', 'rejected')) = (checker_teller_id IS NOT NULL AND decided_at IS NOT NULL)),
  CHECK (checker_teller_id IS NULL OR checker_teller_id <> maker_teller_id)
);

CREATE INDEX approval_requests_pending ON approval_requests (cooperative_id, branch_id, created_at)
  WHERE status = 'pending';
