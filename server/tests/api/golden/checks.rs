//! What the golden runner checks of an invoice, and that a change did what its
//! preview said.

use jiff::Timestamp;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectInvoice {
    lines: Option<Vec<i64>>,
    total: Option<i64>,
    amount_due: Option<i64>,
    amount_paid: Option<i64>,
    starting_balance: Option<i64>,
    ending_balance: Option<i64>,
    status: Option<String>,
    billing_reason: Option<String>,
    attempt_count: Option<u64>,
    period_start: Option<String>,
    period_end: Option<String>,
    next_payment_attempt: Option<String>,
    /// Whether another automatic attempt is scheduled.
    retrying: Option<bool>,
}

pub fn unix(at: &str) -> i64 {
    at.parse::<Timestamp>().unwrap().as_second()
}

pub fn line_amounts(lines: &Value) -> Vec<i64> {
    lines
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["amount"].as_i64().unwrap())
        .collect()
}

pub fn check_invoice(at: &str, expected: &ExpectInvoice, got: &Value) {
    assert!(got.is_object(), "{at}: expected an invoice, got {got}");
    let lines = line_amounts(&got["lines"]);
    assert_eq!(
        got["subtotal"],
        lines.iter().sum::<i64>(),
        "{at}: subtotal is Σ lines"
    );
    assert_eq!(got["total"], got["subtotal"], "{at}");
    assert!(
        got["amount_due"].as_i64().unwrap() >= 0,
        "{at}: amount due is never negative"
    );
    if got["id"].is_string() {
        let number = got["number"].as_str().unwrap();
        assert!(
            number.len() == 16 && number.starts_with("INV-"),
            "{at}: number {number}"
        );
    }
    if let Some(expected) = &expected.lines {
        assert_eq!(&lines, expected, "{at}: line amounts in {got}");
    }
    let fields = [
        ("total", expected.total.map(Value::from)),
        ("amount_due", expected.amount_due.map(Value::from)),
        ("amount_paid", expected.amount_paid.map(Value::from)),
        (
            "starting_balance",
            expected.starting_balance.map(Value::from),
        ),
        ("ending_balance", expected.ending_balance.map(Value::from)),
        (
            "status",
            expected.status.as_ref().map(|s| Value::from(s.as_str())),
        ),
        (
            "billing_reason",
            expected
                .billing_reason
                .as_ref()
                .map(|s| Value::from(s.as_str())),
        ),
        ("attempt_count", expected.attempt_count.map(Value::from)),
        (
            "period_start",
            expected
                .period_start
                .as_deref()
                .map(|t| Value::from(unix(t))),
        ),
        (
            "period_end",
            expected.period_end.as_deref().map(|t| Value::from(unix(t))),
        ),
        (
            "next_payment_attempt",
            expected
                .next_payment_attempt
                .as_deref()
                .map(|t| Value::from(unix(t))),
        ),
    ];
    for (field, expected) in fields {
        if let Some(expected) = expected {
            assert_eq!(got[field], expected, "{at}: invoice.{field} in {got}");
        }
    }
    if let Some(retrying) = expected.retrying {
        assert_eq!(
            !got["next_payment_attempt"].is_null(),
            retrying,
            "{at}: retrying in {got}"
        );
    }
}

/// The change did what its preview said: same subscription terms, same invoice.
pub fn assert_same_outcome(at: &str, preview: &Value, applied: &Value) {
    for field in [
        "plan",
        "status",
        "interval",
        "current_period_start",
        "current_period_end",
        "cancel_at_period_end",
        "pending_update",
    ] {
        assert_eq!(
            preview["subscription"][field], applied["subscription"][field],
            "{at}: preview vs applied {field}"
        );
    }
    let quantities = |v: &Value| -> Vec<Value> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| json!([i["product"], i["quantity"], i["price"]]))
            .collect()
    };
    assert_eq!(
        quantities(&preview["subscription"]),
        quantities(&applied["subscription"]),
        "{at}: items"
    );
    match (preview["invoice"].is_null(), applied["invoice"].is_null()) {
        (true, true) => {}
        (false, false) => {
            for field in [
                "lines",
                "subtotal",
                "total",
                "starting_balance",
                "ending_balance",
                "amount_due",
                "amount_paid",
                "status",
                "billing_reason",
                "period_start",
                "period_end",
            ] {
                assert_eq!(
                    preview["invoice"][field], applied["invoice"][field],
                    "{at}: preview vs applied invoice.{field}"
                );
            }
        }
        _ => panic!("{at}: preview and change disagree on creating an invoice"),
    }
}
