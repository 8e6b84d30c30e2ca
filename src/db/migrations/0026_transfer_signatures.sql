-- Transfer signatures (DESIGN §4 "Certificate use", §5; src/certcenter/transfer-signatures.ts).
-- Kept by the certificate centre, not the bank: the bank's tables know nothing of certificates.

-- The server's one-time numbers that a transfer's canonical form carries, handed out with the
-- transfer challenge. Only the SHA-256 of a nonce is kept. A nonce belongs to one member's session,
-- is good once (spent_at is set in the posting's transaction) and until expires_at.
CREATE TABLE transfer_signature_nonces (
  cooperative_id integer NOT NULL,
  nonce_hash bytea NOT NULL CHECK (octet_length(nonce_hash) = 32),
  member_id bigint NOT NULL,
  -- The session's id hash (sessions.id_hash, hex): a nonce works in the session it was given to.
  session_id text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  spent_at timestamptz,
  PRIMARY KEY (cooperative_id, nonce_hash),
  FOREIGN KEY (cooperative_id, member_id) REFERENCES members (cooperative_id, id)
);

-- The server's maintenance sweeps expired nonces every minute (src/server/jobs.ts).
CREATE INDEX transfer_signature_nonces_expiry ON transfer_signature_nonces (expires_at);

-- One signature per signed transfer, written in the transaction that posts it: the CMS SignedData
-- (DER, detached) and the canonical form it covers, so that `openssl cms -verify` can be run on
-- them years later. No foreign key to certificates: the CA's tables are distributed by serial,
-- the transfers' by cooperative (DESIGN §2); the serial is checked when the row is written.
CREATE TABLE transfer_signatures (
  cooperative_id integer NOT NULL,
  transfer_id bigint NOT NULL,
  certificate_serial bytea NOT NULL CHECK (octet_length(certificate_serial) BETWEEN 1 AND 20),
  signature bytea NOT NULL,
  signed_content bytea NOT NULL,
  -- The form's time, and the SignedData's signingTime attribute.
  signed_at timestamptz NOT NULL,
  signing_time timestamptz NOT NULL,
  nonce_hash bytea NOT NULL,
  recorded_at timestamptz NOT NULL,
  PRIMARY KEY (cooperative_id, transfer_id),
  UNIQUE (cooperative_id, nonce_hash),
  FOREIGN KEY (cooperative_id, transfer_id) REFERENCES transfers (cooperative_id, id)
);

CREATE INDEX transfer_signatures_certificate ON transfer_signatures (certificate_serial);
