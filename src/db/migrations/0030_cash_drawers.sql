-- Cash at the counter (src/bank/cash.ts, src/branch/cash-*.ts). Every won of cash is a posting:
-- each teller's drawer (시재) is a ledger account of kind 'cash', and each branch has a vault
-- ('vault', the cash outside the drawers) and an over/short account ('over_short', 과부족) where a
-- drawer's counted difference at the close goes.
--
-- The ledger keeps member money as positive balances and the money behind it (capital, the
-- federation) as negative ones, so every balance sums to zero. Cash is of the second sort: a
-- drawer holding 1,000,000 won of notes has the balance -1,000,000, and can never be above zero
-- (no drawer holds less than no cash). The vault and over/short accounts stand for what the ledger
-- does not follow yet (cash shipments, the cooperative's gains and losses) and have no floor.
ALTER TABLE accounts DROP CONSTRAINT accounts_kind_check;
ALTER TABLE accounts ADD CONSTRAINT accounts_kind_check
  CHECK (kind IN ('demand', 'savings', 'fee', 'clearing', 'funding', 'cash', 'vault', 'over_short'));
ALTER TABLE accounts DROP CONSTRAINT accounts_check;
ALTER TABLE accounts ADD CONSTRAINT accounts_member_only_for_members
  CHECK ((member_id IS NULL) = (kind NOT IN ('demand', 'savings')));
ALTER TABLE accounts DROP CONSTRAINT accounts_check1;
ALTER TABLE accounts ADD CONSTRAINT accounts_floor CHECK (
  CASE
    WHEN kind IN ('funding', 'clearing', 'vault', 'over_short') THEN true
    WHEN kind = 'cash' THEN balance <= 0
    ELSE balance - held >= -overdraft_limit
  END
);

ALTER TABLE transfers DROP CONSTRAINT transfers_kind_check;
ALTER TABLE transfers ADD CONSTRAINT transfers_kind_check CHECK (
  kind IN ('transfer', 'fee', 'deposit', 'hold_capture', 'cash_deposit', 'cash_withdrawal', 'vault_cash', 'over_short')
);

-- Each branch's vault and over/short accounts, made the first time the branch needs them.
CREATE TABLE branch_cash_accounts (
  cooperative_id integer NOT NULL,
  branch_id integer NOT NULL,
  vault_account_id bigint NOT NULL,
  over_short_account_id bigint NOT NULL,
  PRIMARY KEY (cooperative_id, branch_id),
  FOREIGN KEY (cooperative_id, branch_id) REFERENCES branches (cooperative_id, id),
  FOREIGN KEY (cooperative_id, vault_account_id) REFERENCES accounts (cooperative_id, id),
  FOREIGN KEY (cooperative_id, over_short_account_id) REFERENCES accounts (cooperative_id, id)
);

-- Each teller's drawer account, made the first time the teller opens it.
CREATE TABLE cash_drawers (
  cooperative_id integer NOT NULL,
  teller_id text NOT NULL,
  account_id bigint NOT NULL,
  PRIMARY KEY (cooperative_id, teller_id),
  UNIQUE (cooperative_id, account_id),
  FOREIGN KEY (cooperative_id, teller_id) REFERENCES tellers (cooperative_id, teller_id),
  FOREIGN KEY (cooperative_id, account_id) REFERENCES accounts (cooperative_id, id)
);

CREATE SEQUENCE drawer_day_id_seq;

-- A teller's day at the drawer: opened with a count, closed with a count. One a teller a Seoul
-- day, so a drawer closed for the day stays closed; at most one open at a time.
CREATE TABLE drawer_days (
  cooperative_id integer NOT NULL,
  id bigint NOT NULL DEFAULT nextval('drawer_day_id_seq'),
  teller_id text NOT NULL,
  branch_id integer NOT NULL,
  business_day date NOT NULL,
  status text NOT NULL CHECK (status IN ('open', 'closed')),
  opened_at timestamptz NOT NULL,
  -- The cash the teller counted, and what the ledger said the drawer held (carried from the last
  -- close); a difference moved between the vault and the drawer in the posting named here.
  opening_count bigint NOT NULL CHECK (opening_count >= 0),
  opening_ledger bigint NOT NULL,
  opening_transfer_id bigint,
  closed_at timestamptz,
  closing_count bigint CHECK (closing_count >= 0),
  closing_ledger bigint,
  -- The difference (count less ledger) posted to the branch's over/short account.
  closing_transfer_id bigint,
  PRIMARY KEY (cooperative_id, id),
  UNIQUE (cooperative_id, teller_id, business_day),
  FOREIGN KEY (cooperative_id, teller_id) REFERENCES tellers (cooperative_id, teller_id),
  FOREIGN KEY (cooperative_id, opening_transfer_id) REFERENCES transfers (cooperative_id, id),
  FOREIGN KEY (cooperative_id, closing_transfer_id) REFERENCES transfers (cooperative_id, id),
  CHECK ((status = 'closed') = (closed_at IS NOT NULL)),
  CHECK ((status = 'closed') = (closing_count IS NOT NULL AND closing_ledger IS NOT NULL))
);

CREATE UNIQUE INDEX drawer_days_one_open ON drawer_days (cooperative_id, teller_id) WHERE status = 'open';

CREATE SEQUENCE cash_receipt_seq;

-- The receipt of a cash deposit or withdrawal, kept to be printed again.
CREATE TABLE cash_receipts (
  cooperative_id integer NOT NULL,
  -- Printed on the slip: the Seoul day and a serial, 20261125-00000042.
  number text NOT NULL CHECK (number ~ '^[0-9]{8}-[0-9]{8,}$'),
  drawer_day_id bigint NOT NULL,
  teller_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('deposit', 'withdrawal')),
  transfer_id bigint NOT NULL,
  account_id bigint NOT NULL,
  amount bigint NOT NULL CHECK (amount > 0),
  -- The customer account's balance right after.
  balance_after bigint NOT NULL,
  -- Who brought the cash, when not the holder.
  depositor_name text,
  -- The ID document the teller checked for a withdrawal.
  id_document text CHECK (id_document IN ('resident_card', 'driver_license', 'passport', 'other')),
  created_at timestamptz NOT NULL,
  PRIMARY KEY (cooperative_id, number),
  UNIQUE (cooperative_id, transfer_id),
  FOREIGN KEY (cooperative_id, drawer_day_id) REFERENCES drawer_days (cooperative_id, id),
  FOREIGN KEY (cooperative_id, transfer_id) REFERENCES transfers (cooperative_id, id),
  FOREIGN KEY (cooperative_id, account_id) REFERENCES accounts (cooperative_id, id),
  CHECK ((kind = 'withdrawal') = (id_document IS NOT NULL))
);

CREATE INDEX cash_receipts_day ON cash_receipts (cooperative_id, drawer_day_id);
