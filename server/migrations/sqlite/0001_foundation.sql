-- Secret keys per mode. They key the identity HMAC, so they are kept, not hashed.
CREATE TABLE secret_keys (
    mode    TEXT PRIMARY KEY CHECK (mode IN ('test', 'live')),
    secret  TEXT NOT NULL,
    created INTEGER NOT NULL
);

CREATE TABLE customers (
    id          TEXT PRIMARY KEY,
    livemode    INTEGER NOT NULL,
    email       TEXT,          -- trimmed and lowercased
    external_id TEXT,          -- the integrator's `customer_id`
    name        TEXT,
    created     INTEGER NOT NULL,
    CHECK (email IS NOT NULL OR external_id IS NOT NULL)
);
CREATE UNIQUE INDEX customers_by_email ON customers (livemode, email) WHERE email IS NOT NULL;
CREATE UNIQUE INDEX customers_by_external_id ON customers (livemode, external_id) WHERE external_id IS NOT NULL;

CREATE TABLE subscriptions (
    id                   TEXT PRIMARY KEY,
    customer_id          TEXT NOT NULL REFERENCES customers (id),
    service              TEXT NOT NULL,
    plan                 TEXT NOT NULL,
    status               TEXT NOT NULL,
    currency             TEXT NOT NULL,
    current_period_start INTEGER NOT NULL,
    current_period_end   INTEGER NOT NULL,
    trial_end            INTEGER,
    cancel_at_period_end INTEGER NOT NULL DEFAULT 0,
    livemode             INTEGER NOT NULL,
    created              INTEGER NOT NULL
);
CREATE INDEX subscriptions_by_customer ON subscriptions (customer_id, service);

CREATE TABLE subscription_items (
    id              TEXT PRIMARY KEY,
    subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
    position        INTEGER NOT NULL,
    product         TEXT NOT NULL,
    unit_label      TEXT,
    quantity        INTEGER NOT NULL CHECK (quantity > 0),
    unit_amount     INTEGER NOT NULL,
    UNIQUE (subscription_id, position)
);

-- Portal sessions of the embedded widget. Only the token's SHA-256 is kept.
CREATE TABLE portal_sessions (
    token_digest    TEXT PRIMARY KEY,
    service         TEXT NOT NULL,
    email           TEXT,
    external_id     TEXT,
    subscription_id TEXT,
    livemode        INTEGER NOT NULL,
    created         INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL
);
CREATE INDEX portal_sessions_by_expiry ON portal_sessions (expires_at);
