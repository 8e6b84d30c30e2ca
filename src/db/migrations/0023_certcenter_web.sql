-- The certificate centre's online issuance (src/certcenter): the misses of a member's online identity
-- proofing (five wrong resident registration numbers in a row lock it for a day), and each web
-- issuance authorisation the RA made, bound to the session that proved the member's identity.

CREATE TABLE certcenter_proofing_misses (
  cooperative_id integer NOT NULL,
  member_id bigint NOT NULL,
  -- Wrong numbers in a row; a right one clears the row.
  misses integer NOT NULL CHECK (misses > 0),
  last_miss_at timestamptz NOT NULL,
  PRIMARY KEY (cooperative_id, member_id),
  FOREIGN KEY (cooperative_id, member_id) REFERENCES members (cooperative_id, id)
);

CREATE TABLE certcenter_web_authorizations (
  reference_number text PRIMARY KEY REFERENCES ca_authorizations (reference_number),
  cooperative_id integer NOT NULL,
  member_id bigint NOT NULL,
  -- SHA-256 of the session's id (itself a hash of the cookie): only that session sees the authorisation.
  session_hash bytea NOT NULL CHECK (octet_length(session_hash) = 32),
  purpose text NOT NULL CHECK (purpose IN ('bank', 'universal')),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  FOREIGN KEY (cooperative_id, member_id) REFERENCES members (cooperative_id, id)
);

CREATE INDEX certcenter_web_authorizations_member ON certcenter_web_authorizations (cooperative_id, member_id);

-- The certificate an authorisation issued, found by the RA's fee sweep (src/certcenter/fees.ts).
CREATE INDEX certificates_by_authorization ON certificates (authorization_ref) WHERE authorization_ref IS NOT NULL;
