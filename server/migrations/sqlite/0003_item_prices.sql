-- A subscription item keeps a snapshot of its price (per unit or tiered), as JSON in
-- Stripe's shape, so later catalog edits do not reprice existing subscriptions.
-- Every item before this migration was priced per unit.
ALTER TABLE subscription_items ADD COLUMN price TEXT NOT NULL DEFAULT '';
UPDATE subscription_items
   SET price = json_object('billing_scheme', 'per_unit', 'unit_amount', unit_amount);
ALTER TABLE subscription_items DROP COLUMN unit_amount;
