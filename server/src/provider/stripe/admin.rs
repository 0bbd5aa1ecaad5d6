//! The admin API's view of Stripe's customers: a hosted portal session or a
//! Flexprice token names a Stripe customer (`cus_…`), and the portal session
//! it opens names them by that id (`customer_id`), which is how
//! [`Stripe::find_customer`] finds them again.

use super::catalog::SERVICE_KEY;
use super::client::Form;
use super::objects::{Customer, Subscription};
use super::{Stripe, path};
use crate::portal::flow::FlowSubscription;
use crate::provider::{
    AdminCustomer, AdminInvoice, AdminLookup, FlowTarget, InvoiceView, ProviderError,
    ProviderResult,
};
use portico_wire::CustomerRef;

impl Stripe {
    pub(super) async fn invoice_for_admin(&self, id: &str) -> ProviderResult<Option<AdminInvoice>> {
        let invoice: super::objects::Invoice = match self
            .client
            .get(&format!("/v1/invoices/{}", path(id)), &Form::new())
            .await
        {
            Ok(invoice) => invoice,
            Err(super::client::StripeError::Api { status: 404, .. }) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let customer = self
            .find_customer(&CustomerRef::CustomerId(invoice.customer.clone()))
            .await?
            .ok_or_else(|| {
                ProviderError::Internal(format!(
                    "invoice {id} of a missing customer {}",
                    invoice.customer
                ))
            })?;
        let service = match invoice.subscription_id() {
            Some(sub) => {
                let sub: Subscription = self
                    .client
                    .get(&format!("/v1/subscriptions/{}", path(sub)), &Form::new())
                    .await?;
                sub.metadata.get(SERVICE_KEY).cloned()
            }
            None => None,
        };
        Ok(Some(AdminInvoice {
            livemode: invoice.livemode,
            view: InvoiceView {
                invoice: super::convert::invoice(&invoice).map_err(ProviderError::Internal)?,
                customer: self.customer_details(&customer).await?,
                pdf_link: invoice.invoice_pdf.clone(),
            },
            service,
        }))
    }

    pub(super) async fn find_for_admin(
        &self,
        lookup: AdminLookup<'_>,
    ) -> ProviderResult<Option<AdminCustomer>> {
        let found = match lookup {
            AdminLookup::Id(id) => {
                self.find_customer(&CustomerRef::CustomerId(id.to_owned()))
                    .await?
            }
            AdminLookup::Reference(who, livemode) => self
                .find_customer(who)
                .await?
                .filter(|c| c.livemode == livemode),
        };
        let Some(customer) = found else {
            return Ok(None);
        };
        let latest_service = self.latest_service(&customer).await?;
        Ok(Some(AdminCustomer {
            external_id: Some(customer.id.clone()),
            email: customer.email.clone(),
            id: customer.id,
            livemode: customer.livemode,
            latest_service,
        }))
    }

    /// The Stripe customers usage events name: by `cus_…` id or by email, one
    /// lookup per distinct reference (a batch names few customers).
    pub(super) async fn resolve_usage_customers(
        &self,
        livemode: bool,
        references: &[String],
    ) -> ProviderResult<std::collections::HashMap<String, String>> {
        let mut resolved = std::collections::HashMap::new();
        for reference in references {
            let Ok(who) = CustomerRef::from_reference(reference) else {
                continue;
            };
            if let Some(customer) = self.find_customer(&who).await?
                && customer.livemode == livemode
            {
                resolved.insert(reference.clone(), customer.id);
            }
        }
        Ok(resolved)
    }

    /// The service of the customer's newest subscription that has one.
    async fn latest_service(&self, customer: &Customer) -> ProviderResult<Option<String>> {
        let query = Form::new()
            .set("customer", &customer.id)
            .set("status", "all")
            .set("limit", 100);
        let list: super::objects::List<Subscription> =
            self.client.get("/v1/subscriptions", &query).await?;
        Ok(list
            .data
            .into_iter()
            .filter_map(|s| Some((s.created, s.metadata.get(SERVICE_KEY)?.clone())))
            .max_by_key(|(created, _)| *created)
            .map(|(_, service)| service))
    }

    pub(super) async fn subscription_for_flow(
        &self,
        customer: &AdminCustomer,
        id: &str,
    ) -> ProviderResult<Option<FlowTarget>> {
        let sub: Subscription = match self
            .client
            .get(&format!("/v1/subscriptions/{}", path(id)), &Form::new())
            .await
        {
            Ok(sub) => sub,
            Err(super::client::StripeError::Api { status: 404, .. }) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let Some(service) = sub.metadata.get(SERVICE_KEY).cloned() else {
            return Ok(None);
        };
        if sub.customer != customer.id {
            return Ok(None);
        }
        Ok(Some(FlowTarget {
            service,
            subscription: FlowSubscription {
                ended: matches!(sub.status.as_str(), "canceled" | "incomplete_expired"),
                items: sub
                    .items
                    .data
                    .iter()
                    .filter_map(|item| Some((item.id.clone(), item.product_id()?)))
                    .collect(),
                id: sub.id,
            },
        }))
    }
}
