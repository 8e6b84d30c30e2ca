-- The head keeps the hash it replaced, so that one UPDATE ... RETURNING gives an append both
-- hashes it needs: the audit entry is written in a single statement (src/ca/audit.ts), which can
-- also ride in the statement of the change it records. NULL until the first append after this.
ALTER TABLE audit_head ADD COLUMN prev_hash bytea;
