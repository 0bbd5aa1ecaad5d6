-- The billing engine: billing cycles, cancellation, scheduled changes, invoices,
-- cards, customer credit and the test clock.

-- Subscriptions snapshot their billing cycle. Rows from before this migration were
-- monthly or yearly; the period's length tells which.
ALTER TABLE subscriptions ADD COLUMN interval TEXT NOT NULL DEFAULT 'month';
ALTER TABLE subscriptions ADD COLUMN interval_count INTEGER NOT NULL DEFAULT 1;
UPDATE subscriptions SET interval = 'year'
 WHERE current_period_end - current_period_start > 40 * 86400 AND trial_end IS NULL;
ALTER TABLE subscriptions ADD COLUMN billing_cycle_anchor INTEGER NOT NULL DEFAULT 0;
UPDATE subscriptions SET billing_cycle_anchor = COALESCE(trial_end, current_period_start);
ALTER TABLE subscriptions ADD COLUMN canceled_at INTEGER;
ALTER TABLE subscriptions ADD COLUMN ended_at INTEGER;
ALTER TABLE subscriptions ADD COLUMN cancel_reason TEXT;
ALTER TABLE subscriptions ADD COLUMN cancel_feedback TEXT;
ALTER TABLE subscriptions ADD COLUMN cancel_comment TEXT;
-- A change scheduled for period end, as the JSON of the wire's `PendingUpdate`.
ALTER TABLE subscriptions ADD COLUMN pending_update TEXT;
-- When the engine must next look at it (renewal, trial end, retry); NULL when never.
-- Subscriptions from before the engine were never invoiced and have no card: rather
-- than bill (and, failing, cancel) them on the first run, the engine leaves them
-- alone until the customer acts on them.
ALTER TABLE subscriptions ADD COLUMN next_due_at INTEGER;
CREATE INDEX subscriptions_due ON subscriptions (next_due_at) WHERE next_due_at IS NOT NULL;

ALTER TABLE subscription_items ADD COLUMN product_name TEXT NOT NULL DEFAULT '';
UPDATE subscription_items SET product_name = product;

-- Billing details the customer edits; `email` stays the identity the portal uses.
ALTER TABLE customers ADD COLUMN billing_email TEXT;
ALTER TABLE customers ADD COLUMN address TEXT;  -- JSON of the wire's `Address`
ALTER TABLE customers ADD COLUMN tax_id TEXT;   -- JSON of the wire's `TaxId`
ALTER TABLE customers ADD COLUMN default_payment_method TEXT;

-- Stripe's customer balance, per currency: negative is credit.
CREATE TABLE customer_balances (
    customer_id TEXT NOT NULL REFERENCES customers (id),
    currency    TEXT NOT NULL,
    balance     INTEGER NOT NULL,
    PRIMARY KEY (customer_id, currency)
);

-- Cards: what may be kept of them, never the number or the CVC.
CREATE TABLE payment_methods (
    id             TEXT PRIMARY KEY,
    customer_id    TEXT NOT NULL REFERENCES customers (id),
    livemode       INTEGER NOT NULL,
    brand          TEXT NOT NULL,
    last4          TEXT NOT NULL CHECK (length(last4) = 4),
    exp_month      INTEGER NOT NULL,
    exp_year       INTEGER NOT NULL,
    funding        TEXT NOT NULL,
    -- The decline every charge gets (Stripe's test card ending in 0341), if any.
    charge_decline TEXT,
    created        INTEGER NOT NULL
);
CREATE INDEX payment_methods_by_customer ON payment_methods (customer_id);

CREATE TABLE invoices (
    id                   TEXT PRIMARY KEY,
    number               TEXT NOT NULL,
    customer_id          TEXT NOT NULL REFERENCES customers (id),
    subscription_id      TEXT REFERENCES subscriptions (id),
    livemode             INTEGER NOT NULL,
    currency             TEXT NOT NULL,
    status               TEXT NOT NULL,
    billing_reason       TEXT NOT NULL,
    period_start         INTEGER NOT NULL,
    period_end           INTEGER NOT NULL,
    subtotal             INTEGER NOT NULL,
    starting_balance     INTEGER NOT NULL,
    ending_balance       INTEGER NOT NULL,
    amount_due           INTEGER NOT NULL CHECK (amount_due >= 0),
    amount_paid          INTEGER NOT NULL,
    attempt_count        INTEGER NOT NULL,
    next_payment_attempt INTEGER,
    last_payment_error   TEXT,
    paid_at              INTEGER,
    created              INTEGER NOT NULL,
    UNIQUE (livemode, number)
);
CREATE INDEX invoices_by_customer ON invoices (customer_id, created);
CREATE INDEX invoices_by_subscription ON invoices (subscription_id, status);

-- Lines of invoices, and prorations waiting for the next one (`invoice_id` NULL).
CREATE TABLE invoice_lines (
    subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
    invoice_id      TEXT REFERENCES invoices (id),
    position        INTEGER NOT NULL,
    description     TEXT NOT NULL,
    product         TEXT NOT NULL,
    quantity        INTEGER NOT NULL,
    amount          INTEGER NOT NULL,
    proration       INTEGER NOT NULL,
    period_start    INTEGER NOT NULL,
    period_end      INTEGER NOT NULL
);
CREATE INDEX invoice_lines_by_invoice ON invoice_lines (invoice_id, position);
CREATE INDEX invoice_lines_pending ON invoice_lines (subscription_id) WHERE invoice_id IS NULL;

-- `INV-YYYYMM-NNNNN`: the last number given per mode and month.
CREATE TABLE invoice_numbers (
    livemode INTEGER NOT NULL,
    month    TEXT NOT NULL,
    last     INTEGER NOT NULL,
    PRIMARY KEY (livemode, month)
);

-- Test-mode clocks: seconds added to real time, for everyone ('*') or one customer.
CREATE TABLE test_clocks (
    scope          TEXT PRIMARY KEY,
    offset_seconds INTEGER NOT NULL
);
