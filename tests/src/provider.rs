//! The two billing providers a journey runs on: the built-in engine and Stripe
//! (localstripe behind the Stripe.js stand-in). What differs between them for a
//! test: the stack, the plans each catalog sells, how a card is typed in, and
//! what a change preview carries.

use crate::browser::Page;
use crate::figures::today;
use crate::stack::{Stack, StackOptions};
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    /// The demo catalog: Starter ($9, no trial, no seats) then Scale ($99 and
    /// tiered seats from $8).
    Local,
    /// [`crate::localstripe::Localstripe::seed`]: Basic ($10 a seat) then Pro ($30
    /// a seat).
    Stripe,
}

impl Provider {
    /// `engine` or `stripe`: how test names and artifacts name the provider.
    pub fn name(self) -> &'static str {
        match self {
            Self::Local => "engine",
            Self::Stripe => "stripe",
        }
    }

    /// The stack this provider bills through.
    pub fn options(self) -> StackOptions {
        StackOptions {
            stripe: self == Self::Stripe,
            ..StackOptions::default()
        }
    }

    /// A paid plan without a trial (the signup needs a card), then a dearer one
    /// sold per seat.
    pub fn plans(self) -> (&'static str, &'static str) {
        match self {
            Self::Local => ("starter", "scale"),
            Self::Stripe => ("basic", "pro"),
        }
    }

    /// The display names of [`Provider::plans`].
    pub fn plan_names(self) -> (&'static str, &'static str) {
        match self {
            Self::Local => ("Starter", "Scale"),
            Self::Stripe => ("Basic", "Pro"),
        }
    }

    pub fn first_name(self) -> &'static str {
        self.plan_names().0
    }

    /// A month of the first plan at one seat: what its signup invoice charges.
    pub fn first_price(self) -> &'static str {
        match self {
            Self::Local => "$9.00",
            Self::Stripe => "$10.00",
        }
    }

    /// The preview of a change from the first plan to the second, seconds after
    /// the signup: the amounts of the lines carried to the next invoice, and that
    /// invoice's date and total.
    pub fn preview(self) -> (Vec<Value>, jiff::civil::Date, &'static str) {
        match self {
            // Seconds into the month, each proration line is a whole month's price:
            // Starter's $9 credited, Scale's $99 and one $8 seat charged; the
            // renewal, a month after the signup, adds Scale's next month:
            // (-9 + 99 + 8) + (99 + 8) = $205.00.
            Self::Local => (
                vec![json!("-$9.00"), json!("$99.00"), json!("$8.00")],
                today().checked_add(jiff::Span::new().months(1)).unwrap(),
                "$205.00",
            ),
            // localstripe keeps no clock: it credits the whole $10 Basic invoice and
            // charges nothing for the remaining time (README "Proration, compared");
            // Pro's $30 month less that credit is $20.00. It also dates its upcoming
            // invoice now rather than at the period's end.
            Self::Stripe => (vec![json!("-$10.00")], today(), "$20.00"),
        }
    }

    /// Types a card into the open card form (the built-in one, or Stripe.js's card
    /// Element) and saves it.
    pub async fn enter_card(self, page: &Page, number: &str) {
        match self {
            Self::Local => {
                page.type_into("card-number", number).await;
                page.type_into("card-expiry", "12/34").await;
                page.type_into("card-cvc", "123").await;
            }
            Self::Stripe => {
                // localstripe's card Element: five inputs named by their placeholders,
                // mounted by Stripe.js inside the portal's card form. Unlike Stripe's,
                // it keeps the spaces a person types, so the digits go in alone.
                let digits = number.replace(' ', "");
                for (field, text) in [
                    ("number", digits.as_str()),
                    ("exp_month", "12"),
                    ("exp_year", "34"),
                    ("cvc", "123"),
                    ("postal_code", "10115"),
                ] {
                    let selector = format!("[data-testid=stripe-card] input[placeholder={field}]");
                    page.type_into_selector(&selector, text).await;
                }
            }
        }
        page.click("save-card").await;
    }

    /// The subscription an event is about, as the provider holds it: the
    /// backend's row `(plan, status)` on the engine, localstripe's on Stripe.
    pub async fn held(self, stack: &Stack, id: &str) -> (String, String) {
        match self {
            Self::Local => {
                let rows = stack
                    .rows(&format!(
                        "SELECT plan, status FROM subscriptions WHERE id = '{id}'"
                    ))
                    .await;
                let row = rows
                    .first()
                    .unwrap_or_else(|| panic!("no subscription {id}"));
                (row[0].clone(), row[1].clone())
            }
            Self::Stripe => {
                let peer = stack.stripe.as_ref().expect("a Stripe stack");
                let sub = peer.get(&format!("/v1/subscriptions/{id}")).await;
                (
                    sub["items"]["data"][0]["plan"]["id"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                    sub["status"].as_str().unwrap_or_default().to_owned(),
                )
            }
        }
    }
}

/// The seats a subscription (as an event's `response` gives it) has: its item
/// with a unit label.
pub fn seats(subscription: &Value) -> Value {
    subscription["items"]
        .as_array()
        .and_then(|items| items.iter().find(|i| !i["unit_label"].is_null()))
        .map(|item| item["quantity"].clone())
        .unwrap_or(Value::Null)
}
