-- One certificate per public key, ever: a key this CA has certified, or reserved a serial for, is
-- never certified again, to another member or to the same one (src/ca/issuance.ts turns the
-- violation into the refusal key_in_use). Concurrent requests for one key are serialised here.
CREATE UNIQUE INDEX certificates_one_per_key ON certificates (spki_sha256);
