-- Each member's running total of the day's transfers (Seoul calendar day), kept on the limit row
-- that every one of the member's transfers locks anyway: checking the daily limit becomes one
-- statement instead of a sum over the day's transfers. It changes only inside the transaction
-- that posts the transfer, so a refused or rolled-back transfer never counts.
ALTER TABLE member_limits
  ADD COLUMN day date,
  ADD COLUMN day_total bigint NOT NULL DEFAULT 0 CHECK (day_total >= 0);
