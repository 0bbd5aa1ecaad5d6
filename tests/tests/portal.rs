//! The portal's actions end to end: each asserts what the host page's
//! `handleResponse` received and what the backend now holds.

use portico_e2e::figures::{medium_date, today};
use portico_e2e::{StackOptions, run};
use serde_json::{Value, json};

/// The change preview's lines (what the next invoice will carry), as
/// `[description, amount]` pairs.
const PREVIEW_LINES: &str = "
    const root = document.getElementById('portico-embed').shadowRoot;
    return [...root.querySelectorAll('[data-testid=preview-summary] table.portico-lines tbody tr')]
        .map(row => [...row.cells].map(cell => cell.textContent));";

/// The invoices list as the customer reads it, one `[date, number, status, amount]`
/// per row.
const INVOICE_ROWS: &str = "
    const root = document.getElementById('portico-embed').shadowRoot;
    return [...root.querySelectorAll('[data-testid=invoice-row]')]
        .map(row => [...row.cells].slice(0, 4).map(cell => cell.textContent));";

/// The open invoice's lines and total, as `[description, amount]` pairs.
const DETAIL_LINES: &str = "
    const root = document.getElementById('portico-embed').shadowRoot;
    return [...root.querySelectorAll('[data-testid=invoice-detail] table.portico-lines tr')]
        .map(row => [...row.cells].map(cell => cell.textContent));";

