//! Changes at period end on Stripe, through subscription schedules: the
//! subscription gets a schedule (`from_subscription`) whose first phase keeps
//! the current item until the period ends and whose second switches to the
//! target for one period; the schedule then releases the subscription, which
//! goes on renewing with the new item. A change that applies now, or a cancel,
//! releases a pending schedule first, so a stale phase cannot undo it.
//!
//! localstripe has no schedules (`dialect.rs`); there a change at period end is
//! refused before anything is sent.

use super::changes::ChangeTarget;
use super::client::Form;
use super::objects::{Expandable, HasId, Subscription};
use super::{ForwardedKey, Stripe, path};
use crate::catalog::{Plan, Service};
use crate::provider::{ProviderError, ProviderResult};
use portico_wire::embed::{PendingItem, PendingUpdate};
use portico_wire::{ErrorCode, Quantity};
use serde::Deserialize;

/// A subscription schedule, as far as Portico reads it.
#[derive(Debug, Clone, Deserialize)]
pub struct Schedule {
    pub id: String,
    #[serde(default)]
    pub phases: Vec<Phase>,
}

impl HasId for Schedule {
    fn id(&self) -> &str {
        &self.id
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Phase {
    pub start_date: i64,
    #[serde(default)]
    pub end_date: Option<i64>,
    #[serde(default)]
    pub items: Vec<PhaseItem>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PhaseItem {
    /// The price's id, or the price when expanded.
    pub price: serde_json::Value,
    #[serde(default)]
    pub quantity: Option<u64>,
}

impl PhaseItem {
    fn price_id(&self) -> Option<&str> {
        self.price
            .as_str()
            .or_else(|| self.price.get("id")?.as_str())
    }
}

/// The change a subscription's schedule will make when its period ends, if it
/// has one (the schedule must be expanded: `expand[]=schedule`).
pub fn pending_update(sub: &Subscription, service: &Service) -> Option<PendingUpdate> {
    let Some(Expandable::Object(schedule)) = &sub.schedule else {
        return None;
    };
    let (_, period_end) = sub.period();
    let next = schedule
        .phases
        .iter()
        .find(|p| p.start_date >= period_end)?;
    let item = next.items.first()?;
    let plan = service.plan(item.price_id()?)?;
    let quantity = Quantity::new(item.quantity.unwrap_or(1).max(1)).ok()?;
    pending(plan, quantity, next.start_date)
}

/// The pending change to `plan` with `quantity` of its (single) item.
pub fn pending(plan: &Plan, quantity: Quantity, effective_at: i64) -> Option<PendingUpdate> {
    let plan_item = plan.items.first()?;
    Some(PendingUpdate {
        plan: plan.id.clone(),
        interval: plan.interval,
        interval_count: plan.interval_count,
        items: vec![PendingItem {
            product: plan_item.product.id.clone(),
            product_name: plan_item.product.name.clone(),
            unit_label: plan_item.product.unit_label.clone(),
            quantity,
            price: plan_item.price.clone(),
        }],
        metered: Vec::new(),
        effective_at,
    })
}

/// The schedule's phases: the current items until `period_end`, then the
/// target's for one period, then release. A phase lists every item: the
/// plan's price, then its metered prices.
pub fn phases_form(
    current: (&str, u32, &[&str]),
    phase_start: i64,
    period_end: i64,
    target: &ChangeTarget<'_>,
) -> Form {
    let (current_price, current_quantity, current_metered) = current;
    let mut form = Form::new();
    for (i, price) in current_metered.iter().enumerate() {
        form = form.set(format!("phases[0][items][{}][price]", i + 1), price);
    }
    for (i, price) in super::metered::provider_prices(target.plan)
        .iter()
        .enumerate()
    {
        form = form.set(format!("phases[1][items][{}][price]", i + 1), price);
    }
    form.set("end_behavior", "release")
        .set("phases[0][items][0][price]", current_price)
        .set("phases[0][items][0][quantity]", current_quantity)
        .set("phases[0][start_date]", phase_start)
        .set("phases[0][end_date]", period_end)
        .set("phases[1][items][0][price]", &target.plan.id)
        .set("phases[1][items][0][quantity]", target.quantity.get())
        .set("phases[1][iterations]", 1)
        .set("phases[1][proration_behavior]", "none")
        .set("metadata[portico_change]", "at_period_end")
}

impl Stripe {
    /// Refuses a change at period end where schedules do not exist.
    pub(super) fn schedules_offered(&self) -> ProviderResult<()> {
        if self.dialect.has_schedules() {
            return Ok(());
        }
        Err(ProviderError::bad_request(
            ErrorCode::ProviderUnsupported,
            "localstripe, the Stripe test peer, has no subscription schedules, so a change at period end \
             cannot be made against it; with Stripe itself it is scheduled.",
        )
        .param("at_period_end"))
    }

    /// Schedules the change for the end of the current period; the subscription
    /// keeps its item until then.
    pub(super) async fn schedule_change(
        &self,
        sub: &Subscription,
        item_price: &str,
        item_quantity: u32,
        target: &ChangeTarget<'_>,
        keys: &ForwardedKey,
    ) -> ProviderResult<()> {
        self.schedules_offered()?;
        // A schedule left from an earlier change may hold past phases, which
        // cannot be rewritten: start again from the subscription as it is now.
        self.release_schedule(sub, keys).await?;
        let form = Form::new().set("from_subscription", &sub.id);
        let created: Schedule = self
            .client
            .post(
                "/v1/subscription_schedules",
                &form,
                Some(&keys.step("schedule")),
            )
            .await?;
        let schedule_id = created.id;
        let schedule: Schedule = self
            .client
            .get(
                &format!("/v1/subscription_schedules/{}", path(&schedule_id)),
                &Form::new(),
            )
            .await?;
        let (period_start, period_end) = sub.period();
        let phase_start = schedule
            .phases
            .first()
            .map_or(period_start, |p| p.start_date);
        let current_metered: Vec<&str> = sub
            .items
            .data
            .iter()
            .skip(1)
            .filter_map(|i| i.price_id())
            .collect();
        let mut form = phases_form(
            (item_price, item_quantity, &current_metered),
            phase_start,
            period_end,
            target,
        );
        // Rewriting the current phase must not end a trial early.
        if sub.status == "trialing"
            && let Some(trial_end) = sub.trial_end
        {
            form = form.set("phases[0][trial_end]", trial_end);
        }
        let _: Schedule = self
            .client
            .post(
                &format!("/v1/subscription_schedules/{}", path(&schedule_id)),
                &form,
                Some(&keys.step("schedule-phases")),
            )
            .await?;
        tracing::info!(subscription = %sub.id, schedule = %schedule_id, plan = %target.plan.id, "change at period end scheduled (Stripe)");
        Ok(())
    }

    /// Drops a pending scheduled change, keeping the subscription as it is now.
    pub(super) async fn release_schedule(
        &self,
        sub: &Subscription,
        keys: &ForwardedKey,
    ) -> ProviderResult<()> {
        let Some(schedule) = &sub.schedule else {
            return Ok(());
        };
        let _: serde_json::Value = self
            .client
            .post(
                &format!("/v1/subscription_schedules/{}/release", path(schedule.id())),
                &Form::new(),
                Some(&keys.step("release")),
            )
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use portico_wire::ServiceName;

    const CATALOG: &str = r#"
[[products]]
id = "prod_seats"
name = "Seats"
unit_label = "seat"

[[plans]]
id = "basic"
name = "Basic"
currency = "USD"
interval = "month"
items = [{ product = "prod_seats", unit_amount = 1000 }]

[[plans]]
id = "pro"
name = "Pro"
currency = "USD"
interval = "month"
items = [{ product = "prod_seats", unit_amount = 3000 }]

[[services]]
name = "acme"
mode = "test"
plans = ["basic", "pro"]
"#;

    /// A subscription as Stripe lists it with `expand[]=data.schedule`.
    fn subscription(schedule: serde_json::Value) -> Subscription {
        serde_json::from_value(serde_json::json!({
            "id": "sub_1", "customer": "cus_1", "status": "active", "created": 1_000,
            "current_period_start": 1_000, "current_period_end": 2_000,
            "items": {"data": [{"id": "si_1", "quantity": 2,
                "price": {"id": "basic", "product": "prod_seats", "currency": "usd", "unit_amount": 1000}}]},
            "schedule": schedule,
        }))
        .unwrap()
    }

    #[test]
    fn the_schedule_s_next_phase_is_the_pending_update() {
        let catalog = Catalog::from_toml(CATALOG).unwrap();
        let service = catalog
            .service(&ServiceName::parse("acme").unwrap())
            .unwrap();
        let sub = subscription(serde_json::json!({"id": "sub_sched_1", "phases": [
            {"start_date": 1_000, "end_date": 2_000, "items": [{"price": "basic", "quantity": 2}]},
            {"start_date": 2_000, "end_date": 4_600, "items": [{"price": "pro", "quantity": 3}]},
        ]}));
        let pending = pending_update(&sub, service).expect("a pending update");
        assert_eq!(pending.plan, "pro");
        assert_eq!(pending.effective_at, 2_000);
        assert_eq!(pending.items[0].quantity.get(), 3);
        assert_eq!(pending.items[0].unit_label.as_deref(), Some("seat"));
    }

    #[test]
    fn no_schedule_or_an_unexpanded_one_is_no_pending_update() {
        let catalog = Catalog::from_toml(CATALOG).unwrap();
        let service = catalog
            .service(&ServiceName::parse("acme").unwrap())
            .unwrap();
        assert!(pending_update(&subscription(serde_json::Value::Null), service).is_none());
        assert!(pending_update(&subscription(serde_json::json!("sub_sched_1")), service).is_none());
    }

    #[test]
    fn a_schedule_keeps_the_current_item_until_the_period_ends_then_switches() {
        let plan = crate::catalog::Plan {
            id: "pro".into(),
            name: "Pro".into(),
            description: None,
            currency: portico_wire::Currency::parse("usd").unwrap(),
            interval: portico_wire::embed::Interval::Month,
            interval_count: 1,
            trial_days: 0,
            features: Vec::new(),
            items: Vec::new(),
            metered: Vec::new(),
        };
        let target = ChangeTarget {
            plan: &plan,
            quantity: Quantity::new(3).unwrap(),
            proration: portico_wire::actions::ProrationBehavior::None,
            at_period_end: true,
        };
        let form = phases_form(("basic", 2, &["price_calls"]), 1_000, 2_000, &target);
        let pairs: Vec<(&str, &str)> = form
            .pairs()
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        for expected in [
            ("end_behavior", "release"),
            ("phases[0][items][0][price]", "basic"),
            ("phases[0][items][0][quantity]", "2"),
            ("phases[0][items][1][price]", "price_calls"),
            ("phases[0][start_date]", "1000"),
            ("phases[0][end_date]", "2000"),
            ("phases[1][items][0][price]", "pro"),
            ("phases[1][items][0][quantity]", "3"),
            ("phases[1][iterations]", "1"),
            ("phases[1][proration_behavior]", "none"),
        ] {
            assert!(pairs.contains(&expected), "{expected:?} in {pairs:?}");
        }
    }
}
