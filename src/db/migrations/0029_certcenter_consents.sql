-- Which versions of which documents (the certificate centre's terms, the personal-data consent) a
-- member agreed to, and when, from which session and request (src/certcenter/consents.ts). Kept, not
-- updated: each agreement is a row, and a web issuance asks whether the member agreed to the versions
-- in force now.
CREATE TABLE certcenter_consents (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  cooperative_id integer NOT NULL,
  member_id bigint NOT NULL,
  -- The internet banking user ID that agreed (a member has one).
  user_id text NOT NULL,
  document_id text NOT NULL CHECK (document_id ~ '^[a-z][a-z0-9-]{0,63}$'),
  document_version text NOT NULL CHECK (document_version ~ '^[0-9A-Za-z][0-9A-Za-z.-]{0,31}$'),
  agreed_at timestamptz NOT NULL,
  -- SHA-256 of the session's id, as certcenter_web_authorizations keeps it.
  session_hash bytea NOT NULL CHECK (octet_length(session_hash) = 32),
  -- The HTTP request's id, as the server's log names it.
  request_id text NOT NULL CHECK (length(request_id) BETWEEN 1 AND 100),
  FOREIGN KEY (cooperative_id, member_id) REFERENCES members (cooperative_id, id)
);

-- "Has this member agreed to this version?", asked by every web issuance.
CREATE INDEX certcenter_consents_member ON certcenter_consents (cooperative_id, member_id, document_id, document_version);
