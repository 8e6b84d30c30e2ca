-- Freshness and replay of CMP requests (RFC 4210 §5.1.1, src/ca/freshness.ts): the senderNonces
-- of signed requests seen within the messageTime window, and one certificate per transactionID.

-- A senderNonce is taken once: the primary key makes two processes that see the same nonce at the
-- same moment agree that one of them is a replay. Kept until the window that could accept its
-- message has passed; the scheduler deletes the rest.
CREATE TABLE cmp_sender_nonces (
  nonce bytea PRIMARY KEY,
  expires_at timestamptz NOT NULL
);

CREATE INDEX cmp_sender_nonces_expires ON cmp_sender_nonces (expires_at);

-- A transactionID that has a certificate belongs to the request that reserved it: another request
-- reusing it is refused (transactionIdInUse), and a certConf finds exactly one certificate.
-- Transactions that earlier reused an ID keep the link on their newest certificate only, the one
-- certConf found then.
UPDATE certificates c SET cmp_transaction = NULL
 WHERE cmp_transaction IS NOT NULL
   AND EXISTS (
     SELECT 1 FROM certificates d
      WHERE d.cmp_transaction = c.cmp_transaction
        AND (d.created_at > c.created_at OR (d.created_at = c.created_at AND d.serial > c.serial)));

DROP INDEX certificates_cmp_transaction;
CREATE UNIQUE INDEX certificates_one_per_transaction ON certificates (cmp_transaction)
  WHERE cmp_transaction IS NOT NULL;
