//! The portal's languages: English, German, French, Spanish and Arabic (right to
//! left). Every string the portal shows is a field of [`Text`], so a language that
//! misses one does not compile; `{name}` placeholders are filled by [`fill`].
//! Money and dates are formatted by the browser's `Intl` for the locale (`intl.rs`).

mod ar;
mod de;
mod en;
mod es;
mod fr;
mod languages;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Locale {
    #[default]
    En,
    De,
    Fr,
    Es,
    Ar,
}

impl Locale {
    pub const ALL: [Locale; 5] = [Self::En, Self::De, Self::Fr, Self::Es, Self::Ar];

    /// The BCP 47 tag, for `lang` and `Intl`.
    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::De => "de",
            Self::Fr => "fr",
            Self::Es => "es",
            Self::Ar => "ar",
        }
    }

    pub fn is_rtl(self) -> bool {
        self == Self::Ar
    }

    /// The config's `locale` if it names a language the portal speaks (`de`,
    /// `de-AT`, `DE`), else the first of the browser's languages it speaks, else
    /// English.
    pub fn negotiate(requested: Option<&str>, browser: &[String]) -> Self {
        let speak = |tag: &str| {
            let language = tag
                .split(['-', '_'])
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            Self::ALL.into_iter().find(|l| l.tag() == language)
        };
        requested
            .and_then(speak)
            .or_else(|| browser.iter().find_map(|tag| speak(tag)))
            .unwrap_or_default()
    }

    /// This language's strings: English until [`Self::load`] has fetched another.
    pub fn text(self) -> &'static Text {
        languages::text(self)
    }

    /// Makes [`Self::text`] this language's, fetching its module the first time.
    /// `false`: it could not be fetched, and the portal speaks English meanwhile.
    pub async fn load(self) -> bool {
        languages::load(self).await
    }

    /// The position in [`Self::ALL`].
    fn index(self) -> usize {
        self as usize
    }
}

/// Replaces each `{name}` in `template` by its value.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values
        .iter()
        .fold(template.to_owned(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        })
}

