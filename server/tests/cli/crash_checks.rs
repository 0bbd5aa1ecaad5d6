//! What the crash test (`crash.rs`) requires of the database once the storm is
//! over, read from the SQLite file itself and through the API.

use crate::crash::{Customer, ORIGIN, TEST_KEY};
use serde_json::{Value, json};
use sqlx::Row;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Signup,
    Change,
    Cancel,
    Resume,
    Card,
    Usage,
    Grant,
}

/// A mutation and the answer it finally got.
#[derive(Debug)]
pub struct Acknowledged {
    pub customer: String,
    pub kind: Kind,
    pub key: String,
    pub status: u16,
    pub body: Value,
    /// How many times it was sent: more than once when the server was down.
    pub attempts: usize,
}

impl Acknowledged {
    fn succeeded(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Applied before a crash whose answer was lost: the retry was refused.
    fn applied_unanswered(&self) -> bool {
        self.status == 409 && self.body["error"]["code"] == "idempotency_key_applied"
    }

    /// Its effect is in the database: it succeeded, or it was applied unanswered.
    fn took_effect(&self) -> bool {
        self.succeeded() || self.applied_unanswered()
    }
}

/// The JSON body of the answer to `request`.
async fn body_of(request: reqwest::RequestBuilder) -> Value {
    request.send().await.unwrap().json().await.unwrap()
}

/// Changes are invoiced at once (`always_invoice`), so that most mutations number
/// an invoice.
pub async fn invoice_every_change(client: &reqwest::Client, base: &str) {
    let configurations = format!("{base}/v1/billing_portal/configurations?is_default=true");
    let list = body_of(client.get(configurations).bearer_auth(TEST_KEY)).await;
    let id = list["data"][0]["id"].as_str().unwrap();
    let updated = client
        .post(format!("{base}/v1/billing_portal/configurations/{id}"))
        .bearer_auth(TEST_KEY)
        .json(
            &json!({"features": {"subscription_update": {"proration_behavior": "always_invoice"}}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(updated.status(), 200);
}

/// A customer with a session, a card and an empty wallet.
pub async fn set_up_customer(client: &reqwest::Client, base: &str, email: &str) -> Customer {
    let session = body_of(
        client
            .post(format!("{base}/v1/embed/sessions"))
            .header("origin", ORIGIN)
            .json(&json!({"service": "crash", "email": email})),
    )
    .await;
    let token = session["token"].as_str().expect("a session").to_owned();
    // A customer exists once they save a card: the card the checks count as the first.
    let card =
        json!({"number": "4242424242424242", "exp_month": 12, "exp_year": 2040, "cvc": "123"});
    let saved = client
        .post(format!("{base}/v1/embed/payment_methods"))
        .header("origin", ORIGIN)
        .header("x-session-token", &token)
        .json(&card)
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), 201);
    let wallet = body_of(
        client
            .post(format!("{base}/v1/wallets"))
            .bearer_auth(TEST_KEY)
            .json(&json!({"customer": email, "currency": "usd"})),
    )
    .await;
    Customer {
        email: email.to_owned(),
        token,
        wallet: wallet["id"].as_str().expect("a wallet").to_owned(),
        subscription: None,
    }
}

/// The figures the closing note reports.
#[derive(Debug, Default)]
pub struct Report {
    mutations: usize,
    pub retried: usize,
    succeeded: usize,
    refused: usize,
    /// Why the rules refused, by error code.
    refusals: BTreeMap<String, usize>,
    applied_unanswered: usize,
    found: usize,
    duplicated: usize,
    invoices: usize,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} mutations acknowledged ({} after a retry): {} succeeded, {} refused by the \
             rules {:?}, {} applied but unanswered; {} effects found, {} duplicated; {} invoices",
            self.mutations,
            self.retried,
            self.succeeded,
            self.refused,
            self.refusals,
            self.applied_unanswered,
            self.found,
            self.duplicated,
            self.invoices
        )
    }
}

