-- Usage is Portico's own with either provider, kept under the provider's
-- customer id: a row of `customers` with the built-in engine, a Stripe customer
-- (`cus_…` at Stripe) with the Stripe provider. So `customer_id` keeps the id
-- without a foreign key. SQLite cannot drop a constraint: the table is rebuilt.
CREATE TABLE usage_events_next (
    livemode     INTEGER NOT NULL,
    event_id     TEXT NOT NULL,
    customer_id  TEXT NOT NULL,
    meter        TEXT NOT NULL,
    quantity     INTEGER NOT NULL,
    timestamp    INTEGER NOT NULL,
    unique_value TEXT,
    ingested     INTEGER NOT NULL,
    PRIMARY KEY (livemode, event_id)
) WITHOUT ROWID;
INSERT INTO usage_events_next SELECT
    livemode, event_id, customer_id, meter, quantity, timestamp, unique_value, ingested
FROM usage_events;
DROP TABLE usage_events;
ALTER TABLE usage_events_next RENAME TO usage_events;
