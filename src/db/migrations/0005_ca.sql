-- The CA's own keys: a root and an issuing CA, each private key encrypted at rest under the CA
-- passphrase (PKCS#8 PBES2, PBKDF2-HMAC-SHA256 + AES-256-CBC). One active key per role.
CREATE TABLE ca_keys (
  id serial PRIMARY KEY,
  role text NOT NULL CHECK (role IN ('root', 'issuing')),
  algorithm text NOT NULL CHECK (algorithm IN ('RSA-3072', 'P-384')),
  certificate bytea NOT NULL,
  private_key_encrypted bytea NOT NULL,
  fingerprint text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL,
  active boolean NOT NULL DEFAULT true
);

CREATE UNIQUE INDEX ca_keys_one_active ON ca_keys (role) WHERE active;
