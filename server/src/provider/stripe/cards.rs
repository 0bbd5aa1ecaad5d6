//! Cards on Stripe: a SetupIntent for Stripe.js to confirm in the browser (the
//! card never reaches Portico), then the confirmed payment method attached as
//! the customer's default and tried on their open invoices.

use super::client::Form;
use super::objects::{Customer, Expandable, Invoice, List, PaymentMethod, SetupIntent};
use super::{ForwardedKey, Stripe, convert, path};
use crate::catalog::Service;
use crate::provider::ProviderError;
use portico_wire::payment::{CardAttached, SetupIntent as WireSetupIntent};
use portico_wire::{CustomerRef, ErrorCode};

impl Stripe {
    pub async fn create_setup_intent(
        &self,
        who: &CustomerRef,
        keys: &ForwardedKey,
    ) -> Result<WireSetupIntent, ProviderError> {
        let customer = self.ensure_customer(who, keys).await?;
        let form = Form::new()
            .set("customer", &customer.id)
            .set("usage", "off_session")
            .set("payment_method_types[0]", "card");
        let intent: SetupIntent = self
            .client
            .post("/v1/setup_intents", &form, Some(&keys.step("setup_intent")))
            .await?;
        let client_secret = intent.client_secret.ok_or_else(|| {
            ProviderError::Internal(
                "Stripe returned a SetupIntent without its client_secret".into(),
            )
        })?;
        Ok(WireSetupIntent {
            id: intent.id,
            client_secret,
        })
    }
}

/// Completes SetupIntent `id` once Stripe.js confirmed it: it must be the
/// session customer's and `succeeded`. Its card becomes the default and pays
/// the open invoices of the service's subscriptions.
pub async fn complete_setup(
    stripe: &Stripe,
    who: &CustomerRef,
    service: &Service,
    id: &str,
    keys: &ForwardedKey,
) -> Result<CardAttached, ProviderError> {
    let missing = || {
        ProviderError::not_found(
            ErrorCode::ResourceMissing,
            format!("No such SetupIntent for this customer: `{id}`."),
        )
        .param("id")
    };
    let customer = stripe.find_customer(who).await?.ok_or_else(missing)?;
    let intent: SetupIntent = stripe
        .client
        .get(&format!("/v1/setup_intents/{}", path(id)), &Form::new())
        .await
        .map_err(|e| match e {
            super::client::StripeError::Api { status: 404, .. } => missing(),
            other => other.into(),
        })?;
    if intent.customer.as_deref() != Some(customer.id.as_str()) {
        return Err(missing());
    }
    if intent.status != "succeeded" {
        return Err(ProviderError::conflict(
            ErrorCode::InvalidRequest,
            format!(
                "The SetupIntent is `{}`, not `succeeded`: confirm the card with Stripe.js first.",
                intent.status
            ),
        ));
    }
    let pm_id = match &intent.payment_method {
        Some(Expandable::Id(id)) => id.clone(),
        Some(Expandable::Object(pm)) => pm.id.clone(),
        None => {
            return Err(ProviderError::Internal(format!(
                "{id} succeeded without a payment method"
            )));
        }
    };
    let mut method: PaymentMethod = stripe
        .client
        .get(
            &format!("/v1/payment_methods/{}", path(&pm_id)),
            &Form::new(),
        )
        .await?;
    if method.customer.as_deref() != Some(customer.id.as_str()) {
        let form = Form::new().set("customer", &customer.id);
        method = stripe
            .client
            .post(
                &format!("/v1/payment_methods/{}/attach", path(&pm_id)),
                &form,
                Some(&keys.step("attach")),
            )
            .await?;
    }
    let form = Form::new().set("invoice_settings[default_payment_method]", &pm_id);
    let _: Customer = stripe
        .client
        .post(
            &format!("/v1/customers/{}", path(&customer.id)),
            &form,
            Some(&keys.step("default")),
        )
        .await?;
    let invoices = pay_open_invoices(stripe, &customer, service, keys).await?;
    tracing::info!(customer = %customer.id, payment_method = %pm_id, "card attached (Stripe)");
    Ok(CardAttached {
        payment_method: convert::payment_method(&method).map_err(ProviderError::Internal)?,
        invoices,
    })
}

/// Tries the new default card on every open invoice of the service's
/// subscriptions; a decline leaves the invoice open (and is shown on it).
async fn pay_open_invoices(
    stripe: &Stripe,
    customer: &Customer,
    service: &Service,
    keys: &ForwardedKey,
) -> Result<Vec<portico_wire::invoice::Invoice>, ProviderError> {
    let subs: Vec<String> = stripe
        .subscriptions_of(customer, service)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    let query = Form::new().set("customer", &customer.id).set("limit", 100);
    let list: List<Invoice> = stripe.client.get("/v1/invoices", &query).await?;
    let mut touched = Vec::new();
    for invoice in list.data {
        let ours = invoice
            .subscription_id()
            .is_some_and(|s| subs.iter().any(|id| id == s));
        if !ours || invoice.status.as_deref() != Some("open") {
            continue;
        }
        let key = keys.step(&format!("pay-{}", invoice.id));
        let paid: Result<Invoice, _> = stripe
            .client
            .post(
                &format!("/v1/invoices/{}/pay", path(&invoice.id)),
                &Form::new(),
                Some(&key),
            )
            .await;
        let current = match paid {
            Ok(paid) => paid,
            Err(super::client::StripeError::Api { status: 402, .. }) => {
                stripe
                    .client
                    .get(&format!("/v1/invoices/{}", path(&invoice.id)), &Form::new())
                    .await?
            }
            Err(other) => return Err(other.into()),
        };
        touched.push(convert::invoice(&current).map_err(ProviderError::Internal)?);
    }
    Ok(touched)
}
