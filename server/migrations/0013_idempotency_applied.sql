-- Which process claimed a key, and whether the keyed action's effect committed.
-- SQLite serves one process: a claim of another (earlier) process that has no
-- answer was abandoned when that process stopped. `applied` is set inside the
-- action's own transaction, so a retry after a crash between that commit and the
-- stored answer is refused (`idempotency_key_applied`) instead of acting twice.
ALTER TABLE idempotency_keys ADD COLUMN owner TEXT;
ALTER TABLE idempotency_keys ADD COLUMN applied INTEGER NOT NULL DEFAULT 0;
