-- A hosted portal session's customer is the provider's: a row of `customers`
-- with the built-in engine, a Stripe customer (`cus_…` at Stripe) with the
-- Stripe provider, which has no row here. So the column keeps the id without a
-- foreign key. SQLite cannot drop a constraint: the table is rebuilt.
CREATE TABLE billing_portal_sessions_next (
    id               TEXT PRIMARY KEY,
    livemode         INTEGER NOT NULL,
    configuration    TEXT NOT NULL REFERENCES portal_configurations (id),
    customer         TEXT NOT NULL,
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
INSERT INTO billing_portal_sessions_next SELECT
    id, livemode, configuration, customer, service, flow, locale, on_behalf_of,
    return_url, created, login_digest, login_expires_at, opened_at
FROM billing_portal_sessions;
DROP TABLE billing_portal_sessions;
ALTER TABLE billing_portal_sessions_next RENAME TO billing_portal_sessions;
