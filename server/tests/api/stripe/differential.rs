//! The differential test: golden scenarios (`tests/api/golden/`, whose amounts
//! the built-in engine reproduces to the cent) replayed through the same HTTP API
//! on the Stripe provider against localstripe. Every amount and state the golden
//! file expects is compared, and every preview must answer as its change does;
//! each difference must be listed in [`DIFFERENCES`] with its cause, and each
//! listed one must still differ — so a change on either side shows here.
//!
//! localstripe has no clock: `advance` steps are skipped (nothing renews, no
//! retry runs, no trial ends), and so are period dates. Scenarios that are only
//! about what it cannot model are in [`LEFT_OUT`], each with its cause, and every
//! golden scenario must be replayed or left out.

mod listed;

use super::peer::{Localstripe, WEBHOOK_SECRET, spawn_on};
use crate::helpers::TestApp;
use listed::{DIFFERENCES, LEFT_OUT};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// The scenarios replayed: upgrades and downgrades with and without prorations and
/// invoiced at once, a trial, a cancel at period end and its resume, a cancel now
/// with a resubscription, and final invoices at a subscription's end.
const SCENARIOS: &[&str] = &[
    "01_upgrade_create_prorations",
    "02_upgrade_always_invoice",
    "03_upgrade_without_proration",
    "04_downgrade_always_invoice",
    "05_downgrade_create_prorations",
    "12_trial_to_paid",
    "14_cancel_at_period_end_and_resume",
    "15_cancel_now_and_resubscribe",
    "27_final_invoice_bills_waiting_prorations",
];

/// The invoice fields compared; dates and balances need the clock or the credit.
const INVOICE_FIELDS: &[&str] = &["total", "amount_due", "amount_paid", "status"];

fn amounts(lines: &Value) -> Value {
    lines.as_array().map_or(Value::Null, |lines| {
        lines.iter().map(|l| l["amount"].clone()).collect()
    })
}

struct Replay {
    scenario: &'static str,
    found: Vec<String>,
}

impl Replay {
    fn compare(&mut self, at: &str, field: &str, engine: &Value, stripe: &Value) {
        if engine != stripe {
            let stripe = if stripe.is_null() {
                "none".to_owned()
            } else {
                stripe.to_string()
            };
            let number = &self.scenario[..2];
            self.found
                .push(format!("{number} {at} {field}: {engine} → {stripe}"));
        }
    }

    fn compare_invoice(&mut self, at: &str, expected: &toml::Value, got: &Value) {
        if let Some(lines) = expected.get("lines") {
            let got_lines = if got.is_null() {
                Value::Null
            } else {
                amounts(&got["lines"])
            };
            self.compare(at, "invoice.lines", &to_json(lines), &got_lines);
        }
        for field in INVOICE_FIELDS {
            if let Some(value) = expected.get(*field) {
                self.compare(
                    at,
                    &format!("invoice.{field}"),
                    &to_json(value),
                    &got[*field],
                );
            }
        }
    }
}

fn to_json(value: &toml::Value) -> Value {
    serde_json::to_value(value).unwrap()
}

/// A POST with the session token: status and body.
async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (u16, Value) {
    let response = app.post_json(path, Some(token), body).await;
    let status = response.status().as_u16();
    (status, response.json::<Value>().await.unwrap())
}

/// A customer whose default card is on the peer (made there, as Stripe.js would)
/// and a session for them.
async fn customer(app: &TestApp, peer: &Localstripe, email: &str) -> String {
    peer.customer_with_card(email, "4242424242424242").await;
    app.session(json!({"service": "acme", "email": email}))
        .await
}

