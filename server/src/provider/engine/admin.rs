//! The admin API's view of the built-in engine's customers: who a hosted
//! portal session or a Flexprice token is for, and the subscription a flow names.

use super::Engine;
use crate::convert;
use crate::portal::flow::FlowSubscription;
use crate::provider::{
    AdminCustomer, AdminInvoice, AdminLookup, FlowTarget, InvoiceView, ProviderError,
    ProviderResult,
};
use crate::store::CustomerRow;
use portico_wire::config::CustomerRef;

impl Engine {
    pub(super) async fn invoice_for_admin(&self, id: &str) -> ProviderResult<Option<AdminInvoice>> {
        let Some(row) = self.store.invoice(id).await? else {
            return Ok(None);
        };
        let customer = self
            .store
            .customer(&row.customer_id)
            .await?
            .ok_or_else(|| {
                ProviderError::Internal(format!(
                    "invoice {id} of a missing customer {}",
                    row.customer_id
                ))
            })?;
        let service = match &row.subscription_id {
            Some(sub) => self
                .store
                .subscription(sub.as_str())
                .await?
                .map(|s| s.service),
            None => None,
        };
        Ok(Some(AdminInvoice {
            view: InvoiceView {
                invoice: convert::invoice(&row, &customer),
                customer: convert::customer(&customer),
                pdf_link: None,
            },
            livemode: row.livemode,
            service,
        }))
    }

    pub(super) async fn find_for_admin(
        &self,
        lookup: AdminLookup<'_>,
    ) -> ProviderResult<Option<AdminCustomer>> {
        let row = match lookup {
            AdminLookup::Id(id) => self.store.customer(id).await?,
            AdminLookup::Reference(who, livemode) => {
                match self.store.find_customer(livemode, who).await? {
                    Some(found) => Some(found),
                    // A secret key may also name a customer by its `cus_…`.
                    None => match who {
                        CustomerRef::CustomerId(id) => self
                            .store
                            .customer(id)
                            .await?
                            .filter(|row| row.livemode == livemode),
                        CustomerRef::Email(_) => None,
                    },
                }
            }
        };
        let Some(row) = row else {
            return Ok(None);
        };
        let latest_service = self.store.latest_service_of(&row.id).await?;
        Ok(Some(admin_customer(row, latest_service)))
    }

    pub(super) async fn subscription_for_flow(
        &self,
        customer: &AdminCustomer,
        id: &str,
    ) -> ProviderResult<Option<FlowTarget>> {
        let Some(row) = self
            .store
            .subscription(id)
            .await?
            .filter(|row| row.customer_id == customer.id && row.livemode == customer.livemode)
        else {
            return Ok(None);
        };
        Ok(Some(FlowTarget {
            subscription: FlowSubscription {
                id: row.id.to_string(),
                ended: row.state.status.has_ended(),
                items: row
                    .state
                    .terms
                    .items
                    .iter()
                    .filter_map(|item| Some((item.id.clone()?, item.product.clone())))
                    .collect(),
            },
            service: row.service,
        }))
    }
}

fn admin_customer(row: CustomerRow, latest_service: Option<String>) -> AdminCustomer {
    AdminCustomer {
        id: row.id,
        livemode: row.livemode,
        external_id: row.external_id,
        email: row.email,
        latest_service,
    }
}
