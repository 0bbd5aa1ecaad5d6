-- Secret keys leave the database: they live in a 0600 file beside it (or in the
-- environment), and the database keeps each one's SHA-256 digest, so a copy of the
-- database forges no hash. `secret` is emptied on the first start after this.
ALTER TABLE secret_keys ADD COLUMN digest TEXT;
