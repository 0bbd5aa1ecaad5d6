use super::*;
use portico_wire::Currency;
use portico_wire::ids::{CustomerId, InvoiceId, WalletId, WalletTransactionId};
use portico_wire::invoice::{BillingReason, InvoiceStatus};
use portico_wire::wallet::{Credits, Wallet};

const NOV_22: i64 = 1_795_305_600;
const DEC_22: i64 = NOV_22 + 30 * 86_400;

fn usd() -> Currency {
    Currency::parse("usd").unwrap()
}

fn credits(text: &str) -> Credits {
    Credits::parse(text).unwrap()
}

fn tx(
    suffix: &str,
    kind: TransactionType,
    reason: TransactionReason,
    amount: &str,
) -> WalletTransaction {
    let credit = kind == TransactionType::Credit;
    WalletTransaction {
        id: WalletTransactionId::from_suffix(suffix),
        object: "wallet_transaction".into(),
        wallet: WalletId::from_suffix("w1"),
        kind,
        reason,
        credits: credits(amount),
        amount: credits(amount).value(100),
        currency: usd(),
        credits_remaining: credit.then_some(Credits::ZERO),
        priority: credit.then_some(0),
        expires_at: None,
        invoice: None,
        description: None,
        created: NOV_22,
    }
}

fn wallet(transactions: Vec<WalletTransaction>) -> PortalWallet {
    PortalWallet {
        wallet: Wallet {
            id: WalletId::from_suffix("w1"),
            object: "wallet".into(),
            customer: CustomerId::from_suffix("c1"),
            currency: usd(),
            conversion_rate: 100,
            balance: credits("40"),
            balance_value: 4000,
            status: "active".into(),
            livemode: false,
            created: NOV_22,
        },
        transactions,
    }
}

fn invoice(suffix: &str, number: &str) -> Invoice {
    Invoice {
        id: Some(InvoiceId::from_suffix(suffix)),
        object: "invoice".into(),
        number: Some(number.into()),
        customer: CustomerId::from_suffix("c1"),
        subscription: None,
        status: InvoiceStatus::Paid,
        billing_reason: BillingReason::SubscriptionCreate,
        currency: usd(),
        lines: vec![],
        subtotal: 19_100,
        total: 19_100,
        starting_balance: 0,
        ending_balance: 0,
        amount_due: 19_100,
        amount_paid: 19_100,
        amount_paid_from_wallet: 12_500,
        amount_remaining: 0,
        attempt_count: 1,
        next_payment_attempt: None,
        last_payment_error: None,
        period_start: NOV_22,
        period_end: DEC_22,
        created: NOV_22,
        paid_at: Some(NOV_22),
        livemode: false,
        invoice_pdf: None,
        hosted_invoice_url: None,
    }
}

#[test]
fn the_summary_shows_balance_worth_rate_and_status() {
    let summary = wallet_summary(&wallet(vec![]), &[], Locale::En);
    assert_eq!(summary.balance, "40.00 credits");
    assert_eq!(summary.value, "$40.00");
    assert_eq!(summary.rate, "1 credit = $1.00");
    assert_eq!((summary.status, summary.tone), ("Active", "good"));
    assert_eq!(summary.caption, "Credit transactions (USD)");
    assert_eq!(summary.currency, "usd");
    assert!(summary.transactions.is_empty());

    let mut odd = wallet(vec![]);
    odd.wallet.status = "frozen".into();
    odd.wallet.conversion_rate = 250;
    let summary = wallet_summary(&odd, &[], Locale::En);
    assert_eq!((summary.status, summary.tone), ("Unknown", "muted"));
    assert_eq!(summary.rate, "1 credit = $2.50");
}

#[test]
fn grants_show_expiry_and_priority_and_debits_their_invoice() {
    let mut promo = tx(
        "t1",
        TransactionType::Credit,
        TransactionReason::Promotional,
        "25",
    );
    promo.expires_at = Some(DEC_22);
    promo.description = Some("Welcome offer".into());
    let mut bought = tx(
        "t2",
        TransactionType::Credit,
        TransactionReason::Purchased,
        "100",
    );
    bought.priority = Some(1);
    let mut paid = tx(
        "t3",
        TransactionType::Debit,
        TransactionReason::InvoicePayment,
        "125",
    );
    paid.invoice = Some(InvoiceId::from_suffix("i1"));
    let summary = wallet_summary(&wallet(vec![paid.clone(), bought, promo]), &[], Locale::En);
    let [debit, purchase, promotion] = &summary.transactions[..] else {
        panic!("three rows: {:?}", summary.transactions);
    };
    assert_eq!(
        (debit.kind, debit.reason, debit.tone),
        ("Debit", "Invoice payment", "bad")
    );
    assert_eq!(debit.credits, "\u{2212}125.00");
    assert_eq!(debit.amount, "-$125.00");
    assert_eq!(
        (debit.expires.as_str(), debit.priority.as_str()),
        ("—", "—")
    );
    // Without the invoices loaded, the debit names its invoice by id.
    assert_eq!(debit.invoice, "in_i1");
    assert_eq!(debit.date, "Nov 22, 2026");

    assert_eq!((purchase.kind, purchase.reason), ("Credit", "Purchased"));
    assert_eq!(
        (purchase.credits.as_str(), purchase.amount.as_str()),
        ("+100.00", "$100.00")
    );
    assert_eq!(
        (purchase.expires.as_str(), purchase.priority.as_str()),
        ("Never", "1")
    );
    assert_eq!(purchase.invoice, "—");

    assert_eq!(promotion.reason, "Promotional");
    assert_eq!(promotion.expires, "Dec 22, 2026");
    assert_eq!(promotion.description.as_deref(), Some("Welcome offer"));

    let invoices = [invoice("i2", "INV-2"), invoice("i1", "INV-202611-00001")];
    let named = wallet_summary(&wallet(vec![paid]), &invoices, Locale::En);
    assert_eq!(named.transactions[0].invoice, "INV-202611-00001");
}

#[test]
fn expiries_are_debits_and_every_word_speaks_the_locale() {
    let expired = tx(
        "t4",
        TransactionType::Debit,
        TransactionReason::Expired,
        "5.5",
    );
    let summary = wallet_summary(&wallet(vec![expired]), &[], Locale::De);
    let row = &summary.transactions[0];
    assert_eq!((row.kind, row.reason), ("Belastung", "Verfallen"));
    assert_eq!(row.credits, "\u{2212}5.50");
    assert_eq!(summary.status, "Aktiv");
    assert_eq!(summary.caption, "Guthabenbewegungen (USD)");
    let arabic = wallet_summary(&wallet(vec![]), &[], Locale::Ar);
    assert_eq!(arabic.balance, "40.00 وحدة رصيد");
}
