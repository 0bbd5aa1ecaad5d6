//! API integration tests: a real server on a loopback port, a fresh SQLite file.

mod helpers;

mod account;
mod assets;
mod authorization;
mod billing_portal;
mod billing_portal_lists;
mod clocks;
mod embed_calls;
mod embed_portal;
mod embed_sessions;
mod engine;
mod golden;
mod idempotency;
mod idempotency_after_a_crash;
mod invoice_pdf;
mod metered;
mod metered_cycle;
mod metered_periods;
mod metered_snapshot;
mod migrations;
mod multi_server;
mod openapi;
mod portal_features;
mod portal_sessions;
mod providers;
mod rate_limits;
mod readiness;
mod schemathesis;
mod stripe;
mod subscription_scope;
mod usage;
mod wallets;
