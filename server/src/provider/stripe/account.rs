//! The customer's side of billing on Stripe: invoices (the list, one with its
//! PDF link) and billing details saved on the Stripe customer (name, email,
//! address, one tax id) and read back from it.

use super::client::Form;
use super::objects::{Customer, Invoice, List};
use super::{Stripe, convert, path};
use crate::catalog::Service;
use crate::provider::{DetailsUpdate, InvoiceView, ProviderError, ProviderResult};
use portico_wire::customer::TaxId as WireTaxId;
use portico_wire::embed::Customer as WireCustomer;
use portico_wire::{CustomerRef, ErrorCode};
use serde::Deserialize;

/// A customer's tax id, as Stripe holds it.
#[derive(Debug, Clone, Deserialize)]
struct TaxId {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    value: String,
}

fn internal(message: String) -> ProviderError {
    ProviderError::Internal(message)
}

impl Stripe {
    /// The customer's invoices in `service`, newest first.
    pub async fn invoices(
        &self,
        who: &CustomerRef,
        service: &Service,
    ) -> ProviderResult<Vec<portico_wire::invoice::Invoice>> {
        let Some(customer) = self.find_customer(who).await? else {
            return Ok(Vec::new());
        };
        let subs = self.subscription_ids(&customer, service).await?;
        let query = Form::new().set("customer", &customer.id).set("limit", 100);
        let list: List<Invoice> = self.client.get("/v1/invoices", &query).await?;
        let mut invoices: Vec<_> = list
            .data
            .iter()
            .filter(|i| {
                i.subscription_id()
                    .is_some_and(|s| subs.iter().any(|id| id == s))
            })
            .map(|i| convert::invoice(i).map_err(internal))
            .collect::<Result<_, _>>()?;
        invoices.sort_by_key(|i| std::cmp::Reverse(i.created));
        Ok(invoices)
    }

    /// Invoice `id`, if it is the customer's and of a subscription in `service`;
    /// anything else is "no such invoice", whoever's it is.
    pub(super) async fn one_invoice(
        &self,
        who: &CustomerRef,
        service: &Service,
        id: &str,
    ) -> ProviderResult<InvoiceView> {
        let not_found = || {
            ProviderError::not_found(
                ErrorCode::InvoiceNotFound,
                format!("The customer has no invoice `{id}` in this service."),
            )
        };
        let customer = self.find_customer(who).await?.ok_or_else(not_found)?;
        let invoice: Invoice = match self
            .client
            .get(&format!("/v1/invoices/{}", path(id)), &Form::new())
            .await
        {
            Ok(invoice) => invoice,
            Err(super::client::StripeError::Api { status: 404, .. }) => return Err(not_found()),
            Err(e) => return Err(e.into()),
        };
        let subs = self.subscription_ids(&customer, service).await?;
        let ours = invoice.customer == customer.id
            && invoice
                .subscription_id()
                .is_some_and(|s| subs.iter().any(|id| id == s));
        if !ours {
            return Err(not_found());
        }
        let pdf_link = invoice.invoice_pdf.clone();
        Ok(InvoiceView {
            invoice: convert::invoice(&invoice).map_err(internal)?,
            customer: self.customer_details(&customer).await?,
            pdf_link,
        })
    }

    async fn subscription_ids(
        &self,
        customer: &Customer,
        service: &Service,
    ) -> ProviderResult<Vec<String>> {
        Ok(self
            .subscriptions_of(customer, service)
            .await?
            .into_iter()
            .map(|s| s.id)
            .collect())
    }

    /// The customer with their tax id, which Stripe keeps in a list of its own.
    pub(super) async fn customer_details(
        &self,
        customer: &Customer,
    ) -> ProviderResult<WireCustomer> {
        let mut wire = convert::customer(customer).map_err(internal)?;
        wire.tax_id = self
            .tax_ids(customer)
            .await?
            .into_iter()
            .next()
            .map(|t| WireTaxId {
                kind: t.kind,
                value: t.value,
            });
        Ok(wire)
    }

