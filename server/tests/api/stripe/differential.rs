//! The differential test: golden proration scenarios (`tests/api/golden/`, whose
//! amounts the built-in engine reproduces to the cent) replayed through the same
//! HTTP API on the Stripe provider against localstripe. Every amount the golden
//! file expects is compared; each one that differs must be listed in
//! [`DIFFERENCES`] with its cause, and each listed one must still differ — so a
//! change on either side shows here.
//!
//! What localstripe cannot model is left out, and why is said: it has no clock
//! (`advance` steps are skipped, and so are period dates), and one item per
//! subscription (the two-item seat scenarios).

use super::peer::spawn_stripe_app;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// The scenarios replayed: upgrades and a downgrade with and without prorations,
/// and a cancel now with a resubscription.
const SCENARIOS: &[&str] = &[
    "01_upgrade_create_prorations",
    "03_upgrade_without_proration",
    "05_downgrade_create_prorations",
    "15_cancel_now_and_resubscribe",
];

/// `(where, what the engine gives → what localstripe gives)`, and why.
const DIFFERENCES: &[(&str, &str)] = &[
    (
        "01 step 4 (change) pending_lines: [-516,1548] → [-1000]",
        "localstripe prorates without time: it credits the whole earlier invoice \
         (not the unused 16/31) and charges nothing for the new plan's remaining time",
    ),
    (
        "03 step 5 (change) pending_lines: [] → [-1000]",
        "localstripe's /v1/invoices/create_preview ignores \
         subscription_details[proration_behavior]: its preview prorates even with `none`",
    ),
    (
        "05 step 4 (change) pending_lines: [-1000,333] → [-3000]",
        "localstripe prorates without time, as in 01",
    ),
    (
        "15 step 4 (cancel) invoice.lines: [-1000] → none",
        "localstripe's DELETE /v1/subscriptions/{id} ignores `prorate` and `invoice_now` \
         (both sent): no final invoice crediting the unused time",
    ),
    (
        "15 step 4 (cancel) invoice.total: -1000 → none",
        "the same final invoice, missing",
    ),
    (
        "15 step 4 (cancel) invoice.amount_due: 0 → none",
        "the same final invoice, missing",
    ),
    (
        "15 step 4 (cancel) invoice.status: \"paid\" → none",
        "the same final invoice, missing",
    ),
    (
        "15 step 6 (resubscribe) invoice.amount_due: 2000 → 3000",
        "without that credit on the customer's balance the resubscription is paid in full",
    ),
    (
        "15 step 6 (resubscribe) invoice.amount_paid: 2000 → 3000",
        "the same: paid in full",
    ),
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

async fn replay(scenario: &'static str) -> Vec<String> {
    let path = format!(
        "{}/tests/api/golden/{scenario}.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    let file: toml::Value = std::fs::read_to_string(&path).unwrap().parse().unwrap();
    let s = spawn_stripe_app().await;
    s.peer
        .customer_with_card("ada@example.com", "4242424242424242")
        .await;
    let token = s
        .app
        .session(json!({"service": "acme", "email": "ada@example.com"}))
        .await;
    let mut run = Replay {
        scenario,
        found: Vec::new(),
    };
    let mut subscription = String::new();
    let post = |path: String, body: Value| {
        let (app, token) = (&s.app, token.clone());
        async move {
            let response = app.post_json(&path, Some(&token), body).await;
            let status = response.status().as_u16();
            (status, response.json::<Value>().await.unwrap())
        }
    };
    for (index, step) in file["steps"].as_array().unwrap().iter().enumerate() {
        let action = step["do"].as_str().unwrap();
        let at = format!("step {} ({action})", index + 1);
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
            // The card is on the customer already (made on the peer, as Stripe.js would);
            // localstripe has no clock to advance.
            "card" | "advance" => continue,
            "signup" => {
                let (status, got) = post("/v1/embed/subscriptions".into(), body).await;
                (status, got, None)
            }
            "change" => {
                let proration = proration_or("create_prorations");
                s.app
                    .configure_default(json!({"features": {"subscription_update": {"proration_behavior": proration}}}))
                    .await;
                let (_, preview) = post(sub_path("preview"), body.clone()).await;
                let (status, got) = post(sub_path("change"), body).await;
                (status, got, Some(preview))
            }
            "cancel" => {
                let proration = proration_or("none");
                s.app
                    .configure_default(json!({"features": {"subscription_cancel": {"mode": "immediately", "proration_behavior": proration}}}))
                    .await;
                body["at_period_end"] = json!(false);
                let (status, got) = post(sub_path("cancel"), body).await;
                (status, got, None)
            }
            "resubscribe" => {
                let (status, got) = post(sub_path("resubscribe"), body).await;
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
        for field in ["status", "plan"] {
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
