//! The admin API's view of the built-in engine's customers: who a hosted
//! portal session or a Flexprice token is for, and the subscription a flow names.

use super::Engine;
use crate::portal::flow::FlowSubscription;
use crate::provider::{AdminCustomer, AdminLookup, FlowTarget, ProviderResult};
use crate::store::CustomerRow;

impl Engine {
    pub(super) async fn find_for_admin(
        &self,
        lookup: AdminLookup<'_>,
    ) -> ProviderResult<Option<AdminCustomer>> {
        let row = match lookup {
            AdminLookup::Id(id) => self.store.customer(id).await?,
            AdminLookup::Reference(who, livemode) => {
                self.store.find_customer(livemode, who).await?
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
