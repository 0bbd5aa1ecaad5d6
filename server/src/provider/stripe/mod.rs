//! The Stripe provider: Stripe holds customers, subscriptions, invoices and
//! cards; Portico keeps its sessions, configurations, idempotency and events.
//! `client.rs` speaks HTTP, `objects/` reads Stripe's objects, `convert.rs`
//! turns them into wire types, `catalog.rs` reads the plans, `dialect.rs` holds
//! every difference of the test peer, `signature.rs` checks webhooks and
//! `events.rs` turns them into Portico events, `webhooks.rs` receives them.
//! `provider.rs` is the [`BillingProvider`](crate::provider::BillingProvider)
//! implementation; the operations are in `subscriptions.rs`, `changes.rs`,
//! `schedules.rs`, `metered.rs`, `cards.rs`, `account.rs` (invoices and billing
//! details) and `admin.rs` (the admin API's lookups).

mod account;
mod admin;
mod cards;
pub mod catalog;
mod changes;
pub mod client;
mod convert;
pub mod dialect;
pub mod events;
mod metered;
pub mod objects;
mod provider;
pub mod schedules;
pub mod signature;
mod subscriptions;
mod webhooks;

pub use cards::complete_setup;

use crate::provider::ProviderError;
use client::{Form, StripeClient, StripeError};
use dialect::Dialect;
use objects::{Customer, List};
use portico_wire::{CustomerRef, ErrorCode};
use sha2::{Digest, Sha256};

/// How to reach Stripe, from flags and environment.
#[derive(Clone)]
pub struct StripeConfig {
    pub secret_key: String,
    pub api_base: String,
    pub publishable_key: String,
    pub js_url: String,
    pub webhook_secret: Option<String>,
    pub dialect: Dialect,
}

impl std::fmt::Debug for StripeConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeConfig")
            .field("api_base", &self.api_base)
            .field("publishable_key", &self.publishable_key)
            .field("js_url", &self.js_url)
            .field("dialect", &self.dialect)
            .finish_non_exhaustive()
    }
}

#[derive(Debug)]
pub struct Stripe {
    pub client: StripeClient,
    pub dialect: Dialect,
    pub publishable_key: String,
    pub js_url: String,
    pub webhook_secret: Option<String>,
    /// Whether the secret key is a live one: Stripe's objects are of that mode.
    pub livemode: bool,
    /// The server's clock: a preview prorates as of its now.
    pub clock: std::sync::Arc<dyn crate::clock::Clock>,
}

impl Stripe {
    pub fn new(
        config: &StripeConfig,
        clock: std::sync::Arc<dyn crate::clock::Clock>,
    ) -> Result<Self, String> {
        let livemode = if config.secret_key.starts_with("sk_live_")
            || config.secret_key.starts_with("rk_live_")
        {
            true
        } else if config.secret_key.starts_with("sk_test_")
            || config.secret_key.starts_with("rk_test_")
        {
            false
        } else {
            return Err("the Stripe secret key must start with `sk_test_`, `sk_live_`, `rk_test_` or `rk_live_`".into());
        };
        if !config.publishable_key.starts_with("pk_") {
            return Err("the Stripe publishable key must start with `pk_`".into());
        }
        Ok(Self {
            client: StripeClient::new(&config.api_base, &config.secret_key)?,
            dialect: config.dialect,
            publishable_key: config.publishable_key.clone(),
            js_url: config.js_url.clone(),
            webhook_secret: config.webhook_secret.clone(),
            livemode,
            clock,
        })
    }

    /// The customer a session speaks for: by Stripe id (`customer_id`, as
    /// Billflow documents it) or by email. `None` if Stripe has none yet.
    pub async fn find_customer(
        &self,
        who: &CustomerRef,
    ) -> Result<Option<Customer>, ProviderError> {
        match who {
            CustomerRef::CustomerId(id) => {
                match self
                    .client
                    .get::<Customer>(&format!("/v1/customers/{}", path(id)), &Form::new())
                    .await
                {
                    Ok(customer) if !customer.deleted => Ok(Some(customer)),
                    Ok(_) => Ok(None),
                    Err(StripeError::Api { status: 404, .. }) => Ok(None),
                    Err(e) => Err(e.into()),
                }
            }
            CustomerRef::Email(email) => {
                let query = Form::new().set("email", email.normalized()).set("limit", 1);
                let list: List<Customer> = self.client.get("/v1/customers", &query).await?;
                Ok(list.data.into_iter().find(|c| !c.deleted))
            }
        }
    }

    /// The session's customer, created by email on first need. A `customer_id`
    /// must name an existing Stripe customer.
    pub async fn ensure_customer(
        &self,
        who: &CustomerRef,
        keys: &ForwardedKey,
    ) -> Result<Customer, ProviderError> {
        if let Some(customer) = self.find_customer(who).await? {
            return Ok(customer);
        }
        match who {
            CustomerRef::CustomerId(id) => Err(ProviderError::not_found(
                ErrorCode::ResourceMissing,
                format!(
                    "Stripe has no customer `{id}`: `customer_id` must be the Stripe customer's id."
                ),
            )
            .param("customer_id")),
            CustomerRef::Email(email) => {
                let form = Form::new()
                    .set("email", email.normalized())
                    .set("metadata[created_by]", "portico");
                Ok(self
                    .client
                    .post("/v1/customers", &form, Some(&keys.step("customer")))
                    .await?)
            }
        }
    }
}

/// The `Idempotency-Key` Portico forwards to Stripe: derived from the client's
/// key and the session's scope (Stripe's keys are account-wide, ours are per
/// customer), one per Stripe call of the action; a random one when the client
/// sent none, so that every mutation carries a key.
#[derive(Debug, Clone)]
pub struct ForwardedKey(String);

impl ForwardedKey {
    pub fn new(client_key: Option<&str>, scope: &str) -> Self {
        let base = match client_key {
            Some(key) => hex::encode(&Sha256::digest(format!("{scope}\n{key}").as_bytes())[..16]),
            None => hex::encode(rand::random::<[u8; 16]>()),
        };
        Self(format!("portico-{base}"))
    }

    pub fn step(&self, name: &str) -> String {
        format!("{}-{name}", self.0)
    }
}

/// An id placed in a URL path. Stripe's ids are `[A-Za-z0-9_-]`; anything else
/// cannot name a Stripe object, and a crafted one (`..`, even encoded) could
/// change the path, so it becomes an id that names nothing.
pub fn path(id: &str) -> String {
    if !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        id.to_owned()
    } else {
        "invalid_id".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_keys_are_scoped_and_stable() {
        let a = ForwardedKey::new(Some("k1"), "embed:test:acme:email:a@x.com");
        let again = ForwardedKey::new(Some("k1"), "embed:test:acme:email:a@x.com");
        let other = ForwardedKey::new(Some("k1"), "embed:test:acme:email:b@x.com");
        assert_eq!(a.step("signup"), again.step("signup"));
        assert_ne!(a.step("signup"), other.step("signup"));
        assert_ne!(a.step("signup"), a.step("customer"));
        assert_ne!(
            ForwardedKey::new(None, "s").step("x"),
            ForwardedKey::new(None, "s").step("x")
        );
    }

    #[test]
    fn ids_cannot_escape_their_path_segment() {
        assert_eq!(path("sub_123"), "sub_123");
        assert_eq!(path("../v1/customers"), "invalid_id");
        assert_eq!(path(".."), "invalid_id");
        assert_eq!(path(""), "invalid_id");
    }
}
