-- The CA's records of its subscribers (issue 4). The CA never reads the bank's tables: the RA
-- (certcenter) hands it everything an issuance needs in an authorisation, and `holder` is the
-- RA's opaque name for the member.

-- Issuance authorisations: reference number + authorisation code, one-time, short-lived.
CREATE TABLE ca_authorizations (
  reference_number text PRIMARY KEY,
  -- The code itself, sealed: a password-based MAC (RFC 4210 §5.1.3.1) needs the secret, not a hash.
  code_sealed bytea NOT NULL,
  holder text NOT NULL,
  purpose text NOT NULL CHECK (purpose IN ('bank', 'universal')),
  channel text NOT NULL CHECK (channel IN ('web', 'branch')),
  -- The subject Name (DER) the CA will write; the client's template cannot change it.
  subject_name bytea NOT NULL,
  real_name text NOT NULL,
  -- The resident registration number, sealed, for the VID; erased when the authorisation ends.
  rrn_sealed bytea,
  -- A reissue keeps the old expiry; null means one year from issuance.
  not_after timestamptz,
  replaces bytea,
  replace_reason text CHECK (replace_reason IN ('keyCompromise', 'superseded')),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  failed_macs integer NOT NULL DEFAULT 0,
  state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'used', 'locked')),
  used_at timestamptz
);

CREATE INDEX ca_authorizations_holder ON ca_authorizations (holder);

-- Every serial the CA has reserved. A row is written, with its audit entry, before the CA signs;
-- the primary key means no serial is ever signed twice.
CREATE TABLE certificates (
  serial bytea PRIMARY KEY CHECK (octet_length(serial) = 16),
  issuer_key_id integer NOT NULL REFERENCES ca_keys (id),
  holder text NOT NULL,
  purpose text NOT NULL CHECK (purpose IN ('bank', 'universal')),
  -- signing: reserved, not yet signed; pending: signed, awaiting the holder's certConf;
  -- valid; hold (suspended, 효력정지); revoked; rejected: the holder refused it, or never confirmed.
  status text NOT NULL CHECK (status IN ('signing', 'pending', 'valid', 'hold', 'revoked', 'rejected')),
  der bytea,
  subject text NOT NULL,
  not_before timestamptz NOT NULL,
  not_after timestamptz NOT NULL,
  -- SHA-256 of the SubjectPublicKeyInfo: a renewal must bring a new key.
  spki_sha256 bytea NOT NULL,
  authorization_ref text REFERENCES ca_authorizations (reference_number),
  replaces bytea REFERENCES certificates (serial),
  replace_reason text CHECK (replace_reason IN ('keyCompromise', 'superseded')),
  -- The CMP transaction that asked for it, and the hash its certConf must carry.
  cmp_transaction bytea,
  created_at timestamptz NOT NULL,
  -- For hold and revoked: when, and the RFC 5280 reason (certificateHold for a hold).
  revoked_at timestamptz,
  revocation_reason text
);

-- One live certificate per member and purpose.
CREATE UNIQUE INDEX certificates_one_live ON certificates (holder, purpose) WHERE status IN ('valid', 'hold');
CREATE INDEX certificates_holder ON certificates (holder);
CREATE INDEX certificates_unavailable ON certificates (revoked_at) WHERE status IN ('hold', 'revoked');
