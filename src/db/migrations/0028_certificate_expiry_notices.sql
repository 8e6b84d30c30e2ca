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
