-- Accounts closed at the counter (src/branch/close-account.ts): one row an account, naming who
-- closed it, how its balance left (cash from the teller's drawer, with a receipt of kind 'closing',
-- or a posting to another account of the holder) and under which idempotency key, so a retry
-- answers with the first closing and nothing moves twice.
CREATE TABLE account_closings (
  cooperative_id integer NOT NULL,
  account_id bigint NOT NULL,
  teller_id text NOT NULL,
  idempotency_key text NOT NULL,
  payout text NOT NULL CHECK (payout IN ('cash', 'transfer')),
  -- The balance paid out; zero closes without a posting.
  amount bigint NOT NULL CHECK (amount >= 0),
  transfer_id bigint,
  -- Where a 'transfer' payout went: another account of the same member.
  to_account_id bigint,
  -- Lapsed holds the closing released, and their sum.
  released_holds integer NOT NULL DEFAULT 0,
  released_amount bigint NOT NULL DEFAULT 0,
  id_document text NOT NULL CHECK (id_document IN ('resident_card', 'driver_license', 'passport', 'other')),
  closed_at timestamptz NOT NULL,
  PRIMARY KEY (cooperative_id, account_id),
  UNIQUE (cooperative_id, teller_id, idempotency_key),
  FOREIGN KEY (cooperative_id, account_id) REFERENCES accounts (cooperative_id, id),
  FOREIGN KEY (cooperative_id, to_account_id) REFERENCES accounts (cooperative_id, id),
  FOREIGN KEY (cooperative_id, transfer_id) REFERENCES transfers (cooperative_id, id),
  CHECK ((amount > 0) = (transfer_id IS NOT NULL)),
  CHECK ((payout = 'transfer') = (to_account_id IS NOT NULL))
);

-- The cash paid out when an account is closed gets a receipt of its own kind; like a withdrawal's,
-- it names the ID document the teller checked.
ALTER TABLE cash_receipts DROP CONSTRAINT cash_receipts_kind_check;
ALTER TABLE cash_receipts ADD CONSTRAINT cash_receipts_kind_check CHECK (kind IN ('deposit', 'withdrawal', 'closing'));
ALTER TABLE cash_receipts DROP CONSTRAINT cash_receipts_check;
ALTER TABLE cash_receipts ADD CONSTRAINT cash_receipts_document_for_cash_out
  CHECK ((kind IN ('withdrawal', 'closing')) = (id_document IS NOT NULL));