async fn replay(scenario: &'static str) -> Vec<String> {
    let path = format!(
        "{}/tests/api/golden/{scenario}.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    let file: toml::Value = std::fs::read_to_string(&path).unwrap().parse().unwrap();
    let peer = Localstripe::start().await;
    peer.seed().await;
    // The golden catalog's trial plan, which the seeded catalog has not.
    peer.post(
        "/v1/plans",
        &[
            ("id", "trial"),
            ("nickname", "Trial"),
            ("product", "prod_app"),
            ("amount", "1500"),
            ("currency", "usd"),
            ("interval", "month"),
            ("trial_period_days", "7"),
        ],
    )
    .await;
    let s = spawn_on(peer, Some(WEBHOOK_SECRET)).await;
    let mut token = customer(&s.app, &s.peer, "ada@example.com").await;
    let mut run = Replay {
        scenario,
        found: Vec::new(),
    };
    let mut subscription = String::new();
    for (index, step) in file["steps"].as_array().unwrap().iter().enumerate() {
        let action = step["do"].as_str().unwrap();
        let at = format!("step {} ({action})", index + 1);
        if let Some(email) = step.get("as").and_then(toml::Value::as_str) {
            token = customer(&s.app, &s.peer, email).await;
            subscription.clear();
        }
        let mut body = json!({});
        for key in ["plan", "quantity", "proration_behavior"] {
            if let Some(value) = step.get(key) {
                body[key] = to_json(value);
            }
        }
        // The golden runner's defaults when a step names no proration behaviour.
        let proration_or = |default: &'static str| {
            step.get("proration_behavior")
                .and_then(toml::Value::as_str)
                .unwrap_or(default)
        };
        let sub_path = |what: &str| format!("/v1/embed/subscriptions/{subscription}/{what}");
        let (status, got, preview) = match action {
            // The card is on the customer already; localstripe has no clock to advance.
            "card" | "advance" => continue,
            "signup" => {
                let (status, got) = post(&s.app, &token, "/v1/embed/subscriptions", body).await;
                (status, got, None)
            }
            "change" => {
                let proration = proration_or("create_prorations");
                s.app
                    .configure_default(json!({"features": {"subscription_update": {"proration_behavior": proration}}}))
                    .await;
                let preview = post(&s.app, &token, &sub_path("preview"), body.clone()).await;
                let (status, got) = post(&s.app, &token, &sub_path("change"), body).await;
                // The engine's preview answers as its change does (the golden runner
                // checks it); so must the Stripe provider's.
                run.compare(&at, "preview status", &json!(status), &json!(preview.0));
                (status, got, Some(preview.1))
            }
            "cancel" => {
                let at_period_end = step
                    .get("at_period_end")
                    .and_then(toml::Value::as_bool)
                    .unwrap_or(false);
                let mode = if at_period_end {
                    "at_period_end"
                } else {
                    "immediately"
                };
                let proration = proration_or("none");
                s.app
                    .configure_default(json!({"features": {"subscription_cancel": {"mode": mode, "proration_behavior": proration}}}))
                    .await;
                body["at_period_end"] = json!(at_period_end);
                let (status, got) = post(&s.app, &token, &sub_path("cancel"), body).await;
                (status, got, None)
            }
            "resume" | "resubscribe" => {
                let (status, got) = post(&s.app, &token, &sub_path(action), body).await;
                (status, got, None)
            }
            other => panic!("{scenario} {at}: `{other}` is not replayed"),
        };
        let expect = step
            .get("expect")
            .cloned()
            .unwrap_or(toml::Value::Table(Default::default()));
        if let Some(code) = expect.get("error") {
            run.compare(&at, "error", &to_json(code), &got["error"]["code"]);
            continue;
        }
        assert!(status < 300, "{scenario} {at}: {status} {got}");
        if let Some(id) = got["subscription"]["id"].as_str() {
            subscription = id.to_owned();
        }
        for field in ["status", "plan", "cancel_at_period_end"] {
            if let Some(value) = expect.get(field) {
                run.compare(&at, field, &to_json(value), &got["subscription"][field]);
            }
        }
        if let (Some(lines), Some(preview)) = (expect.get("pending_lines"), &preview) {
            run.compare(
                &at,
                "pending_lines",
                &to_json(lines),
                &amounts(&preview["pending_lines"]),
            );
        }
        if expect.get("no_invoice").and_then(|v| v.as_bool()) == Some(true) {
            run.compare(&at, "invoice", &Value::Null, &got["invoice"]);
        }
        if let Some(invoice) = expect.get("invoice") {
            run.compare_invoice(&at, invoice, &got["invoice"]);
        }
    }
    run.found
}

#[tokio::test]
async fn golden_proration_scenarios_give_the_same_amounts_on_stripe_or_a_listed_difference() {
    let mut found = BTreeSet::new();
    for scenario in SCENARIOS {
        found.extend(replay(scenario).await);
    }
    let listed: BTreeSet<String> = DIFFERENCES.iter().map(|(d, _)| (*d).to_owned()).collect();
    let unlisted: Vec<_> = found.difference(&listed).collect();
    let gone: Vec<_> = listed.difference(&found).collect();
    assert!(
        unlisted.is_empty() && gone.is_empty(),
        "differences not listed: {unlisted:#?}\nlisted but no longer found: {gone:#?}"
    );
}

#[test]
fn every_golden_scenario_is_replayed_or_left_out_with_its_cause() {
    let dir = format!("{}/tests/api/golden", env!("CARGO_MANIFEST_DIR"));
    let golden: BTreeSet<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|entry| {
            let name = entry.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".toml").map(str::to_owned)
        })
        .collect();
    let classified: BTreeSet<String> = SCENARIOS
        .iter()
        .copied()
        .chain(LEFT_OUT.iter().map(|(name, _)| *name))
        .map(str::to_owned)
        .collect();
    assert_eq!(
        classified.len(),
        SCENARIOS.len() + LEFT_OUT.len(),
        "a scenario both replayed and left out"
    );
    assert_eq!(golden, classified);
}
