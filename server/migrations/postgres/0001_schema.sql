-- Portico's schema on PostgreSQL: the tables SQLite reaches through migrations
-- 0001–0014, in one step. Times are Unix seconds and money is integer minor units,
-- as on SQLite; flags are BOOLEAN. Where the order of rows matters, `seq` records
-- the order they were inserted in.

CREATE TABLE secret_keys (
    mode    TEXT PRIMARY KEY CHECK (mode IN ('test', 'live')),
    secret  TEXT NOT NULL,
    created BIGINT NOT NULL,
    digest  TEXT
);

CREATE TABLE customers (
    id                     TEXT PRIMARY KEY,
    livemode               BOOLEAN NOT NULL,
    email                  TEXT,          -- trimmed and lowercased
    external_id            TEXT,          -- the integrator's `customer_id`
    name                   TEXT,
    created                BIGINT NOT NULL,
    billing_email          TEXT,
    address                TEXT,
    tax_id                 TEXT,
    default_payment_method TEXT,
    CHECK (email IS NOT NULL OR external_id IS NOT NULL)
);
CREATE UNIQUE INDEX customers_by_email ON customers (livemode, email) WHERE email IS NOT NULL;
CREATE UNIQUE INDEX customers_by_external_id ON customers (livemode, external_id) WHERE external_id IS NOT NULL;

CREATE TABLE subscriptions (
    id                   TEXT PRIMARY KEY,
    seq                  BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    customer_id          TEXT NOT NULL REFERENCES customers (id),
    service              TEXT NOT NULL,
    plan                 TEXT NOT NULL,
    status               TEXT NOT NULL,
    currency             TEXT NOT NULL,
    interval             TEXT NOT NULL DEFAULT 'month',
    interval_count       BIGINT NOT NULL DEFAULT 1,
    current_period_start BIGINT NOT NULL,
    current_period_end   BIGINT NOT NULL,
    billing_cycle_anchor BIGINT NOT NULL DEFAULT 0,
    trial_end            BIGINT,
    cancel_at_period_end BOOLEAN NOT NULL DEFAULT FALSE,
    canceled_at          BIGINT,
    ended_at             BIGINT,
    cancel_reason        TEXT,
    cancel_feedback      TEXT,
    cancel_comment       TEXT,
    pending_update       TEXT,
    next_due_at          BIGINT,
    livemode             BOOLEAN NOT NULL,
    created              BIGINT NOT NULL
);
CREATE INDEX subscriptions_by_customer ON subscriptions (customer_id, service);
CREATE INDEX subscriptions_due ON subscriptions (next_due_at) WHERE next_due_at IS NOT NULL;

CREATE TABLE subscription_items (
    id              TEXT PRIMARY KEY,
    subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
    position        BIGINT NOT NULL,
    product         TEXT NOT NULL,
    product_name    TEXT NOT NULL DEFAULT '',
    unit_label      TEXT,
    quantity        BIGINT NOT NULL CHECK (quantity > 0),
    price           TEXT NOT NULL DEFAULT '',
    UNIQUE (subscription_id, position)
);

CREATE TABLE subscription_meters (
    subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
    position        BIGINT NOT NULL,
    meter           TEXT NOT NULL,
    name            TEXT NOT NULL,
    unit            TEXT NOT NULL,
    aggregation     TEXT NOT NULL CHECK (aggregation IN ('sum', 'count', 'max', 'unique_count')),
    price           TEXT NOT NULL,
    PRIMARY KEY (subscription_id, position)
);

CREATE TABLE portal_sessions (
    token_digest           TEXT PRIMARY KEY,
    service                TEXT NOT NULL,
    email                  TEXT,
    external_id            TEXT,
    subscription_id        TEXT,
    livemode               BOOLEAN NOT NULL,
    created                BIGINT NOT NULL,
    expires_at             BIGINT NOT NULL,
    configuration          TEXT,
    read_only              BOOLEAN NOT NULL DEFAULT FALSE,
    billing_portal_session TEXT,
    login_digest           TEXT,
    login_expires_at       BIGINT,
    login_opened_at        BIGINT
);
CREATE INDEX portal_sessions_by_expiry ON portal_sessions (expires_at);
CREATE UNIQUE INDEX portal_sessions_login ON portal_sessions (login_digest)
    WHERE login_digest IS NOT NULL;

