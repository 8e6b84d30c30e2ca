-- Internet banking users: the login a member is enrolled for at a branch (DESIGN.md §3).
-- The web app (issue 5) adds sessions and the rest; this is what the demo cooperative needs now.
CREATE TABLE users (
  cooperative_id integer NOT NULL,
  member_id bigint NOT NULL,
  -- New IDs are 6–12 letters and digits (checked at enrolment); the column also admits the shorter
  -- IDs some cooperatives issued before that rule, such as the demo's "hong".
  user_id text NOT NULL CHECK (user_id ~ '^[A-Za-z0-9]{4,12}$'),
  -- Lower-cased user_id: IDs are unique regardless of case.
  user_id_key text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  must_change_password boolean NOT NULL DEFAULT true,
  failed_logins integer NOT NULL DEFAULT 0,
  enrolled_at timestamptz NOT NULL,
  PRIMARY KEY (cooperative_id, member_id),
  FOREIGN KEY (cooperative_id, member_id) REFERENCES members (cooperative_id, id)
);
