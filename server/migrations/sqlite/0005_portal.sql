-- Portal configurations (`bpc_…`) as Stripe's billing_portal.configuration. The
-- object is kept whole as JSON; the columns are what lists filter and order on.
CREATE TABLE portal_configurations (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT NOT NULL UNIQUE,
    livemode   INTEGER NOT NULL,
    active     INTEGER NOT NULL,
    is_default INTEGER NOT NULL,
    body       TEXT NOT NULL
);
-- Exactly one default per mode: at most one here, and the server creates it.
CREATE UNIQUE INDEX portal_configurations_one_default
    ON portal_configurations (livemode) WHERE is_default = 1;
CREATE INDEX portal_configurations_by_mode ON portal_configurations (livemode, seq);

-- Hosted portal sessions (`bps_…`). Their URL logs in once, within five minutes:
-- only the login token's SHA-256 is kept, and `opened_at` marks it used.
CREATE TABLE billing_portal_sessions (
    id               TEXT PRIMARY KEY,
    livemode         INTEGER NOT NULL,
    configuration    TEXT NOT NULL REFERENCES portal_configurations (id),
    customer         TEXT NOT NULL REFERENCES customers (id),
    service          TEXT NOT NULL,
    flow             TEXT,
    locale           TEXT,
    on_behalf_of     TEXT,
    return_url       TEXT,
    created          INTEGER NOT NULL,
    login_digest     TEXT NOT NULL UNIQUE,
    login_expires_at INTEGER NOT NULL,
    opened_at        INTEGER
);

-- Widget sessions learn their configuration, whether they are read-only (Flexprice
-- tokens), and the hosted session they were opened from.
ALTER TABLE portal_sessions ADD COLUMN configuration TEXT;
ALTER TABLE portal_sessions ADD COLUMN read_only INTEGER NOT NULL DEFAULT 0;
ALTER TABLE portal_sessions ADD COLUMN billing_portal_session TEXT;

-- Catalogs imported with `portico catalog import`; the newest one is served when
-- no catalog file is given.
CREATE TABLE catalog_imports (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    source   TEXT NOT NULL,
    imported INTEGER NOT NULL
);
