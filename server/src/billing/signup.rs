//! Signing a customer up to a plan.

use super::{Status, period_end};
use crate::catalog::{Plan, Service};
use jiff::{SignedDuration, Timestamp};
use portico_wire::price::Price;
use portico_wire::{Currency, Quantity, QuantityOption};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewItem {
    pub product: String,
    pub unit_label: Option<String>,
    pub quantity: Quantity,
    pub price: Price,
}

/// The subscription a signup creates; the store assigns its ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSubscription {
    pub plan: String,
    pub status: Status,
    pub currency: Currency,
    pub items: Vec<NewItem>,
    pub current_period_start: Timestamp,
    pub current_period_end: Timestamp,
    pub trial_end: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignupError {
    #[error("`options.quantity` names unit labels no product of this service has: {}", .0.join(", "))]
    UnknownUnitLabel(Vec<String>),
}

/// Decides the subscription for `plan` at `now`. A plan with trial days starts
/// `trialing`, its first period being the trial; otherwise it starts `active` with a
/// full billing period.
pub fn plan_signup(
    service: &Service,
    plan: &Plan,
    quantity: Option<&QuantityOption>,
    now: Timestamp,
) -> Result<NewSubscription, SignupError> {
    if let Some(option) = quantity {
        let known: Vec<&str> = service.unit_labels().into_iter().collect();
        let unknown = option.unknown_labels(&known);
        if !unknown.is_empty() {
            return Err(SignupError::UnknownUnitLabel(unknown));
        }
    }
    let items = plan
        .items
        .iter()
        .map(|item| NewItem {
            product: item.product.id.clone(),
            unit_label: item.product.unit_label.clone(),
            quantity: QuantityOption::quantity_for(quantity, item.product.unit_label.as_deref()),
            price: item.price.clone(),
        })
        .collect();
    let (status, end, trial_end) = if plan.trial_days > 0 {
        let trial_end = now + SignedDuration::from_hours(24 * i64::from(plan.trial_days));
        (Status::Trialing, trial_end, Some(trial_end))
    } else {
        (
            Status::Active,
            period_end(now, plan.interval, plan.interval_count),
            None,
        )
    };
    Ok(NewSubscription {
        plan: plan.id.clone(),
        status,
        currency: plan.currency.clone(),
        items,
        current_period_start: now,
        current_period_end: end,
        trial_end,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use portico_wire::ServiceName;

    const CATALOG: &str = r#"
        products = [{ id = "base", name = "Base" }, { id = "seats", name = "Seats", unit_label = "seat" }]
        [[plans]]
        id = "team"
        name = "Team"
        currency = "usd"
        interval = "month"
        items = [{ product = "base", unit_amount = 2000 }, { product = "seats", unit_amount = 500 }]
        [[plans]]
        id = "trial"
        name = "Trial"
        currency = "usd"
        interval = "year"
        trial_days = 14
        items = [{ product = "base", unit_amount = 10000 }]
        [[services]]
        name = "acme"
        mode = "test"
        plans = ["team", "trial"]
    "#;

    fn service() -> Service {
        let catalog = Catalog::from_toml(CATALOG).unwrap();
        catalog
            .service(&ServiceName::parse("acme").unwrap())
            .unwrap()
            .clone()
    }

    fn now() -> Timestamp {
        "2026-01-31T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn active_signup_with_seats() {
        let service = service();
        let seats = QuantityOption::All(Quantity::new(4).unwrap());
        let sub =
            plan_signup(&service, service.plan("team").unwrap(), Some(&seats), now()).unwrap();
        assert_eq!(sub.status, Status::Active);
        assert_eq!(
            sub.current_period_end,
            "2026-02-28T12:00:00Z".parse().unwrap()
        );
        let quantities: Vec<u32> = sub.items.iter().map(|i| i.quantity.get()).collect();
        assert_eq!(quantities, vec![1, 4]);
        assert_eq!(sub.trial_end, None);
    }

    #[test]
    fn trial_plan_starts_trialing_for_the_trial_days() {
        let service = service();
        let sub = plan_signup(&service, service.plan("trial").unwrap(), None, now()).unwrap();
        assert_eq!(sub.status, Status::Trialing);
        let trial_end: Timestamp = "2026-02-14T12:00:00Z".parse().unwrap();
        assert_eq!(sub.trial_end, Some(trial_end));
        assert_eq!(sub.current_period_end, trial_end);
    }

    #[test]
    fn unknown_unit_label_is_refused() {
        let service = service();
        let option = QuantityOption::PerUnitLabel([("admin".to_owned(), Quantity::ONE)].into());
        let err = plan_signup(
            &service,
            service.plan("team").unwrap(),
            Some(&option),
            now(),
        )
        .unwrap_err();
        assert_eq!(err, SignupError::UnknownUnitLabel(vec!["admin".into()]));
    }
}
