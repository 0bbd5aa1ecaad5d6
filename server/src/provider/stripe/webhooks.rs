//! Stripe's webhooks: the signature is checked over the raw body before
//! anything is parsed; the event becomes a Portico event (`events.rs`) that the
//! HTTP layer records once, by its id.

use super::objects::Event;
use super::{Stripe, events, signature};
use crate::provider::{ProviderError, ProviderResult, Received};
use portico_wire::ErrorCode;

impl Stripe {
    pub(super) async fn webhook(
        &self,
        header: Option<&str>,
        body: &[u8],
        now: i64,
    ) -> ProviderResult<Received> {
        let Some(secret) = &self.webhook_secret else {
            return Err(ProviderError::not_found(
                ErrorCode::ResourceNotFound,
                "No webhook signing secret is configured (STRIPE_WEBHOOK_SECRET), so no webhook is accepted.",
            ));
        };
        signature::verify(header, body, secret, now).map_err(|e| {
            tracing::warn!(error = %e, "Stripe webhook refused");
            ProviderError::bad_request(ErrorCode::InvalidRequest, format!("Stripe-Signature: {e}."))
                .param("Stripe-Signature")
        })?;
        let event: Event = serde_json::from_slice(body).map_err(|e| {
            ProviderError::bad_request(
                ErrorCode::InvalidRequest,
                format!("The event is not a Stripe event: {e}."),
            )
        })?;
        Ok(Received {
            event: events::translate(&event),
            catalog_changed: events::changes_catalog(&event.kind),
        })
    }
}