/// Checks every invariant; panics with the first broken one.
pub async fn check(
    client: &reqwest::Client,
    base: &str,
    database: &str,
    customers: &[Customer],
    acknowledged: &[Acknowledged],
) -> Report {
    let db = portico_server::store::testing::any_pool(database).await;
    let mut report = Report {
        mutations: acknowledged.len(),
        retried: acknowledged.iter().filter(|a| a.attempts > 1).count(),
        succeeded: acknowledged.iter().filter(|a| a.succeeded()).count(),
        applied_unanswered: acknowledged
            .iter()
            .filter(|a| a.applied_unanswered())
            .count(),
        ..Report::default()
    };
    for a in acknowledged {
        assert!(a.status < 500, "a server error for {}: {a:?}", a.key);
        if !a.took_effect() {
            report.refused += 1;
            let code = a.body["error"]["code"].as_str().unwrap_or_default();
            *report.refusals.entry(code.to_owned()).or_default() += 1;
            assert!(
                a.body["error"]["code"].is_string() && a.body["error"]["message"].is_string(),
                "a refusal names its reason: {a:?}"
            );
        }
    }
    let effects = |customer: &str, kind: Kind| {
        acknowledged
            .iter()
            .filter(|a| a.customer == customer && a.kind == kind && a.took_effect())
            .count() as i64
    };
    for Customer {
        email,
        wallet,
        token,
        ..
    } in customers
    {
        let customer_id: String =
            sqlx::query_scalar("SELECT id FROM customers WHERE email = $1 AND livemode = FALSE")
                .bind(email)
                .fetch_one(&db)
                .await
                .unwrap();
        let count = |sql: &'static str, id: String| {
            let db = db.clone();
            async move {
                sqlx::query_scalar::<_, i64>(sql)
                    .bind(id)
                    .fetch_one(&db)
                    .await
                    .unwrap()
            }
        };
        let expected = [
            (
                Kind::Signup,
                count("SELECT count(*) FROM subscriptions WHERE customer_id = $1", customer_id.clone()).await,
            ),
            (
                Kind::Card,
                count("SELECT count(*) FROM payment_methods WHERE customer_id = $1", customer_id.clone()).await,
            ),
            (
                Kind::Usage,
                count("SELECT count(*) FROM usage_events WHERE customer_id = $1", customer_id.clone()).await,
            ),
            (
                Kind::Grant,
                count(
                    "SELECT count(*) FROM wallet_transactions WHERE wallet_id = $1 AND reason = 'purchased'",
                    wallet.clone(),
                )
                .await,
            ),
        ];
        for (kind, stored) in expected {
            let set_up = i64::from(kind == Kind::Card);
            let acked = effects(email, kind) + set_up;
            report.found += usize::try_from(stored.min(acked)).unwrap();
            report.duplicated += usize::try_from((stored - acked).max(0)).unwrap();
            assert_eq!(
                stored, acked,
                "{email}: {kind:?} stored {stored} times, acknowledged {acked}"
            );
        }
        check_wallet(client, base, &db, wallet).await;
        check_subscription(client, base, email, token, acknowledged).await;
    }
    report.invoices = check_invoices(&db).await;
    check_answered_invoices(&db, acknowledged).await;
    report
}

/// The wallet's balance is the sum of its transactions.
async fn check_wallet(client: &reqwest::Client, base: &str, db: &sqlx::AnyPool, wallet: &str) {
    let summed: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(CASE kind WHEN 'credit' THEN credits ELSE -credits END), 0) AS BIGINT)
         FROM wallet_transactions WHERE wallet_id = $1",
    )
    .bind(wallet)
    .fetch_one(db)
    .await
    .unwrap();
    let shown = body_of(
        client
            .get(format!("{base}/v1/wallets/{wallet}"))
            .bearer_auth(TEST_KEY),
    )
    .await;
    let balance = shown["balance"].as_str().unwrap().replace('.', "");
    assert_eq!(balance.parse::<i64>().unwrap(), summed, "{wallet}: {shown}");
}