#[tokio::test(flavor = "multi_thread")]
async fn card_signup_change_cancel_resume_and_invoices() {
    run(
        "portal_flow",
        StackOptions::default(),
        |page, stack| async move {
            page.goto(&stack.host_url("email=ines@example.com&service=acme"))
                .await;
            page.event("load").await;

            // A paid plan without a card on file asks for the card first.
            page.click("subscribe-starter").await;
            assert_eq!(
                page.event("select_plan").await["response"]["plan"],
                "starter"
            );
            page.type_into("card-number", "4242 4242 4242 4242").await;
            page.type_into("card-expiry", "12/34").await;
            page.type_into("card-cvc", "123").await;
            page.click("save-card").await;
            let card = page.event("card_update").await;
            assert_eq!(card["response"]["card"]["last4"], "4242");
            assert_eq!(
                page.event("pre_card_update").await["response"]["card_last4"],
                "4242"
            );
            let signup = page.event("signup").await;
            assert_eq!(signup["response"]["status"], "active");
            assert_eq!(
                page.event("pre_signup").await["response"]["plan"],
                "starter"
            );
            let id = signup["response"]["id"].as_str().unwrap().to_owned();
            page.wait_text("card-label", "Visa •••• 4242").await;

            // Change plan: the backend's preview, then the confirmation.
            page.click("change").await;
            page.click("choose-team").await;
            page.type_into("seats", "2").await;
            page.click("preview").await;
            // Same billing cycle, default create_prorations: nothing is charged now;
            // the next invoice carries the credit and the remaining time. The change
            // comes seconds into a month-long period, so each line is the whole
            // period's price to the cent (a minute is 0.02 % of a month: 900 × 0.0002
            // is under half a cent).
            page.widget("preview-summary").await;
            let changed = today().strftime("%-d %b %Y").to_string();
            assert_eq!(
                page.script(PREVIEW_LINES).await,
                json!([
                    [
                        format!("Unused time on 1 × Acme Analytics after {changed}"),
                        "-$9.00"
                    ],
                    [
                        format!("Remaining time on 1 × Acme Analytics after {changed}"),
                        "$29.00"
                    ],
                    [
                        format!("Remaining time on 2 × Team seats after {changed}"),
                        "$16.00"
                    ],
                ])
            );
            let charged_now = page
                .script(
                    "return document.getElementById('portico-embed').shadowRoot
                         .querySelectorAll('[data-testid=due-now]').length;",
                )
                .await;
            assert_eq!(charged_now, json!(0), "nothing is charged now");
            // The renewal a month after the signup: the prorations (-9 + 29 + 16 = $36)
            // and Team's next month (29 + 2 × 8 = $45): $81.00.
            let renewal = today().checked_add(jiff::Span::new().months(1)).unwrap();
            assert_eq!(
                page.widget_text("next-invoice").await,
                format!("Next invoice on {}: $81.00", medium_date(renewal))
            );
            page.click("confirm-change").await;
            let change = page.event("plan_change").await;
            assert_eq!(change["response"]["plan"], "team");
            assert_eq!(change["response"]["items"][1]["quantity"], 2);
            let pre = page.event("pre_plan_change").await;
            assert_eq!(pre["response"]["preview"]["subscription"]["plan"], "team");
            assert_eq!(
                stack
                    .rows(&format!("SELECT plan FROM subscriptions WHERE id = '{id}'"))
                    .await,
                vec![vec!["team".to_owned()]]
            );

            // Cancel at period end with a reason, then resume.
            page.click("cancel").await;
            let reason = page.widget("cancel-reason").await;
            reason
                .select_by_value("too_expensive")
                .await
                .expect("choose a reason");
            page.click("confirm-cancel").await;
            let cancel = page.event("cancel").await;
            assert_eq!(cancel["response"]["cancel_at_period_end"], true);
            assert_eq!(
                cancel["response"]["cancellation_details"]["feedback"],
                "too_expensive"
            );
            page.click("resume").await;
            let resume = page.event("resume").await;
            assert_eq!(resume["response"]["cancel_at_period_end"], false);
            assert_eq!(
                stack
                    .rows(&format!(
                        "SELECT cancel_at_period_end FROM subscriptions WHERE id = '{id}'"
                    ))
                    .await,
                vec![vec!["0".to_owned()]]
            );

            // Invoices: only the first period's. The upgrade created prorations for
            // the next invoice, and cancel and resume invoice nothing.
            page.click("tab-invoices").await;
            page.widget("invoices").await;
            assert_eq!(page.widget_text("invoices-shown").await, "1 of 1 invoices");
            let rows = page.script(INVOICE_ROWS).await;
            let number = rows[0][1].as_str().unwrap_or_default().to_owned();
            assert!(number.starts_with("INV-"), "{rows}");
            assert_eq!(
                rows,
                json!([[medium_date(today()), number, "Paid", "$9.00"]])
            );
            page.click("invoice-number").await;
            page.widget("invoice-detail").await;
            assert_eq!(
                page.script(DETAIL_LINES).await,
                json!([["1 × Acme Analytics", "$9.00"], ["Amount due", "$9.00"]])
            );
            assert_eq!(page.host_errors().await, Vec::<Value>::new());
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_host_can_veto_an_action_before_it_is_sent() {
    run("veto", StackOptions::default(), |page, stack| async move {
        for (email, how) in [("vera@example.com", "promise"), ("theo@example.com", "throw")] {
            page.goto(&stack.host_url(&format!("email={email}&service=acme&veto=pre_cancel:{how}")))
                .await;
            page.click("subscribe-team").await;
            page.event("signup").await;
            page.click("cancel").await;
            page.click("confirm-cancel").await;
            page.wait_text("notice", "Nothing was changed").await;
            assert!(page.events_named("cancel").await.is_empty(), "{how}: vetoed, not sent");
            assert_eq!(page.events_named("pre_cancel").await.len(), 1);
            let pending = stack
                .rows(&format!(
                    "SELECT s.cancel_at_period_end FROM subscriptions s JOIN customers c ON c.id = s.customer_id WHERE c.email = '{email}'"
                ))
                .await;
            assert_eq!(pending, vec![vec!["0".to_owned()]], "{how}");
            assert_eq!(page.host_errors().await, Vec::<Value>::new(), "{how}");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_declined_card_and_a_double_click() {
    run(
        "declined_double",
        StackOptions::default(),
        |page, stack| async move {
            page.goto(&stack.host_url("email=dora@example.com&service=acme"))
                .await;
            page.click("update-card").await;
            page.type_into("card-number", "4000 0000 0000 0002").await;
            page.type_into("card-expiry", "12/34").await;
            page.type_into("card-cvc", "123").await;
            page.click("save-card").await;
            let error = page.widget("action-error").await;
            assert_eq!(
                error.attr("data-code").await.unwrap().as_deref(),
                Some("card_declined")
            );
            assert_eq!(
                page.event("error").await["response"]["code"],
                "card_declined"
            );
            assert!(
                stack
                    .rows("SELECT id FROM payment_methods")
                    .await
                    .is_empty()
            );

            // Two clicks in one tick on a trial plan: the widget sends one signup with
            // one Idempotency-Key. Counting subscriptions alone would not tell: the
            // server refuses a second signup (409 `already_subscribed`) anyway.
            page.record_requests().await;
            page.double_click("subscribe-team").await;
            page.event("signup").await;
            // Both clicks' requests would have left before the first answer came
            // back; once the portal shows the subscription, every request is in.
            page.widget("subscription").await;
            let signups = page.requests_to("/v1/embed/subscriptions").await;
            assert_eq!(signups.len(), 1, "one signup request: {signups:?}");
            assert_eq!(signups[0]["method"], "POST");
            let key = signups[0]["idempotencyKey"].as_str().unwrap_or_default();
            assert!(key.starts_with("idem_"), "{signups:?}");
            assert!(
                stack.idempotency_keys().await.iter().any(|k| k == key),
                "the backend recorded the signup's key {key}"
            );
            assert_eq!(page.events_named("pre_signup").await.len(), 1);
            assert_eq!(page.events_named("signup").await.len(), 1);
            let errors: Vec<Value> = page
                .events_named("error")
                .await
                .into_iter()
                .map(|e| e["response"]["code"].clone())
                .collect();
            assert_eq!(
                errors,
                vec![json!("card_declined")],
                "only the declined card"
            );
            assert_eq!(stack.subscriptions().await.len(), 1);
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_session_is_renewed_once_without_the_customer_noticing() {
    let options = StackOptions {
        session_ttl: Some(jiff::SignedDuration::from_secs(2)),
        ..StackOptions::default()
    };
    run("session_renewal", options, |page, stack| async move {
        page.goto(&stack.host_url("email=sam@example.com&service=acme"))
            .await;
        page.click("subscribe-team").await;
        page.event("signup").await;
        tokio::time::sleep(std::time::Duration::from_secs(3)).await;
        page.click("cancel").await;
        page.click("confirm-cancel").await;
        let cancel = page.event("cancel").await;
        assert_eq!(cancel["response"]["cancel_at_period_end"], true);
        assert!(
            page.events_named("error").await.is_empty(),
            "no error surfaced"
        );
        let sessions = stack.rows("SELECT COUNT(*) FROM portal_sessions").await;
        assert_eq!(sessions, vec![vec!["2".to_owned()]], "one renewal");
    })
    .await;
}