/// Every string the portal shows.
#[derive(Debug)]
pub struct Text {
    // Frame and states.
    pub billing: &'static str,
    pub loading: &'static str,
    /// A part of the portal (a tab, a form) whose module could not be fetched.
    pub part_unavailable: &'static str,
    pub test_mode: &'static str,
    pub try_again: &'static str,
    pub vetoed: &'static str,
    pub card_saved: &'static str,
    /// After a deep-linked flow, when the session asked for a confirmation.
    pub flow_done: &'static str,
    pub details_saved: &'static str,
    pub title_config: &'static str,
    pub title_identity: &'static str,
    pub title_network: &'static str,
    pub title_generic: &'static str,
    // Prices and periods.
    pub per_interval: &'static str,
    pub every_interval: &'static str,
    pub day: &'static str,
    pub days: &'static str,
    pub week: &'static str,
    pub weeks: &'static str,
    pub month: &'static str,
    pub months: &'static str,
    pub year: &'static str,
    pub years: &'static str,
    pub unit_line: &'static str,
    pub tiered_line: &'static str,
    pub graduated: &'static str,
    pub volume: &'static str,
    pub free_trial: &'static str,
    // Plans.
    pub billing_period: &'static str,
    pub monthly: &'static str,
    pub yearly: &'static str,
    pub subscribe: &'static str,
    pub subscribing: &'static str,
    // Subscriptions.
    pub status_active: &'static str,
    pub status_trialing: &'static str,
    pub status_past_due: &'static str,
    pub status_canceled: &'static str,
    pub status_incomplete: &'static str,
    pub status_expired: &'static str,
    pub status_unknown: &'static str,
    pub trial_ends_on: &'static str,
    pub ended_on: &'static str,
    pub ends_on: &'static str,
    pub renews_on: &'static str,
    pub changes_to: &'static str,
    pub attention_past_due: &'static str,
    pub attention_incomplete: &'static str,
    pub change_plan: &'static str,
    pub cancel: &'static str,
    pub resume: &'static str,
    pub resuming: &'static str,
    pub resubscribe: &'static str,
    // Change panel.
    pub plan: &'static str,
    pub seats: &'static str,
    pub at_period_end: &'static str,
    pub preview_change: &'static str,
    pub charged_now: &'static str,
    pub amount_due_now: &'static str,
    pub next_invoice_lines: &'static str,
    pub next_invoice_on: &'static str,
    pub takes_effect_on: &'static str,
    pub confirm_change: &'static str,
    // Cancel panel.
    pub when: &'static str,
    pub at_end_of_period: &'static str,
    pub now: &'static str,
    pub why_cancel: &'static str,
    pub choose_reason: &'static str,
    pub reason_too_expensive: &'static str,
    pub reason_missing_features: &'static str,
    pub reason_switched_service: &'static str,
    pub reason_unused: &'static str,
    pub reason_customer_service: &'static str,
    pub reason_too_complex: &'static str,
    pub reason_low_quality: &'static str,
    pub reason_other: &'static str,
    pub anything_else: &'static str,
    pub cancel_subscription: &'static str,
    // Card.
    pub payment_method: &'static str,
    pub no_card: &'static str,
    pub update_card: &'static str,
    pub card_label: &'static str,
    pub card_for_signup: &'static str,
    pub card_number: &'static str,
    pub card_expiry: &'static str,
    pub card_cvc: &'static str,
    pub expiry_format: &'static str,
    /// Stripe.js could not load (Stripe provider).
    pub card_form_unavailable: &'static str,
    /// The link to Stripe's page of an invoice.
    pub view_invoice: &'static str,
    pub save_card: &'static str,
    pub saving: &'static str,
    // Billing details.
    pub billing_details: &'static str,
    pub edit_details: &'static str,
    pub name: &'static str,
    pub billing_email: &'static str,
    pub address: &'static str,
    pub city: &'static str,
    pub postal_code: &'static str,
    pub country: &'static str,
    pub tax_id_type: &'static str,
    pub tax_id: &'static str,
    pub save: &'static str,
    // Invoices.
    pub invoices: &'static str,
    pub show_invoices: &'static str,
    pub no_invoices: &'static str,
    pub date: &'static str,
    pub number: &'static str,
    pub status: &'static str,
    pub amount: &'static str,
    pub amount_due: &'static str,
    pub upcoming: &'static str,
    pub invoice_paid: &'static str,
    pub invoice_open: &'static str,
    pub invoice_draft: &'static str,
    pub invoice_void: &'static str,
    pub invoice_uncollectible: &'static str,
    pub paid_from_credits: &'static str,
    pub download_pdf: &'static str,
    pub downloading: &'static str,
    // Credits (prepaid wallets).
    pub credits: &'static str,
    pub credit_balance: &'static str,
    pub credit_value: &'static str,
    pub credits_amount: &'static str,
    pub credit_rate: &'static str,
    pub credit_history: &'static str,
    pub no_transactions: &'static str,
    pub transaction: &'static str,
    pub credits_column: &'static str,
    pub expires: &'static str,
    pub priority: &'static str,
    pub invoice: &'static str,
    pub never: &'static str,
    pub tx_credit: &'static str,
    pub tx_debit: &'static str,
    pub reason_purchased: &'static str,
    pub reason_promotional: &'static str,
    pub reason_invoice_payment: &'static str,
    pub reason_expired: &'static str,
    // Usage.
    pub usage: &'static str,
    pub usage_range: &'static str,
    pub range_day: &'static str,
    pub range_week: &'static str,
    pub range_month: &'static str,
    pub usage_chart: &'static str,
    pub usage_as_table: &'static str,
    pub usage_breakdown: &'static str,
    pub feature: &'static str,
    pub total_usage: &'static str,
    pub usage_events: &'static str,
    pub usage_cost: &'static str,
    // Invoice search.
    pub search_invoices: &'static str,
    pub any_status: &'static str,
    pub date_from: &'static str,
    pub date_to: &'static str,
    pub amount_min: &'static str,
    pub amount_max: &'static str,
    pub clear_search: &'static str,
    pub no_matching_invoices: &'static str,
    pub invalid_amount_bound: &'static str,
    pub invoices_shown: &'static str,
    // Metered prices on the plan cards.
    pub metered_line: &'static str,
    pub metered_each: &'static str,
    pub metered_included: &'static str,
    pub metered_up_to: &'static str,
    pub metered_beyond: &'static str,
    // Tabs.
    pub overview: &'static str,
    pub view_credits: &'static str,
    pub invoice_pdf: &'static str,
}

#[cfg(test)]
mod tests;
