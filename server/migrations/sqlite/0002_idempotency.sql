-- The first result of each mutating request per Idempotency-Key, replayed for 24 h.
CREATE TABLE idempotency_keys (
    scope          TEXT NOT NULL,     -- whose key: mode, service and customer identity
    key            TEXT NOT NULL,
    request_digest TEXT NOT NULL,     -- SHA-256 of the request it was first used with
    status         INTEGER,           -- NULL while the first request is in flight
    response       TEXT,
    created        INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created);
