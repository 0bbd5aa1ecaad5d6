-- Prepaid wallets: one per customer and currency.
CREATE TABLE wallets (
    id              TEXT PRIMARY KEY,
    customer_id     TEXT NOT NULL REFERENCES customers (id),
    livemode        INTEGER NOT NULL,
    currency        TEXT NOT NULL,
    -- Minor units one credit is worth.
    conversion_rate INTEGER NOT NULL CHECK (conversion_rate > 0),
    created         INTEGER NOT NULL,
    UNIQUE (customer_id, currency)
);

-- Every movement of credits, in hundredths of a credit. A grant is a credit row
-- whose `remaining` is drawn down by invoice payments and zeroed by its expiry;
-- each draw and each expiry is a debit row of its own.
CREATE TABLE wallet_transactions (
    id          TEXT PRIMARY KEY,
    wallet_id   TEXT NOT NULL REFERENCES wallets (id),
    kind        TEXT NOT NULL CHECK (kind IN ('credit', 'debit')),
    reason      TEXT NOT NULL CHECK (reason IN ('purchased', 'promotional', 'invoice_payment', 'expired')),
    credits     INTEGER NOT NULL CHECK (credits > 0),
    amount      INTEGER NOT NULL,
    remaining   INTEGER CHECK (remaining >= 0),
    priority    INTEGER,
    expires_at  INTEGER,
    invoice_id  TEXT REFERENCES invoices (id),
    description TEXT,
    created     INTEGER NOT NULL
);
CREATE INDEX wallet_transactions_by_wallet ON wallet_transactions (wallet_id, created);
CREATE INDEX wallet_grants_open ON wallet_transactions (wallet_id) WHERE remaining > 0;

-- What the wallet paid of each invoice.
ALTER TABLE invoices ADD COLUMN paid_from_wallet INTEGER NOT NULL DEFAULT 0;
ALTER TABLE invoices ADD COLUMN wallet_credits INTEGER NOT NULL DEFAULT 0;

-- A subscription's metered meters: usage billed at the end of each period, the
-- price a snapshot (JSON in Stripe's shape) like its items'.
CREATE TABLE subscription_meters (
    subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
    position        INTEGER NOT NULL,
    meter           TEXT NOT NULL,
    name            TEXT NOT NULL,
    unit            TEXT NOT NULL,
    aggregation     TEXT NOT NULL CHECK (aggregation IN ('sum', 'count', 'max', 'unique_count')),
    price           TEXT NOT NULL,
    PRIMARY KEY (subscription_id, position)
) WITHOUT ROWID;
