//! What the components show, computed from wire types. Plain Rust, tested natively.

use crate::format;
use portico_wire::embed::{Plan, Portal, Subscription, SubscriptionStatus};
use portico_wire::event::ErrorResponse;
use portico_wire::price::{Price, TiersMode};
use portico_wire::{ErrorCode, Money, QuantityOption};

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
    pub trial: Option<String>,
    pub features: Vec<String>,
}

pub fn plan_card(plan: &Plan, quantity: Option<&QuantityOption>) -> PlanCard {
    let unit_lines = plan
        .items
        .iter()
        .filter_map(|item| {
            let label = item.unit_label.as_deref()?;
            let q = QuantityOption::quantity_for(quantity, Some(label)).get();
            let money = |amount| format::money(&Money::new(amount, plan.currency.clone()));
            let label = if q == 1 {
                label.to_owned()
            } else {
                format!("{label}s")
            };
            Some(match &item.price {
                Price::PerUnit { unit_amount } => format!("{q} {label} × {}", money(*unit_amount)),
                Price::Tiered(tiers) => {
                    let scheme = match tiers.mode() {
                        TiersMode::Graduated => "graduated",
                        TiersMode::Volume => "volume",
                    };
                    format!(
                        "{q} {label}: {} ({scheme} pricing)",
                        money(item.price.amount(q))
                    )
                }
            })
        })
        .collect();
    PlanCard {
        id: plan.id.clone(),
        name: plan.name.clone(),
        description: plan.description.clone(),
        price: format::money(&plan.amount_at(quantity)),
        per_interval: per_interval(plan),
        unit_lines,
        trial: (plan.trial_days > 0).then(|| format!("{}-day free trial", plan.trial_days)),
        features: plan.features.clone(),
    }
}

fn per_interval(plan: &Plan) -> String {
    if plan.interval_count == 1 {
        format!("per {}", format::interval(plan.interval, 1))
    } else {
        format!(
            "every {}",
            format::interval(plan.interval, plan.interval_count)
        )
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

pub fn subscription_card(subscription: &Subscription, plans: &[Plan]) -> SubscriptionCard {
    let plan = plans.iter().find(|p| p.id == subscription.plan);
    let (status, status_tone) = match &subscription.status {
        SubscriptionStatus::Active => ("Active", "good"),
        SubscriptionStatus::Trialing => ("Trial", "info"),
        SubscriptionStatus::PastDue => ("Past due", "bad"),
        SubscriptionStatus::Canceled => ("Canceled", "muted"),
        SubscriptionStatus::Incomplete => ("Incomplete", "bad"),
        SubscriptionStatus::IncompleteExpired => ("Expired", "muted"),
        _ => ("Unknown", "muted"),
    };
    let end = format::date(subscription.current_period_end);
    let period_line = match (&subscription.status, subscription.trial_end) {
        (SubscriptionStatus::Trialing, Some(trial_end)) => {
            format!("Trial ends on {}", format::date(trial_end))
        }
        (SubscriptionStatus::Canceled, _) => format!("Ended on {end}"),
        _ if subscription.cancel_at_period_end => format!("Ends on {end}"),
        _ => format!("Renews on {end}"),
    };
    let amount = format::money(&subscription.amount());
    SubscriptionCard {
        id: subscription.id.to_string(),
        plan_name: plan.map_or_else(|| subscription.plan.clone(), |p| p.name.clone()),
        status,
        status_tone,
        amount: match plan {
            Some(plan) => format!("{amount} {}", per_interval(plan)),
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
pub fn error_title(code: &ErrorCode) -> &'static str {
    match code {
        ErrorCode::InvalidConfig => "The billing portal is misconfigured",
        ErrorCode::InvalidHash | ErrorCode::OriginNotAllowed | ErrorCode::SessionExpired => {
            "We could not confirm who you are"
        }
        ErrorCode::NetworkError => "The billing service cannot be reached",
        _ => "Something went wrong",
    }
}

#[cfg(test)]
mod tests;
