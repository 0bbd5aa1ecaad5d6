-- Usage events, kept whole for de-duplication and audit; `event_id` is unique per mode.
CREATE TABLE usage_events (
    livemode     INTEGER NOT NULL,
    event_id     TEXT NOT NULL,
    customer_id  TEXT NOT NULL REFERENCES customers (id),
    meter        TEXT NOT NULL,
    quantity     INTEGER NOT NULL,
    timestamp    INTEGER NOT NULL,
    unique_value TEXT,
    ingested     INTEGER NOT NULL,
    PRIMARY KEY (livemode, event_id)
) WITHOUT ROWID;

-- Hourly rollups, updated in the same transaction as each event: a usage query
-- reads at most 24 × 30 rows per meter, however many events there were.
CREATE TABLE usage_hourly (
    customer_id TEXT NOT NULL,
    meter       TEXT NOT NULL,
    hour        INTEGER NOT NULL,  -- unix seconds, a multiple of 3600
    total       INTEGER NOT NULL,
    events      INTEGER NOT NULL,
    maximum     INTEGER NOT NULL,
    PRIMARY KEY (customer_id, meter, hour)
) WITHOUT ROWID;

-- For unique-count meters: each distinct value once per hour.
CREATE TABLE usage_unique (
    customer_id TEXT NOT NULL,
    meter       TEXT NOT NULL,
    hour        INTEGER NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (customer_id, meter, hour, value)
) WITHOUT ROWID;
