//! What the components show, computed from wire types. Plain Rust, tested natively.

use crate::i18n::{Locale, fill};
use crate::intl;
use portico_wire::embed::{Interval, MeteredPrice, Plan, Portal, Subscription, SubscriptionStatus};
use portico_wire::event::ErrorResponse;
use portico_wire::price::{Price, TiersMode};
use portico_wire::{Currency, ErrorCode, Money, QuantityOption};

/// Where the portal is in its life.
#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    Loading,
    /// Nothing can be shown but this error (bad config, refused identity, …).
    Failed(ErrorResponse),
    Ready(Box<Portal>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanCard {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    /// Total per period at the page's quantities, e.g. `$35.00`.
    pub price: String,
    /// `per month`, `every 3 months`.
    pub per_interval: String,
    /// One line per per-unit product, e.g. `3 seats × $5.00`.
    pub unit_lines: Vec<String>,
    /// One line per metered price: what usage costs, billed at the period's end.
    pub usage_lines: Vec<String>,
    pub trial: Option<String>,
    pub features: Vec<String>,
}

pub fn plan_card(plan: &Plan, quantity: Option<&QuantityOption>, locale: Locale) -> PlanCard {
    let t = locale.text();
    let money = |amount| intl::money(locale, &Money::new(amount, plan.currency.clone()));
    let unit_lines = plan
        .items
        .iter()
        .filter_map(|item| {
            let label = item.unit_label.as_deref()?;
            let q = QuantityOption::quantity_for(quantity, Some(label)).get();
            // The unit label comes from the catalog, in its language; English
            // plurals it the English way.
            let label = if q != 1 && locale == Locale::En {
                format!("{label}s")
            } else {
                label.to_owned()
            };
            let count = q.to_string();
            Some(match &item.price {
                Price::PerUnit { unit_amount } => fill(
                    t.unit_line,
                    &[
                        ("quantity", &count),
                        ("label", &label),
                        ("price", &money(*unit_amount)),
                    ],
                ),
                Price::Tiered(tiers) => {
                    let scheme = match tiers.mode() {
                        TiersMode::Graduated => t.graduated,
                        TiersMode::Volume => t.volume,
                    };
                    let amount = money(item.price.amount(u64::from(q)));
                    fill(
                        t.tiered_line,
                        &[
                            ("quantity", &count),
                            ("label", &label),
                            ("amount", &amount),
                            ("scheme", scheme),
                        ],
                    )
                }
            })
        })
        .collect();
    PlanCard {
        id: plan.id.clone(),
        name: plan.name.clone(),
        description: plan.description.clone(),
        price: intl::money(locale, &plan.amount_at(quantity)),
        per_interval: per_interval(plan, locale),
        unit_lines,
        usage_lines: plan
            .metered
            .iter()
            .map(|metered| usage_line(metered, &plan.currency, locale))
            .collect(),
        trial: (plan.trial_days > 0)
            .then(|| fill(t.free_trial, &[("days", &plan.trial_days.to_string())])),
        features: plan.features.clone(),
    }
}

/// `API calls (billed on usage): up to 10000 calls included, then $0.01 each`.
pub fn usage_line(metered: &MeteredPrice, currency: &Currency, locale: Locale) -> String {
    let t = locale.text();
    let money = |amount| intl::money(locale, &Money::new(amount, currency.clone()));
    let each = |unit_amount: i64, flat_amount: i64| {
        let each = fill(t.metered_each, &[("price", &money(unit_amount))]);
        if flat_amount > 0 {
            format!("{each} + {}", money(flat_amount))
        } else {
            each
        }
    };
    let prices = match &metered.price {
        Price::PerUnit { unit_amount } => each(*unit_amount, 0),
        Price::Tiered(tiers) => {
            let steps: Vec<String> = tiers
                .tiers()
                .iter()
                .map(|tier| match tier.up_to {
                    Some(up_to) if tier.unit_amount == 0 && tier.flat_amount == 0 => fill(
                        t.metered_included,
                        &[
                            ("quantity", &intl::number(locale, i64::from(up_to))),
                            ("unit", &metered.unit),
                        ],
                    ),
                    Some(up_to) => fill(
                        t.metered_up_to,
                        &[
                            ("quantity", &intl::number(locale, i64::from(up_to))),
                            ("unit", &metered.unit),
                            ("price", &each(tier.unit_amount, tier.flat_amount)),
                        ],
                    ),
                    None => fill(
                        t.metered_beyond,
                        &[("price", &each(tier.unit_amount, tier.flat_amount))],
                    ),
                })
                .collect();
            let joined = steps.join(", ");
            match tiers.mode() {
                TiersMode::Graduated => joined,
                TiersMode::Volume => format!("{joined} ({})", t.volume),
            }
        }
    };
    fill(
        t.metered_line,
        &[("name", &metered.name), ("prices", &prices)],
    )
}

/// Whether the pricing view offers a monthly/yearly switch: only when the plans
/// are sold both ways.
pub fn has_interval_switch(plans: &[Plan]) -> bool {
    let sold = |interval| {
        plans
            .iter()
            .any(|p| p.interval == interval && p.interval_count == 1)
    };
    sold(Interval::Month) && sold(Interval::Year)
}

/// The plans the pricing view shows for the chosen interval (plans billed by any
/// other period always show).
pub fn plans_for(plans: &[Plan], interval: Interval) -> Vec<Plan> {
    plans
        .iter()
        .filter(|p| {
            !matches!(p.interval, Interval::Month | Interval::Year) || p.interval == interval
        })
        .cloned()
        .collect()
}

/// `per month`, `every 3 months`.
fn per_interval(plan: &Plan, locale: Locale) -> String {
    let t = locale.text();
    let count = plan.interval_count;
    let (one, many) = match plan.interval {
        Interval::Day => (t.day, t.days),
        Interval::Week => (t.week, t.weeks),
        Interval::Month => (t.month, t.months),
        Interval::Year => (t.year, t.years),
    };
    if count == 1 {
        fill(t.per_interval, &[("interval", one)])
    } else {
        let interval = fill(many, &[("count", &count.to_string())]);
        fill(t.every_interval, &[("interval", &interval)])
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubscriptionCard {
    pub id: String,
    pub plan_name: String,
    pub status: &'static str,
    /// CSS modifier for the status pill.
    pub status_tone: &'static str,
    pub amount: String,
    /// `Renews on …`, `Trial ends on …`, `Ends on …`.
    pub period_line: String,
}

pub fn subscription_card(
    subscription: &Subscription,
    plans: &[Plan],
    locale: Locale,
) -> SubscriptionCard {
    let t = locale.text();
    let plan = plans.iter().find(|p| p.id == subscription.plan);
    let (status, status_tone) = match &subscription.status {
        SubscriptionStatus::Active => (t.status_active, "good"),
        SubscriptionStatus::Trialing => (t.status_trialing, "info"),
        SubscriptionStatus::PastDue => (t.status_past_due, "bad"),
        SubscriptionStatus::Canceled => (t.status_canceled, "muted"),
        SubscriptionStatus::Incomplete => (t.status_incomplete, "bad"),
        SubscriptionStatus::IncompleteExpired => (t.status_expired, "muted"),
        _ => (t.status_unknown, "muted"),
    };
    let end = intl::date(locale, subscription.current_period_end);
    let on = |template: &str, date: &str| fill(template, &[("date", date)]);
    let period_line = match (&subscription.status, subscription.trial_end) {
        (SubscriptionStatus::Trialing, Some(trial_end)) => {
            on(t.trial_ends_on, &intl::date(locale, trial_end))
        }
        (SubscriptionStatus::Canceled, _) => on(
            t.ended_on,
            &intl::date(
                locale,
                subscription
                    .ended_at
                    .unwrap_or(subscription.current_period_end),
            ),
        ),
        _ if subscription.cancel_at_period_end => on(t.ends_on, &end),
        _ => on(t.renews_on, &end),
    };
    let amount = intl::money(locale, &subscription.amount());
    SubscriptionCard {
        id: subscription.id.to_string(),
        plan_name: plan.map_or_else(|| subscription.plan.clone(), |p| p.name.clone()),
        status,
        status_tone,
        amount: match plan {
            Some(plan) => format!("{amount} {}", per_interval(plan, locale)),
            None => amount,
        },
        period_line,
    }
}

/// `options.quantity` may only name unit labels the service's products carry.
pub fn check_unit_labels(
    quantity: Option<&QuantityOption>,
    plans: &[Plan],
) -> Result<(), ErrorResponse> {
    let Some(quantity) = quantity else {
        return Ok(());
    };
    let known: Vec<&str> = plans
        .iter()
        .flat_map(|p| &p.items)
        .filter_map(|i| i.unit_label.as_deref())
        .collect();
    let unknown = quantity.unknown_labels(&known);
    if unknown.is_empty() {
        return Ok(());
    }
    let known = if known.is_empty() {
        "none".to_owned()
    } else {
        known.join(", ")
    };
    Err(ErrorResponse {
        code: ErrorCode::InvalidConfig,
        message: format!(
            "`options.quantity` names unknown unit labels: {}. This service's unit labels: {known}.",
            unknown.join(", ")
        ),
    })
}

/// A short, human title for an error code, shown above the message.
pub fn error_title(code: &ErrorCode, locale: Locale) -> &'static str {
    let t = locale.text();
    match code {
        ErrorCode::InvalidConfig => t.title_config,
        ErrorCode::InvalidHash | ErrorCode::OriginNotAllowed | ErrorCode::SessionExpired => {
            t.title_identity
        }
        ErrorCode::NetworkError => t.title_network,
        _ => t.title_generic,
    }
}

#[cfg(test)]
mod tests;
