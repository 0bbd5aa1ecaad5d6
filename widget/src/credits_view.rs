//! What the portal shows of prepaid credits: each wallet's balance, what it is worth
//! and its status, and every transaction. Plain Rust, tested natively.

use crate::i18n::{Locale, fill};
use crate::intl;
use portico_wire::Money;
use portico_wire::invoice::Invoice;
use portico_wire::wallet::{PortalWallet, TransactionReason, TransactionType, WalletTransaction};

/// Shown where a transaction has nothing in a column (a debit's expiry).
const NOTHING: &str = "—";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WalletSummary {
    pub id: String,
    /// `usd`, for `data-currency`.
    pub currency: String,
    /// `40.00 credits`.
    pub balance: String,
    /// `$40.00`.
    pub value: String,
    /// `1 credit = $1.00`.
    pub rate: String,
    pub status: &'static str,
    /// CSS modifier: `good`, `muted`.
    pub tone: &'static str,
    /// The transactions table's caption: `Credit transactions (USD)`.
    pub caption: String,
    /// Newest first, as the server sends them.
    pub transactions: Vec<TransactionRow>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransactionRow {
    pub id: String,
    pub date: String,
    /// `Credit` or `Debit`.
    pub kind: &'static str,
    /// `Purchased`, `Promotional`, `Invoice payment`, `Expired`.
    pub reason: &'static str,
    pub description: Option<String>,
    /// `good` for credits, `bad` for debits.
    pub tone: &'static str,
    /// Signed: `+25.00`, `−10.00`.
    pub credits: String,
    /// What the credits were worth, signed like them: `$25.00`, `-$10.00`.
    pub amount: String,
    /// A grant's expiry date, `Never`, or `—` for a debit.
    pub expires: String,
    /// A grant's priority, or `—` for a debit.
    pub priority: String,
    /// The number (else the id) of the invoice a debit paid, or `—`.
    pub invoice: String,
}

/// `invoices` are the ones the portal has loaded, to name a debit's invoice by its
/// number; without them it is named by its id.
pub fn wallet_summary(
    wallet: &PortalWallet,
    invoices: &[Invoice],
    locale: Locale,
) -> WalletSummary {
    let t = locale.text();
    let w = &wallet.wallet;
    let money = |minor| intl::money(locale, &Money::new(minor, w.currency.clone()));
    let (status, tone) = match w.status.as_str() {
        "active" => (t.status_active, "good"),
        _ => (t.status_unknown, "muted"),
    };
    let currency = w.currency.as_str().to_owned();
    WalletSummary {
        id: w.id.to_string(),
        balance: fill(
            t.credits_amount,
            &[("credits", &intl::credits(locale, w.balance))],
        ),
        value: money(w.balance_value),
        rate: fill(t.credit_rate, &[("amount", &money(w.conversion_rate))]),
        status,
        tone,
        caption: fill(
            t.credit_history,
            &[("currency", &currency.to_ascii_uppercase())],
        ),
        currency,
        transactions: wallet
            .transactions
            .iter()
            .map(|tx| transaction_row(tx, invoices, locale))
            .collect(),
    }
}

fn transaction_row(tx: &WalletTransaction, invoices: &[Invoice], locale: Locale) -> TransactionRow {
    let t = locale.text();
    let credit = tx.kind == TransactionType::Credit;
    let (kind, sign, tone) = if credit {
        (t.tx_credit, "+", "good")
    } else {
        // U+2212, the minus sign, lines up with the plus sign.
        (t.tx_debit, "\u{2212}", "bad")
    };
    let reason = match tx.reason {
        TransactionReason::Purchased => t.reason_purchased,
        TransactionReason::Promotional => t.reason_promotional,
        TransactionReason::InvoicePayment => t.reason_invoice_payment,
        TransactionReason::Expired => t.reason_expired,
    };
    let amount = if credit { tx.amount } else { -tx.amount };
    let invoice = tx.invoice.as_ref().map(|id| {
        invoices
            .iter()
            .find(|i| i.id.as_ref() == Some(id))
            .and_then(|i| i.number.clone())
            .unwrap_or_else(|| id.to_string())
    });
    TransactionRow {
        id: tx.id.to_string(),
        date: intl::date(locale, tx.created),
        kind,
        reason,
        description: tx.description.clone(),
        tone,
        credits: format!("{sign}{}", intl::credits(locale, tx.credits)),
        amount: intl::money(locale, &Money::new(amount, tx.currency.clone())),
        expires: match (credit, tx.expires_at) {
            (true, Some(at)) => intl::date(locale, at),
            (true, None) => t.never.to_owned(),
            (false, _) => NOTHING.to_owned(),
        },
        priority: match (credit, tx.priority) {
            (true, Some(priority)) => priority.to_string(),
            _ => NOTHING.to_owned(),
        },
        invoice: invoice.unwrap_or_else(|| NOTHING.to_owned()),
    }
}

#[cfg(test)]
mod tests;
