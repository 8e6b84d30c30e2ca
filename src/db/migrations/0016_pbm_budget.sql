-- The PBM rounds spent on one authorisation's MAC keys in the current one-second window
-- (src/ca/authorizations.ts, spendPbmRounds): checked and spent in the statement that reads the
-- authorisation's state, under its row lock, so every server process draws on one budget.
ALTER TABLE ca_authorizations
  ADD COLUMN pbm_window_start timestamptz,
  ADD COLUMN pbm_rounds integer NOT NULL DEFAULT 0 CHECK (pbm_rounds >= 0);
