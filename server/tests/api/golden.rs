//! The golden scenarios: one TOML file per scenario in `golden/`, each a list of
//! portal actions and test-clock advances with every expected amount to the cent.
//! Every `change` is previewed first, and the applied result must equal the preview.
//! The amounts were worked out by hand (see each file's comments); the engine must
//! reproduce them, not the other way round.

mod checks;

use crate::helpers::{TestApp, spawn_app};
use checks::{ExpectInvoice, assert_same_outcome, check_invoice, line_amounts, unix};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Scenario {
    description: String,
    start: String,
    #[serde(default = "default_email")]
    email: String,
    steps: Vec<Step>,
}

fn default_email() -> String {
    "ada@example.com".into()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Step {
    #[serde(rename = "do")]
    action: String,
    /// Act as another customer from this step on.
    #[serde(rename = "as")]
    customer: Option<String>,
    plan: Option<String>,
    quantity: Option<toml::Value>,
    proration_behavior: Option<String>,
    at_period_end: Option<bool>,
    number: Option<String>,
    to: Option<String>,
    #[serde(default)]
    expect: Expect,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Expect {
    error: Option<String>,
    decline_code: Option<String>,
    status: Option<String>,
    plan: Option<String>,
    interval: Option<String>,
    cancel_at_period_end: Option<bool>,
    period_start: Option<String>,
    period_end: Option<String>,
    pending_plan: Option<String>,
    cancellation_reason: Option<String>,
    /// The invoice the action created; `no_invoice` says it created none.
    invoice: Option<ExpectInvoice>,
    #[serde(default)]
    no_invoice: bool,
    /// Prorations waiting for the next invoice, from the change's preview.
    pending_lines: Option<Vec<i64>>,
    /// The invoices an advance created or updated, in order.
    invoices: Option<Vec<ExpectInvoice>>,
    /// Every invoice of the customer, newest first (`GET /invoices`).
    all_invoices: Option<Vec<ExpectInvoice>>,
}

fn to_json(value: &toml::Value) -> Value {
    serde_json::to_value(value).unwrap()
}

struct Runner {
    app: TestApp,
    token: String,
    subscription: Option<String>,
    name: String,
}

impl Runner {
    async fn session(&mut self, email: &str) {
        self.token = self
            .app
            .session(json!({"service": "golden", "email": email}))
            .await;
        self.subscription = None;
    }

    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let response = self.app.post_json(path, Some(&self.token), body).await;
        (response.status().as_u16(), response.json().await.unwrap())
    }

    fn subscription_path(&self, action: &str) -> String {
        let id = self.subscription.as_deref().expect("a subscription exists");
        format!("/v1/embed/subscriptions/{id}/{action}")
    }

    async fn run(&mut self, index: usize, step: &Step) {
        let at = format!("{} step {} ({})", self.name, index + 1, step.action);
        if let Some(email) = &step.customer {
            self.session(email).await;
        }
        let mut change = json!({});
        for (key, value) in [
            ("plan", step.plan.clone().map(Value::from)),
            ("quantity", step.quantity.as_ref().map(to_json)),
            (
                "proration_behavior",
                step.proration_behavior.clone().map(Value::from),
            ),
            ("at_period_end", step.at_period_end.map(Value::from)),
        ] {
            if let Some(value) = value {
                change[key] = value;
            }
        }
        let (status, body) = match step.action.as_str() {
            "card" => {
                let number = step.number.as_deref().unwrap_or("4242424242424242");
                let card =
                    json!({"number": number, "exp_month": 12, "exp_year": 2035, "cvc": "123"});
                self.post("/v1/embed/payment_methods", card).await
            }
            "signup" => self.post("/v1/embed/subscriptions", change).await,
            "change" => {
                // The portal configuration decides how changes are billed.
                let proration = step
                    .proration_behavior
                    .as_deref()
                    .unwrap_or("create_prorations");
                self.app
                    .configure_default(json!({"features": {"subscription_update": {"proration_behavior": proration}}}))
                    .await;
                let (preview_status, preview) = self
                    .post(&self.subscription_path("preview"), change.clone())
                    .await;
                let (status, body) = self.post(&self.subscription_path("change"), change).await;
                assert_eq!(
                    preview_status, status,
                    "{at}: preview and change agree on success"
                );
                if status == 200 {
                    assert_same_outcome(&at, &preview, &body);
                    if let Some(expected) = &step.expect.pending_lines {
                        assert_eq!(
                            &line_amounts(&preview["pending_lines"]),
                            expected,
                            "{at}: pending lines"
                        );
                    }
                }
                (status, body)
            }
            "cancel" => {
                let at_period_end = step.at_period_end.unwrap_or(false);
                let mode = if at_period_end {
                    "at_period_end"
                } else {
                    "immediately"
                };
                let proration = step.proration_behavior.as_deref().unwrap_or("none");
                self.app
                    .configure_default(json!({"features": {"subscription_cancel": {"mode": mode, "proration_behavior": proration}}}))
                    .await;
                let mut body = json!({"at_period_end": step.at_period_end.unwrap_or(false)});
                if let Some(behavior) = &step.proration_behavior {
                    body["proration_behavior"] = Value::from(behavior.as_str());
                }
                self.post(&self.subscription_path("cancel"), body).await
            }
            "resume" => {
                self.post(&self.subscription_path("resume"), json!({}))
                    .await
            }
            "resubscribe" => {
                self.post(&self.subscription_path("resubscribe"), change)
                    .await
            }
            "advance" => (
                200,
                self.app.advance_to(step.to.as_deref().expect("`to`")).await,
            ),
            other => panic!("{at}: unknown action `{other}`"),
        };
        let expect = &step.expect;
        if let Some(code) = &expect.error {
            assert!(
                status >= 400,
                "{at}: expected `{code}`, got {status} {body}"
            );
            assert_eq!(body["error"]["code"], code.as_str(), "{at}: {body}");
            if let Some(decline) = &expect.decline_code {
                assert_eq!(body["error"]["decline_code"], decline.as_str(), "{at}");
            }
            return;
        }
        assert!(status < 300, "{at}: {status} {body}");
        if let Some(id) = body["subscription"]["id"].as_str() {
            self.subscription = Some(id.to_owned());
        }
        if expect.no_invoice {
            assert!(
                body["invoice"].is_null(),
                "{at}: expected no invoice, got {}",
                body["invoice"]
            );
        }
        if let Some(expected) = &expect.invoice {
            check_invoice(&at, expected, &body["invoice"]);
        }
        if let Some(expected) = &expect.invoices {
            let got = body["invoices"].as_array().unwrap();
            assert_eq!(got.len(), expected.len(), "{at}: invoices {body}");
            for (i, (expected, got)) in expected.iter().zip(got).enumerate() {
                check_invoice(&format!("{at} invoice {}", i + 1), expected, got);
            }
        } else if step.action == "advance" {
            // An advance that says nothing of invoices expects none: a renewal or a
            // retry the scenario did not foresee is a failure, not noise.
            assert_eq!(
                body["invoices"],
                json!([]),
                "{at}: the advance touched invoices the scenario does not expect"
            );
        }
        if let Some(expected) = &expect.all_invoices {
            let got = self.app.get_json("/v1/embed/invoices", &self.token).await;
            let got = got.as_array().unwrap();
            assert_eq!(got.len(), expected.len(), "{at}: all invoices");
            for (i, (expected, got)) in expected.iter().zip(got).enumerate() {
                check_invoice(&format!("{at} listed invoice {}", i + 1), expected, got);
            }
        }
        self.check_subscriptions(&at, expect).await;
    }

    /// Checks the expected fields on the subscription the scenario acts on (found by
    /// id, wherever the portal lists it), and that every other subscription the
    /// portal lists has ended: a customer has one live subscription per service.
    async fn check_subscriptions(&self, at: &str, expect: &Expect) {
        let portal = self.app.get_json("/v1/embed/portal", &self.token).await;
        let listed = portal["subscriptions"].as_array().unwrap();
        let mut found = false;
        for sub in listed {
            if sub["id"].as_str() == self.subscription.as_deref() {
                found = true;
                Self::check_subscription(at, expect, sub);
            } else {
                let status = sub["status"].as_str().unwrap();
                assert!(
                    ["canceled", "incomplete_expired"].contains(&status),
                    "{at}: another subscription is still {status}: {sub}"
                );
            }
        }
        assert!(
            found || (self.subscription.is_none() && listed.is_empty()),
            "{at}: the portal does not list the scenario's subscription {:?}: {portal}",
            self.subscription
        );
    }

    fn check_subscription(at: &str, expect: &Expect, sub: &Value) {
        let fields = [
            (
                "status",
                expect.status.as_ref().map(|s| Value::from(s.as_str())),
            ),
            (
                "plan",
                expect.plan.as_ref().map(|s| Value::from(s.as_str())),
            ),
            (
                "interval",
                expect.interval.as_ref().map(|s| Value::from(s.as_str())),
            ),
            (
                "cancel_at_period_end",
                expect.cancel_at_period_end.map(Value::from),
            ),
            (
                "current_period_start",
                expect.period_start.as_deref().map(|t| Value::from(unix(t))),
            ),
            (
                "current_period_end",
                expect.period_end.as_deref().map(|t| Value::from(unix(t))),
            ),
        ];
        for (field, expected) in fields {
            if let Some(expected) = expected {
                assert_eq!(sub[field], expected, "{at}: subscription.{field} in {sub}");
            }
        }
        if let Some(plan) = &expect.pending_plan {
            assert_eq!(sub["pending_update"]["plan"], plan.as_str(), "{at}: {sub}");
        }
        if let Some(reason) = &expect.cancellation_reason {
            assert_eq!(
                sub["cancellation_details"]["reason"],
                reason.as_str(),
                "{at}: {sub}"
            );
        }
    }
}

#[tokio::test]
async fn golden_scenarios() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/api/golden");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 15,
        "the suite covers every scenario the engine promises"
    );
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let scenario: Scenario = toml::from_str(&std::fs::read_to_string(&file).unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!scenario.description.is_empty());
        let app = spawn_app().await;
        app.clock.set(scenario.start.parse().unwrap());
        let mut runner = Runner {
            app,
            token: String::new(),
            subscription: None,
            name,
        };
        runner.session(&scenario.email).await;
        for (index, step) in scenario.steps.iter().enumerate() {
            runner.run(index, step).await;
        }
    }
}
