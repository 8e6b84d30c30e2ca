-- Expiry notices (issue 14, DESIGN §4 "Notices"): 30, 7 and 1 days before a certificate expires,
-- one notification each. A row here is inserted in the transaction that writes the notification,
-- so each (certificate, threshold) notifies once however many server processes run the job.
CREATE TABLE certificate_expiry_notices (
  serial bytea NOT NULL REFERENCES certificates (serial),
  threshold_days integer NOT NULL CHECK (threshold_days > 0),
  cooperative_id integer NOT NULL,
  member_id bigint NOT NULL,
  sent_at timestamptz NOT NULL,
  PRIMARY KEY (serial, threshold_days)
);

-- The job's scan: valid certificates by expiry (about one in 365 of them expires on any day).
CREATE INDEX certificates_valid_by_expiry ON certificates (not_after) WHERE status = 'valid';

-- How far each threshold's scan has come: every valid certificate expiring before `scanned_to` has
-- been considered for that notice, so a run reads only what entered the threshold since the last
-- (about a minute's worth of expiries), not the month of certificates already notified.
CREATE TABLE certificate_notice_marks (
  threshold_days integer PRIMARY KEY CHECK (threshold_days > 0),
  scanned_to timestamptz NOT NULL
);

-- "Has this certificate been replaced (renewed, reissued)?", asked of each certificate notified.
CREATE INDEX certificates_replaced_by ON certificates (replaces) WHERE replaces IS NOT NULL;
