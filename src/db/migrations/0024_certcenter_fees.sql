-- The universal certificate's fee (DESIGN §4; src/certcenter/fees.ts), one row per issuance or
-- renewal it pays for: held on the account the member picked, captured in the transaction that
-- confirms the certificate, released when the authorisation or renewal hold runs out unused or the
-- certificate is never confirmed.
CREATE SEQUENCE certcenter_fee_id_seq;

CREATE TABLE certcenter_fees (
  id bigint PRIMARY KEY DEFAULT nextval('certcenter_fee_id_seq'),
  cooperative_id integer NOT NULL,
  member_id bigint NOT NULL,
  hold_id bigint NOT NULL,
  amount bigint NOT NULL CHECK (amount > 0),
  kind text NOT NULL CHECK (kind IN ('issuance', 'renewal')),
  -- An issuance: its web authorisation (set once the CA made it; a row left without one ran out unused).
  authorization_ref text REFERENCES ca_authorizations (reference_number),
  -- A renewal: the certificate renewed.
  renews bytea,
  -- The certificate it pays for: a renewal's from the kur's reservation, an issuance's at confirmation.
  certificate bytea,
  status text NOT NULL DEFAULT 'held' CHECK (status IN ('held', 'captured', 'released')),
  -- Until when it may be used: the authorisation's end, or the renewal hold's.
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL,
  settled_at timestamptz,
  transfer_id bigint,
  UNIQUE (cooperative_id, hold_id),
  FOREIGN KEY (cooperative_id, member_id) REFERENCES members (cooperative_id, id),
  FOREIGN KEY (cooperative_id, hold_id) REFERENCES holds (cooperative_id, id),
  CHECK ((kind = 'issuance') = (renews IS NULL)),
  CHECK (kind = 'issuance' OR authorization_ref IS NULL)
);

-- One fee per authorisation and per certificate: a certificate never pays twice.
CREATE UNIQUE INDEX certcenter_fees_one_per_authorization ON certcenter_fees (authorization_ref)
  WHERE authorization_ref IS NOT NULL;
CREATE UNIQUE INDEX certcenter_fees_one_per_certificate ON certcenter_fees (certificate)
  WHERE certificate IS NOT NULL;
-- One renewal fee held at a time per certificate.
CREATE UNIQUE INDEX certcenter_fees_one_renewal_held ON certcenter_fees (renews)
  WHERE status = 'held';
CREATE INDEX certcenter_fees_held ON certcenter_fees (expires_at) WHERE status = 'held';
CREATE INDEX certcenter_fees_member ON certcenter_fees (cooperative_id, member_id);
