-- Where the order of rows matters (a customer's subscriptions, invoices and wallet
-- transactions created in the same second), `seq` records the order they were
-- inserted in, as PostgreSQL's identity columns do, instead of SQLite's rowid.
-- Writers are serialized on SQLite, so the next value is one more than the largest.
ALTER TABLE subscriptions ADD COLUMN seq INTEGER;
UPDATE subscriptions SET seq = rowid;
CREATE UNIQUE INDEX subscriptions_by_seq ON subscriptions (seq);
CREATE TRIGGER subscriptions_seq AFTER INSERT ON subscriptions WHEN NEW.seq IS NULL
BEGIN
    UPDATE subscriptions SET seq = (SELECT COALESCE(MAX(seq), 0) + 1 FROM subscriptions)
    WHERE id = NEW.id;
END;

ALTER TABLE invoices ADD COLUMN seq INTEGER;
UPDATE invoices SET seq = rowid;
CREATE UNIQUE INDEX invoices_by_seq ON invoices (seq);
CREATE TRIGGER invoices_seq AFTER INSERT ON invoices WHEN NEW.seq IS NULL
BEGIN
    UPDATE invoices SET seq = (SELECT COALESCE(MAX(seq), 0) + 1 FROM invoices)
    WHERE id = NEW.id;
END;

ALTER TABLE wallet_transactions ADD COLUMN seq INTEGER;
UPDATE wallet_transactions SET seq = rowid;
CREATE UNIQUE INDEX wallet_transactions_by_seq ON wallet_transactions (seq);
CREATE TRIGGER wallet_transactions_seq AFTER INSERT ON wallet_transactions WHEN NEW.seq IS NULL
BEGIN
    UPDATE wallet_transactions SET seq = (SELECT COALESCE(MAX(seq), 0) + 1 FROM wallet_transactions)
    WHERE id = NEW.id;
END;