    async fn tax_ids(&self, customer: &Customer) -> ProviderResult<Vec<TaxId>> {
        let list: List<TaxId> = self
            .client
            .get(
                &format!("/v1/customers/{}/tax_ids", path(&customer.id)),
                &Form::new(),
            )
            .await?;
        Ok(list.data)
    }

    /// Saves the details on the Stripe customer. A customer whose session is by
    /// email is found by that email, so it cannot change here: its invoices
    /// would go to the new address but the next portal session would not find
    /// the customer.
    pub(super) async fn save_details(
        &self,
        who: &CustomerRef,
        update: &DetailsUpdate,
    ) -> ProviderResult<WireCustomer> {
        if let (CustomerRef::Email(identity), Some(email)) = (who, &update.email)
            && email.as_deref() != Some(identity.normalized().as_str())
        {
            return Err(ProviderError::bad_request(
                ErrorCode::ProviderUnsupported,
                "With the Stripe provider, a portal opened by email finds the customer by that email, so the \
                 email cannot change here; open the portal with the Stripe `customer_id` to let customers change it.",
            )
            .param("email"));
        }
        let missing = || {
            ProviderError::not_found(
                ErrorCode::ResourceMissing,
                "Stripe has no customer for this session yet; sign up first.",
            )
        };
        let customer = self.find_customer(who).await?.ok_or_else(missing)?;
        let mut form = Form::new();
        if let Some(name) = &update.name {
            form = form.set("name", name.as_deref().unwrap_or(""));
        }
        if let Some(email) = &update.email {
            form = form.set("email", email.as_deref().unwrap_or(""));
        }
        if let Some(address) = &update.address {
            for (field, value) in [
                ("line1", &address.line1),
                ("line2", &address.line2),
                ("city", &address.city),
                ("state", &address.state),
                ("postal_code", &address.postal_code),
                ("country", &address.country),
            ] {
                form = form.set(format!("address[{field}]"), value.as_deref().unwrap_or(""));
            }
        }
        // The tax id first: Stripe checks its value, and a refused one must not
        // leave the other details half saved.
        if let Some(tax_id) = &update.tax_id {
            self.replace_tax_id(&customer, tax_id.as_ref()).await?;
        }
        let updated: Customer = if form.pairs().is_empty() {
            customer
        } else {
            self.client
                .post(
                    &format!("/v1/customers/{}", path(&customer.id)),
                    &form,
                    None,
                )
                .await?
        };
        tracing::info!(customer = %updated.id, "billing details saved (Stripe)");
        self.customer_details(&updated).await
    }

    /// The customer's one tax id becomes `wanted` (or none). The new one is
    /// added before the old ones go, so a value Stripe refuses leaves the
    /// customer's tax id as it was.
    async fn replace_tax_id(
        &self,
        customer: &Customer,
        wanted: Option<&WireTaxId>,
    ) -> ProviderResult<()> {
        let existing = self.tax_ids(customer).await?;
        let same = |t: &TaxId| wanted.is_some_and(|w| w.kind == t.kind && w.value == t.value);
        let mut keep = existing.iter().find(|t| same(t)).map(|t| t.id.clone());
        if let (Some(wanted), None) = (wanted, &keep) {
            let form = Form::new()
                .set("type", &wanted.kind)
                .set("value", &wanted.value);
            let added: TaxId = self
                .client
                .post(
                    &format!("/v1/customers/{}/tax_ids", path(&customer.id)),
                    &form,
                    None,
                )
                .await?;
            keep = Some(added.id);
        }
        for old in existing.iter().filter(|t| Some(&t.id) != keep.as_ref()) {
            let _: serde_json::Value = self
                .client
                .delete(
                    &format!(
                        "/v1/customers/{}/tax_ids/{}",
                        path(&customer.id),
                        path(&old.id)
                    ),
                    &Form::new(),
                    None,
                )
                .await?;
        }
        Ok(())
    }
}
