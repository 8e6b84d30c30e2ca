-- Tellers: a cooperative's staff at a branch, who log in to the teller console (/teller) with their
-- own ID to enrol members (issue 5). Each teller belongs to one cooperative and sees only its
-- members. Five wrong passwords in a row lock the teller's login, as for members (DESIGN.md §3).
CREATE TABLE tellers (
  cooperative_id integer NOT NULL,
  -- The login ID, printed on the teller's badge; unique across the federation (lower-cased key)
  -- so that the login form needs no cooperative. A small table: with Citus, a reference table.
  teller_id text NOT NULL CHECK (teller_id ~ '^[A-Za-z0-9]{4,20}$'),
  teller_id_key text NOT NULL UNIQUE,
  branch_id integer NOT NULL,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
  password_hash text NOT NULL,
  failed_logins integer NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
  -- When the fifth failure in a row locked the login; NULL while it is open.
  locked_at timestamptz,
  last_login_at timestamptz,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (cooperative_id, teller_id),
  FOREIGN KEY (cooperative_id, branch_id) REFERENCES branches (cooperative_id, id)
);
