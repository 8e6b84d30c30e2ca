-- A member's security medium for transfers (DESIGN.md §3): an OTP device (TOTP) or a security
-- card (보안카드). The secret is sealed (AES-256-GCM). Five wrong answers in a row lock transfers.
CREATE TABLE security_media (
  cooperative_id integer NOT NULL,
  member_id bigint NOT NULL,
  kind text NOT NULL CHECK (kind IN ('otp', 'card')),
  secret_sealed bytea NOT NULL,
  card_serial text,
  -- The TOTP step last accepted: a code is good once.
  last_used_step bigint,
  -- The security-card challenge shown and not yet answered.
  challenge_first smallint,
  challenge_second smallint,
  failures integer NOT NULL DEFAULT 0,
  registered_at timestamptz NOT NULL,
  PRIMARY KEY (cooperative_id, member_id),
  FOREIGN KEY (cooperative_id, member_id) REFERENCES members (cooperative_id, id)
);
