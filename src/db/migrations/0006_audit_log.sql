-- The append-only, hash-chained audit log (DESIGN.md §4, issue 4): every entry's hash covers its
-- payload and the previous entry's hash, so a changed, removed or inserted entry breaks the chain
-- from there on. The triggers refuse UPDATE, DELETE and TRUNCATE; the chain catches whoever goes
-- around them.
CREATE TABLE audit_log (
  seq bigint PRIMARY KEY CHECK (seq > 0),
  at timestamptz NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  subject text,
  -- The canonical JSON of {at, actor, action, subject, details}: exactly the bytes hashed.
  payload text NOT NULL,
  prev_hash bytea NOT NULL,
  hash bytea NOT NULL
);

CREATE INDEX audit_log_subject ON audit_log (subject);

-- The chain's head, one row, locked by every append so that appends form one sequence.
CREATE TABLE audit_head (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  seq bigint NOT NULL,
  hash bytea NOT NULL
);
INSERT INTO audit_head (seq, hash) VALUES (0, '\x0000000000000000000000000000000000000000000000000000000000000000');

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END
$$;

CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
