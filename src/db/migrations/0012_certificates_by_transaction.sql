-- A certConf finds its certificate by the CMP transactionID (src/ca/cmp-server.ts, confirm):
-- without this index each confirmation read the whole certificates table.
CREATE INDEX certificates_cmp_transaction ON certificates (cmp_transaction, created_at)
  WHERE cmp_transaction IS NOT NULL;
