-- Who holds a claim on a key, and whether the keyed action's effect committed.
-- `owner` is the process that claimed it: SQLite serves one process, so a claim of
-- another process was left by one that stopped. `claim` is the claiming request's
-- token: only its holder marks, finishes or releases the key, and NULL means the
-- request let go of it after an effect. `applied` is set inside the action's own
-- transactions, so a retry after a crash between the commit and the stored answer
-- is refused (`idempotency_key_applied`) instead of acting twice.
ALTER TABLE idempotency_keys ADD COLUMN owner TEXT;
ALTER TABLE idempotency_keys ADD COLUMN claim TEXT;
ALTER TABLE idempotency_keys ADD COLUMN applied INTEGER NOT NULL DEFAULT 0;
-- A claim an older Portico left in flight keeps waiting for its lease.
UPDATE idempotency_keys SET claim = 'before-0013' WHERE status IS NULL;
