-- Events from the payment provider (Stripe webhooks) as Portico events: one row
-- per provider event id, so a redelivered event is recorded once.
CREATE TABLE provider_events (
    id          TEXT PRIMARY KEY,   -- the provider's event id (`evt_…`)
    provider    TEXT NOT NULL,      -- `stripe`
    type        TEXT NOT NULL,      -- Portico's: `subscription.updated`, `invoice.paid`, …
    source_type TEXT NOT NULL,      -- the provider's: `customer.subscription.updated`, …
    object_id   TEXT NOT NULL,      -- the subscription, invoice or payment method
    customer    TEXT,               -- the provider's customer id
    livemode    INTEGER NOT NULL,
    created     INTEGER NOT NULL,   -- when the provider created the event
    received    INTEGER NOT NULL    -- when Portico first received it
);
CREATE INDEX provider_events_by_time ON provider_events (livemode, received);
