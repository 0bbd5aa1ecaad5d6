use super::*;
use crate::i18n::Locale;
use portico_wire::Currency;
use portico_wire::embed::{Interval, PendingUpdate, SubscriptionItem};
use portico_wire::ids::{
    CustomerId, InvoiceId, PaymentMethodId, SubscriptionId, SubscriptionItemId,
};
use portico_wire::invoice::{BillingReason, InvoiceLine, LinePeriod};
use portico_wire::payment::Card;
use portico_wire::price::Price;

const NOV_22: i64 = 1_795_305_600;

fn usd() -> Currency {
    Currency::parse("usd").unwrap()
}

fn subscription(status: SubscriptionStatus) -> Subscription {
    Subscription {
        id: SubscriptionId::from_suffix("s1"),
        object: "subscription".into(),
        customer: CustomerId::from_suffix("c1"),
        service: "acme".into(),
        plan: "team".into(),
        status,
        currency: usd(),
        interval: Interval::Month,
        interval_count: 1,
        metered: Vec::new(),
        items: vec![SubscriptionItem {
            id: SubscriptionItemId::from_suffix("i1"),
            product: "seats".into(),
            unit_label: Some("seat".into()),
            quantity: Quantity::new(3).unwrap(),
            price: Price::per_unit(800).unwrap(),
        }],
        current_period_start: NOV_22,
        current_period_end: NOV_22 + 30 * 86_400,
        trial_end: None,
        cancel_at_period_end: false,
        cancel_at: None,
        canceled_at: None,
        ended_at: None,
        cancellation_details: None,
        pending_update: None,
        latest_invoice: None,
        created: NOV_22,
        livemode: false,
    }
}

fn invoice(status: InvoiceStatus, amounts: &[i64]) -> Invoice {
    let total = amounts.iter().sum();
    Invoice {
        id: Some(InvoiceId::from_suffix("i1")),
        object: "invoice".into(),
        number: Some("INV-202611-00001".into()),
        customer: CustomerId::from_suffix("c1"),
        subscription: None,
        status,
        billing_reason: BillingReason::SubscriptionUpdate,
        currency: usd(),
        lines: amounts
            .iter()
            .map(|amount| InvoiceLine {
                description: "Remaining time".into(),
                product: "seats".into(),
                quantity: 1,
                amount: *amount,
                proration: true,
                period: LinePeriod {
                    start: NOV_22,
                    end: NOV_22,
                },
            })
            .collect(),
        subtotal: total,
        total,
        starting_balance: 0,
        ending_balance: 0,
        amount_due: total.max(0),
        amount_paid: 0,
        amount_paid_from_wallet: 0,
        amount_remaining: total.max(0),
        attempt_count: 0,
        next_payment_attempt: None,
        last_payment_error: None,
        period_start: NOV_22,
        period_end: NOV_22,
        created: NOV_22,
        paid_at: None,
        livemode: false,
        invoice_pdf: None,
        hosted_invoice_url: None,
    }
}

#[test]
fn invoice_rows_are_color_coded_and_keep_every_line() {
    let row = invoice_row(&invoice(InvoiceStatus::Open, &[-516, 1548]), Locale::En);
    assert_eq!((row.status, row.tone), ("Open", "bad"));
    assert_eq!(row.amount, "$10.32");
    assert_eq!(row.lines[0].1, "-$5.16");
    assert_eq!(row.date, "Nov 22, 2026");
    let paid = invoice_row(&invoice(InvoiceStatus::Paid, &[900]), Locale::En);
    assert_eq!((paid.status, paid.tone), ("Paid", "good"));
    let void = invoice_row(&invoice(InvoiceStatus::Void, &[900]), Locale::En);
    assert_eq!(void.tone, "muted");
}

#[test]
fn invoices_say_what_credits_paid_and_where_their_pdf_is() {
    let mut paid = invoice(InvoiceStatus::Paid, &[19_100]);
    assert_eq!(invoice_row(&paid, Locale::En).paid_from_credits, None);
    assert_eq!(invoice_row(&paid, Locale::En).pdf, None);
    paid.amount_paid_from_wallet = 800;
    paid.invoice_pdf = Some("/v1/embed/invoices/in_i1/pdf".into());
    let row = invoice_row(&paid, Locale::En);
    assert_eq!(row.paid_from_credits.as_deref(), Some("$8.00"));
    assert_eq!(
        row.pdf,
        Some((
            "/v1/embed/invoices/in_i1/pdf".to_owned(),
            "INV-202611-00001.pdf".to_owned()
        ))
    );
    paid.number = Some("INV 2026/11".into());
    assert_eq!(
        invoice_row(&paid, Locale::En).pdf.unwrap().1,
        "INV_2026_11.pdf"
    );
}

