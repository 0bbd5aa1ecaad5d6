-- A Flexprice portal token's page link (`/p/session/{login}`): it opens once, within
-- five minutes, and only such a link sets the hosted page's cookie; a token in a
-- URL never does (that let any page fix a visitor's session).
ALTER TABLE portal_sessions ADD COLUMN login_digest TEXT;
ALTER TABLE portal_sessions ADD COLUMN login_expires_at INTEGER;
ALTER TABLE portal_sessions ADD COLUMN login_opened_at INTEGER;
CREATE UNIQUE INDEX portal_sessions_login ON portal_sessions (login_digest)
    WHERE login_digest IS NOT NULL;
