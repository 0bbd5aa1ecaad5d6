//! The one place where the test peer, localstripe, is spoken to differently from
//! Stripe. Everything else in the adapter is written for real Stripe; each
//! difference below is what localstripe 1.15 does, found by reading and running it
//! (README "Using Stripe" lists them for users):
//!
//! 1. It has no Prices, only the older Plans: `/v1/plans` with `amount` and a
//!    top-level `interval`, and subscription items name a `plan`, not a `price`.
//! 2. `POST /v1/subscriptions/{id}` refuses `proration_behavior` (a plain-text 500);
//!    it takes the older `prorate=true|false`, and has no `always_invoice`.
//! 3. Creating a subscription for a customer without a card answers 404 ("This
//!    customer has no payment method") although it stored the subscription,
//!    `incomplete` with its invoice open — what Stripe answers with a 200.
//! 4. It ignores `Idempotency-Key` (Portico's own replay still acts once).
//! 5. It has no `invoice_pdf`, `hosted_invoice_url` or `number` on invoices, and no
//!    time: nothing renews, trials stay `incomplete`.
//! 6. Its subscription update refuses `cancellation_details`.
//! 7. Its proration is not by time: a change credits every earlier invoice in full
//!    and charges nothing for the new plan until the next invoice.
//! 8. Its `/v1/invoices/create_preview` ignores `subscription_details[proration_behavior]`,
//!    and its `DELETE /v1/subscriptions/{id}` ignores `prorate` and `invoice_now`.
//!
//! 9. It has no subscription schedules (`/v1/subscription_schedules` is a plain
//!    404), so a change at period end is refused against it.
//!
//! 10. It has no billing meters (`/v1/billing/meter_events` is a plain 404), and
//!     a subscription has exactly one item (more is a 500 "Not implemented"), so
//!     a metered price, which is a second item, is not offered against it.
//!
//! 7 and 8 need nothing here (what is sent is Stripe's); the differential test
//! (`tests/api/stripe/differential.rs`) lists the amounts they change.

use super::client::{Form, StripeError};
use super::objects::{Expandable, Price, Product, Recurring};
use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Stripe's API as documented.
    Stripe,
    /// localstripe, the stateful fake the tests run against.
    Localstripe,
}

impl Dialect {
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "stripe" => Some(Self::Stripe),
            "localstripe" => Some(Self::Localstripe),
            _ => None,
        }
    }

    /// Whether subscription schedules exist (difference 9).
    pub fn has_schedules(self) -> bool {
        self == Self::Stripe
    }

    /// Whether usage can be reported to meters, and a subscription can carry a
    /// metered item next to its plan's (difference 10).
    pub fn has_meters(self) -> bool {
        self == Self::Stripe
    }

    /// What a subscription list expands: the schedule of a change at period
    /// end where schedules exist.
    pub fn subscription_expansions(self, form: Form) -> Form {
        match self {
            Self::Stripe => form.set("expand[0]", "data.schedule"),
            Self::Localstripe => form,
        }
    }

    /// The list of recurring prices, and its query (difference 1).
    pub fn prices_path(self) -> &'static str {
        match self {
            Self::Stripe => "/v1/prices",
            Self::Localstripe => "/v1/plans",
        }
    }

    pub fn prices_query(self) -> Form {
        match self {
            Self::Stripe => Form::new()
                .set("active", "true")
                .set("type", "recurring")
                .set("limit", 100),
            Self::Localstripe => Form::new().set("active", "true").set("limit", 100),
        }
    }

    /// A listed price as a [`Price`] (difference 1).
    pub fn price(self, value: serde_json::Value) -> Result<Price, StripeError> {
        let unreadable = |e: serde_json::Error| StripeError::Transport(format!("a price: {e}"));
        match self {
            Self::Stripe => serde_json::from_value(value).map_err(unreadable),
            Self::Localstripe => {
                let plan: LocalPlan = serde_json::from_value(value).map_err(unreadable)?;
                Ok(plan.into_price())
            }
        }
    }

    /// The key naming the price of subscription item `index` (difference 1).
    pub fn item_price_key(self, prefix: &str, index: usize) -> String {
        let field = match self {
            Self::Stripe => "price",
            Self::Localstripe => "plan",
        };
        format!("{prefix}[{index}][{field}]")
    }

    /// How an update asks for prorations (difference 2).
    pub fn update_proration(self, form: Form, behavior: &str) -> Form {
        match self {
            Self::Stripe => form.set("proration_behavior", behavior),
            Self::Localstripe => form.set("prorate", behavior != "none"),
        }
    }

    /// Stripe records why a customer canceled; localstripe's update refuses the
    /// parameter (a plain-text 500), so it is left out there (difference 2).
    pub fn cancellation_details(self, form: Form) -> Form {
        match self {
            Self::Stripe => form,
            Self::Localstripe => form.without("cancellation_details["),
        }
    }

    /// Whether a failed create still made the subscription (difference 3).
    pub fn created_despite(self, error: &StripeError) -> bool {
        matches!(
            (self, error),
            (Self::Localstripe, StripeError::Api { status: 404, error })
                if error.message.contains("no payment method")
        )
    }
}

/// localstripe's Plan.
#[derive(Deserialize)]
struct LocalPlan {
    id: String,
    product: String,
    currency: String,
    #[serde(default)]
    amount: Option<i64>,
    interval: String,
    #[serde(default)]
    interval_count: Option<u32>,
    #[serde(default)]
    trial_period_days: Option<u32>,
    #[serde(default)]
    nickname: Option<String>,
    #[serde(default)]
    usage_type: Option<String>,
    #[serde(default)]
    metadata: super::objects::Metadata,
}

impl LocalPlan {
    fn into_price(self) -> Price {
        Price {
            id: self.id,
            product: Expandable::<Product>::Id(self.product),
            currency: self.currency,
            unit_amount: self.amount,
            recurring: Some(Recurring {
                interval: self.interval,
                interval_count: self.interval_count.unwrap_or(1),
                trial_period_days: self.trial_period_days,
                usage_type: self.usage_type,
            }),
            nickname: self.nickname,
            active: true,
            metadata: self.metadata,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_localstripe_plan_reads_as_a_price() {
        let plan = serde_json::json!({
            "id": "pro", "object": "plan", "product": "prod_1", "currency": "usd",
            "amount": 2900, "interval": "month", "interval_count": 1,
            "trial_period_days": 14, "metadata": {"portico_order": "2"}
        });
        let price = Dialect::Localstripe.price(plan).unwrap();
        assert_eq!(price.unit_amount, Some(2900));
        assert_eq!(price.product.id(), "prod_1");
        assert_eq!(price.recurring.unwrap().trial_period_days, Some(14));
    }

    #[test]
    fn items_name_a_price_on_stripe_and_a_plan_on_localstripe() {
        assert_eq!(
            Dialect::Stripe.item_price_key("items", 0),
            "items[0][price]"
        );
        assert_eq!(
            Dialect::Localstripe.item_price_key("items", 0),
            "items[0][plan]"
        );
    }

    #[test]
    fn only_localstripe_reports_a_stored_subscription_as_404() {
        let error = StripeError::Api {
            status: 404,
            error: super::super::client::ApiErrorObject {
                message: "This customer has no payment method".into(),
                ..Default::default()
            },
        };
        assert!(Dialect::Localstripe.created_despite(&error));
        assert!(!Dialect::Stripe.created_despite(&error));
    }
}