#[test]
fn previews_say_what_is_charged_now_and_next() {
    let mut next = invoice(InvoiceStatus::Draft, &[4500]);
    next.id = None;
    next.number = None;
    next.created = NOV_22 + 30 * 86_400;
    let preview = ChangePreview {
        subscription: subscription(SubscriptionStatus::Active),
        invoice: Some(invoice(InvoiceStatus::Paid, &[-774, 1290])),
        pending_lines: vec![],
        next_invoice: Some(next),
    };
    let summary = preview_summary(&preview, Locale::En);
    assert_eq!(summary.now.unwrap().amount, "$5.16");
    assert_eq!(
        summary.next.as_deref(),
        Some("Next invoice on Dec 22, 2026: $45.00")
    );
    assert_eq!(summary.scheduled, None);

    let mut scheduled = preview.clone();
    scheduled.invoice = None;
    scheduled.subscription.pending_update = Some(PendingUpdate {
        plan: "starter".into(),
        interval: Interval::Month,
        interval_count: 1,
        items: vec![],
        metered: Vec::new(),
        effective_at: NOV_22 + 30 * 86_400,
    });
    let summary = preview_summary(&scheduled, Locale::En);
    assert!(summary.now.is_none());
    assert_eq!(
        summary.scheduled.as_deref(),
        Some("Takes effect on Dec 22, 2026")
    );
}

#[test]
fn card_labels_show_brand_last4_and_expiry_only() {
    let method = PaymentMethod {
        id: PaymentMethodId::from_suffix("p1"),
        object: "payment_method".into(),
        kind: "card".into(),
        card: Card {
            brand: "visa".into(),
            last4: "4242".into(),
            exp_month: 4,
            exp_year: 2029,
            funding: "credit".into(),
        },
        created: NOV_22,
        livemode: false,
    };
    assert_eq!(
        card_label(&method, Locale::En),
        "Visa •••• 4242 · expires 04/2029"
    );
}

#[test]
fn changes_are_plan_or_quantity_changes() {
    let sub = subscription(SubscriptionStatus::Active);
    let seats_only = ChangeRequest {
        quantity: Some(QuantityOption::All(Quantity::new(5).unwrap())),
        ..ChangeRequest::default()
    };
    assert_eq!(change_event(&sub, &seats_only), EventName::QuantityChange);
    let same_plan = ChangeRequest {
        plan: Some("team".into()),
        ..seats_only.clone()
    };
    assert_eq!(change_event(&sub, &same_plan), EventName::QuantityChange);
    let new_plan = ChangeRequest {
        plan: Some("scale".into()),
        ..ChangeRequest::default()
    };
    assert_eq!(change_event(&sub, &new_plan), EventName::PlanChange);
    assert_eq!(
        seats(&sub),
        Some(("seat".into(), Quantity::new(3).unwrap()))
    );
}

#[test]
fn actions_follow_the_status() {
    let active = actions(&subscription(SubscriptionStatus::Active));
    assert!(active.change && active.cancel && !active.resume && !active.resubscribe);
    let mut pending = subscription(SubscriptionStatus::Active);
    pending.cancel_at_period_end = true;
    assert_eq!(
        actions(&pending),
        Actions {
            resume: true,
            ..Actions::default()
        }
    );
    assert!(actions(&subscription(SubscriptionStatus::Canceled)).resubscribe);
    let incomplete = actions(&subscription(SubscriptionStatus::Incomplete));
    assert!(incomplete.cancel && !incomplete.change);
}

#[test]
fn failed_payments_ask_for_a_card() {
    assert!(
        attention(&subscription(SubscriptionStatus::PastDue), Locale::En)
            .unwrap()
            .contains("Update your card")
    );
    assert!(attention(&subscription(SubscriptionStatus::Incomplete), Locale::En).is_some());
    assert_eq!(
        attention(&subscription(SubscriptionStatus::Active), Locale::En),
        None
    );
}

#[test]
fn cards_and_invoices_speak_the_locale() {
    let row = invoice_row(&invoice(InvoiceStatus::Uncollectible, &[900]), Locale::Fr);
    assert_eq!(row.status, "Irrécouvrable");
    let mut upcoming = invoice(InvoiceStatus::Draft, &[900]);
    upcoming.number = None;
    assert_eq!(invoice_row(&upcoming, Locale::Ar).number, "قادمة");
}

#[test]
fn only_links_off_the_server_count_as_absolute() {
    use crate::billing_view::is_absolute_url;
    assert!(is_absolute_url(
        "https://pay.stripe.com/invoice/acct_1/in_1/pdf"
    ));
    assert!(!is_absolute_url("/v1/embed/invoices/in_1/pdf"));
}
