-- Each cooperative's customer-centre telephone number, shown in the member site's footer, so that
-- no message sends a member to the customer centre without its number. NULL: not set yet (the
-- site then names no number).
ALTER TABLE cooperatives
  ADD COLUMN customer_centre_phone text
  CHECK (customer_centre_phone ~ '^[0-9]{2,4}-[0-9]{3,4}(-[0-9]{4})?$');