/// The subscription is as the customer's last answered change left it.
async fn check_subscription(
    client: &reqwest::Client,
    base: &str,
    email: &str,
    token: &str,
    acknowledged: &[Acknowledged],
) {
    let last = acknowledged.iter().rev().find(|a| {
        a.customer == email
            && a.took_effect()
            && matches!(
                a.kind,
                Kind::Signup | Kind::Change | Kind::Cancel | Kind::Resume
            )
    });
    let Some(last) = last.filter(|a| a.succeeded()) else {
        return;
    };
    let expected = &last.body["subscription"];
    let id = expected["id"].as_str().unwrap();
    let portal = body_of(
        client
            .get(format!("{base}/v1/embed/portal"))
            .header("origin", ORIGIN)
            .header("x-session-token", token),
    )
    .await;
    let shown = portal["subscriptions"]
        .as_array()
        .and_then(|list| list.iter().find(|s| s["id"] == id))
        .unwrap_or_else(|| panic!("{email}: {id} is not in the portal: {portal}"));
    // What only a subscription action changes (a card may still pay an invoice).
    for field in ["plan", "items", "cancel_at_period_end", "pending_update"] {
        assert!(expected.get(field).is_some(), "{field} in {expected}");
        assert_eq!(
            shown[field], expected[field],
            "{email}: {field} of {id}: {shown}"
        );
    }
}

/// Invoice numbers are gapless per mode and month, and each invoice's subtotal is
/// the sum of its lines; how many invoices there are.
async fn check_invoices(db: &sqlx::AnyPool) -> usize {
    let rows = sqlx::query(
        "SELECT id, number, CAST(livemode AS INTEGER) AS livemode, subtotal FROM invoices",
    )
    .fetch_all(db)
    .await
    .unwrap();
    let mut numbers: BTreeMap<(i64, String), Vec<u32>> = BTreeMap::new();
    for row in &rows {
        let number: String = row.get("number");
        let (month, sequence) = number
            .strip_prefix("INV-")
            .and_then(|rest| rest.split_once('-'))
            .unwrap_or_else(|| panic!("an invoice number: {number}"));
        numbers
            .entry((row.get("livemode"), month.to_owned()))
            .or_default()
            .push(sequence.parse().unwrap());
        let id: String = row.get("id");
        let lines: i64 = sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM invoice_lines WHERE invoice_id = $1",
        )
        .bind(&id)
        .fetch_one(db)
        .await
        .unwrap();
        assert_eq!(
            lines,
            row.get::<i64, _>("subtotal"),
            "{id}: lines and subtotal"
        );
    }
    let last: HashMap<(i64, String), u32> = sqlx::query_as::<_, (i64, String, i64)>(
        "SELECT CAST(livemode AS INTEGER), month, last FROM invoice_numbers",
    )
    .fetch_all(db)
    .await
    .unwrap()
    .into_iter()
    .map(|(livemode, month, last)| ((livemode, month), u32::try_from(last).unwrap()))
    .collect();
    for (month, mut sequence) in numbers {
        sequence.sort_unstable();
        let expected: Vec<u32> = (1..=u32::try_from(sequence.len()).unwrap()).collect();
        assert_eq!(
            sequence, expected,
            "invoice numbers of {month:?} have gaps or repeats"
        );
        assert_eq!(
            last.get(&month),
            sequence.last(),
            "the counter of {month:?}"
        );
    }
    rows.len()
}

/// Every invoice an answer names is stored, and every stored invoice is named by
/// one answer, but for those of actions whose answer was lost: an action that ran
/// twice would leave an invoice no answer names.
async fn check_answered_invoices(db: &sqlx::AnyPool, acknowledged: &[Acknowledged]) {
    let stored: std::collections::BTreeSet<String> =
        sqlx::query_scalar::<_, String>("SELECT id FROM invoices")
            .fetch_all(db)
            .await
            .unwrap()
            .into_iter()
            .collect();
    let mut named = std::collections::BTreeSet::new();
    for a in acknowledged.iter().filter(|a| a.succeeded()) {
        if let Some(id) = a.body["invoice"]["id"].as_str() {
            assert!(named.insert(id.to_owned()), "{id} answered twice");
            assert!(
                stored.contains(id),
                "{id}, answered to {}, is not stored",
                a.key
            );
        }
    }
    let unanswered = acknowledged
        .iter()
        .filter(|a| a.applied_unanswered())
        .count();
    let unnamed = stored.difference(&named).count();
    assert!(
        unnamed <= unanswered,
        "{unnamed} invoices no answer names, but only {unanswered} answers were lost"
    );
}