CREATE TABLE idempotency_keys (
    scope          TEXT NOT NULL,     -- whose key: mode, service and customer identity
    key            TEXT NOT NULL,
    request_digest TEXT NOT NULL,     -- SHA-256 of the request it was first used with
    status         BIGINT,            -- NULL while the first request is in flight
    response       TEXT,
    created        BIGINT NOT NULL,
    owner          TEXT,
    claim          TEXT,
    applied        BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created);

CREATE TABLE customer_balances (
    customer_id TEXT NOT NULL REFERENCES customers (id),
    currency    TEXT NOT NULL,
    balance     BIGINT NOT NULL,
    PRIMARY KEY (customer_id, currency)
);

CREATE TABLE payment_methods (
    id             TEXT PRIMARY KEY,
    customer_id    TEXT NOT NULL REFERENCES customers (id),
    livemode       BOOLEAN NOT NULL,
    brand          TEXT NOT NULL,
    last4          TEXT NOT NULL CHECK (length(last4) = 4),
    exp_month      BIGINT NOT NULL,
    exp_year       BIGINT NOT NULL,
    funding        TEXT NOT NULL,
    -- The decline every charge gets (Stripe's test card ending in 0341), if any.
    charge_decline TEXT,
    created        BIGINT NOT NULL
);
CREATE INDEX payment_methods_by_customer ON payment_methods (customer_id);

CREATE TABLE invoices (
    id                   TEXT PRIMARY KEY,
    seq                  BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    number               TEXT NOT NULL,
    customer_id          TEXT NOT NULL REFERENCES customers (id),
    subscription_id      TEXT REFERENCES subscriptions (id),
    livemode             BOOLEAN NOT NULL,
    currency             TEXT NOT NULL,
    status               TEXT NOT NULL,
    billing_reason       TEXT NOT NULL,
    period_start         BIGINT NOT NULL,
    period_end           BIGINT NOT NULL,
    subtotal             BIGINT NOT NULL,
    starting_balance     BIGINT NOT NULL,
    ending_balance       BIGINT NOT NULL,
    amount_due           BIGINT NOT NULL CHECK (amount_due >= 0),
    amount_paid          BIGINT NOT NULL,
    attempt_count        BIGINT NOT NULL,
    next_payment_attempt BIGINT,
    last_payment_error   TEXT,
    paid_at              BIGINT,
    paid_from_wallet     BIGINT NOT NULL DEFAULT 0,
    wallet_credits       BIGINT NOT NULL DEFAULT 0,
    created              BIGINT NOT NULL,
    UNIQUE (livemode, number)
);
CREATE INDEX invoices_by_customer ON invoices (customer_id, created);
CREATE INDEX invoices_by_subscription ON invoices (subscription_id, status);

CREATE TABLE invoice_lines (
    subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
    invoice_id      TEXT REFERENCES invoices (id),
    position        BIGINT NOT NULL,
    description     TEXT NOT NULL,
    product         TEXT NOT NULL,
    quantity        BIGINT NOT NULL,
    amount          BIGINT NOT NULL,
    proration       BOOLEAN NOT NULL,
    period_start    BIGINT NOT NULL,
    period_end      BIGINT NOT NULL
);
CREATE INDEX invoice_lines_by_invoice ON invoice_lines (invoice_id, position);
CREATE INDEX invoice_lines_pending ON invoice_lines (subscription_id) WHERE invoice_id IS NULL;

-- The last invoice number given out per mode and month: incremented in the
-- transaction that creates the invoice, so numbers are gapless and unique.
CREATE TABLE invoice_numbers (
    livemode BOOLEAN NOT NULL,
    month    TEXT NOT NULL,
    last     BIGINT NOT NULL,
    PRIMARY KEY (livemode, month)
);

CREATE TABLE test_clocks (
    scope          TEXT PRIMARY KEY,
    offset_seconds BIGINT NOT NULL
);

CREATE TABLE portal_configurations (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    livemode   BOOLEAN NOT NULL,
    active     BOOLEAN NOT NULL,
    is_default BOOLEAN NOT NULL,
    body       TEXT NOT NULL
);
CREATE UNIQUE INDEX portal_configurations_one_default
    ON portal_configurations (livemode) WHERE is_default;
CREATE INDEX portal_configurations_by_mode ON portal_configurations (livemode, seq);

CREATE TABLE billing_portal_sessions (
    id               TEXT PRIMARY KEY,
    livemode         BOOLEAN NOT NULL,
    configuration    TEXT NOT NULL REFERENCES portal_configurations (id),
    customer         TEXT NOT NULL,
    service          TEXT NOT NULL,
    flow             TEXT,
    locale           TEXT,
    on_behalf_of     TEXT,
    return_url       TEXT,
    created          BIGINT NOT NULL,
    login_digest     TEXT NOT NULL UNIQUE,
    login_expires_at BIGINT NOT NULL,
    opened_at        BIGINT
);

CREATE TABLE catalog_imports (
    seq      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source   TEXT NOT NULL,
    imported BIGINT NOT NULL
);

CREATE TABLE usage_events (
    livemode     BOOLEAN NOT NULL,
    event_id     TEXT NOT NULL,
    customer_id  TEXT NOT NULL,
    meter        TEXT NOT NULL,
    quantity     BIGINT NOT NULL,
    timestamp    BIGINT NOT NULL,
    unique_value TEXT,
    ingested     BIGINT NOT NULL,
    PRIMARY KEY (livemode, event_id)
);

CREATE TABLE usage_hourly (
    customer_id TEXT NOT NULL,
    meter       TEXT NOT NULL,
    hour        BIGINT NOT NULL,  -- unix seconds, a multiple of 3600
    total       BIGINT NOT NULL,
    events      BIGINT NOT NULL,
    maximum     BIGINT NOT NULL,
    PRIMARY KEY (customer_id, meter, hour)
);

CREATE TABLE usage_unique (
    customer_id TEXT NOT NULL,
    meter       TEXT NOT NULL,
    hour        BIGINT NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (customer_id, meter, hour, value)
);

CREATE TABLE wallets (
    id              TEXT PRIMARY KEY,
    customer_id     TEXT NOT NULL REFERENCES customers (id),
    livemode        BOOLEAN NOT NULL,
    currency        TEXT NOT NULL,
    -- Minor units one credit is worth.
    conversion_rate BIGINT NOT NULL CHECK (conversion_rate > 0),
    created         BIGINT NOT NULL,
    UNIQUE (customer_id, currency)
);

CREATE TABLE wallet_transactions (
    id          TEXT PRIMARY KEY,
    seq         BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    wallet_id   TEXT NOT NULL REFERENCES wallets (id),
    kind        TEXT NOT NULL CHECK (kind IN ('credit', 'debit')),
    reason      TEXT NOT NULL CHECK (reason IN ('purchased', 'promotional', 'invoice_payment', 'expired')),
    credits     BIGINT NOT NULL CHECK (credits > 0),
    amount      BIGINT NOT NULL,
    remaining   BIGINT CHECK (remaining >= 0),
    priority    BIGINT,
    expires_at  BIGINT,
    invoice_id  TEXT REFERENCES invoices (id),
    description TEXT,
    created     BIGINT NOT NULL
);
CREATE INDEX wallet_transactions_by_wallet ON wallet_transactions (wallet_id, created);
CREATE INDEX wallet_grants_open ON wallet_transactions (wallet_id) WHERE remaining > 0;

CREATE TABLE provider_events (
    id          TEXT PRIMARY KEY,   -- the provider's event id (`evt_…`)
    provider    TEXT NOT NULL,      -- `stripe`
    type        TEXT NOT NULL,      -- Portico's: `subscription.updated`, `invoice.paid`, …
    source_type TEXT NOT NULL,      -- the provider's: `customer.subscription.updated`, …
    object_id   TEXT NOT NULL,      -- the subscription, invoice or payment method
    customer    TEXT,               -- the provider's customer id
    livemode    BOOLEAN NOT NULL,
    created     BIGINT NOT NULL,    -- when the provider created the event
    received    BIGINT NOT NULL     -- when Portico first received it
);
CREATE INDEX provider_events_by_time ON provider_events (livemode, received);
