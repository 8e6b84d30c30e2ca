-- Revocation status services (issue 4): the CRLs the issuing CA publishes, its delegated OCSP
-- signers (RFC 6960 §4.2.2.2), the OCSP responses it signs ahead of time, and the lease that lets
-- one server process at a time run the CA's scheduled work.

-- Full CRLs, newest last. The CRL number is the key, so two publishers can never write the same
-- one; only the newest few are kept (each can be megabytes), which keeps the number rising.
CREATE TABLE crls (
  crl_number bigint PRIMARY KEY CHECK (crl_number > 0),
  issuer_key_id integer NOT NULL REFERENCES ca_keys (id),
  this_update timestamptz NOT NULL,
  next_update timestamptz NOT NULL,
  entries integer NOT NULL,
  der bytea NOT NULL
);

-- The delegated OCSP signing certificates: short-lived, rotated by the scheduler, the private key
-- sealed like ca_keys (PKCS#8 PBES2 under the CA passphrase). One active signer per issuing key.
CREATE TABLE ocsp_signers (
  id serial PRIMARY KEY,
  issuer_key_id integer NOT NULL REFERENCES ca_keys (id),
  algorithm text NOT NULL CHECK (algorithm IN ('RSA-3072', 'P-384')),
  certificate bytea NOT NULL,
  private_key_encrypted bytea NOT NULL,
  fingerprint text NOT NULL UNIQUE,
  not_before timestamptz NOT NULL,
  not_after timestamptz NOT NULL,
  created_at timestamptz NOT NULL,
  active boolean NOT NULL DEFAULT true
);

CREATE UNIQUE INDEX ocsp_signers_one_active ON ocsp_signers (issuer_key_id) WHERE active;

-- One pre-signed response per issued certificate (RFC 5019 §2.2). cert_status and revoked_at
-- record what the response states: a response that no longer matches its certificate row (a
-- republication lost to a crash) is never served, whatever its dates.
CREATE TABLE ocsp_responses (
  serial bytea PRIMARY KEY REFERENCES certificates (serial),
  der bytea NOT NULL,
  this_update timestamptz NOT NULL,
  next_update timestamptz NOT NULL,
  signer_id integer NOT NULL REFERENCES ocsp_signers (id),
  cert_status text NOT NULL CHECK (cert_status IN ('valid', 'hold', 'revoked')),
  revoked_at timestamptz
);

CREATE INDEX ocsp_responses_next_update ON ocsp_responses (next_update);

-- The scheduled work's lease: a process that holds it until lease_until runs the CA's maintenance;
-- the others skip. A lease rather than a session advisory lock, because a pooled connection cannot
-- hold a session lock across the work, and a lease left by a crashed process simply runs out.
CREATE TABLE ca_maintenance_lease (
  id integer PRIMARY KEY CHECK (id = 1),
  holder text,
  lease_until timestamptz
);

INSERT INTO ca_maintenance_lease (id) VALUES (1);
