-- Passbook PINs as HMAC-SHA-256 of (cooperative, account, PIN) under the PIN key (GEUMGO_PIN_KEY;
-- src/bank/passbook-pin.ts), compared and counted in one statement. The key is not in the database,
-- so no migration can compute the MAC: an account's scrypt hash (pin_hash) is replaced by its MAC
-- on the next right PIN or teller reset, and pin_hash is read only for rows still in the old form.
ALTER TABLE accounts ADD COLUMN pin_mac bytea CHECK (octet_length(pin_mac) = 32);
ALTER TABLE accounts ADD CONSTRAINT accounts_pin_one_form CHECK (pin_mac IS NULL OR pin_hash IS NULL);
