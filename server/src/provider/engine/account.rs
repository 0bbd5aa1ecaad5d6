//! The customer's side of billing on the built-in engine: the portal's state,
//! test cards typed into the portal's form, invoices and billing details.

use super::Engine;
use crate::billing::cards::{self, CardInput};
use crate::billing::year_month;
use crate::convert;
use crate::provider::{
    DetailsUpdate, InvoiceView, Party, PortalState, ProviderError, ProviderResult,
};
use crate::store::CustomerRow;
use portico_wire::ErrorCode;
use portico_wire::embed::Customer;
use portico_wire::invoice::Invoice;
use portico_wire::payment::{CardAttached, CardRequest};
use std::collections::BTreeSet;

impl Engine {
    pub(super) async fn state(&self, party: Party<'_>) -> ProviderResult<PortalState> {
        let mut state = PortalState::default();
        let Some(customer) = self.find(party).await? else {
            return Ok(state);
        };
        for row in self
            .store
            .subscriptions_shown(&customer.id, party.service.name.as_str())
            .await?
        {
            state
                .subscriptions
                .push(convert::subscription(&row, &customer));
        }
        state.payment_method = self
            .store
            .default_card(&customer.id)
            .await?
            .as_ref()
            .map(convert::payment_method);
        state.customer = Some(convert::customer(&customer));
        Ok(state)
    }

    /// Validates a test card, keeps brand, last4 and expiry as the default card,
    /// and tries it on the customer's open invoices.
    pub(super) async fn take_card(
        &self,
        party: Party<'_>,
        request: &CardRequest,
    ) -> ProviderResult<CardAttached> {
        if party.livemode {
            return Err(ProviderError::bad_request(
                ErrorCode::TestModeOnly,
                "The built-in billing engine takes only test cards, so it cannot take cards in live mode; \
                 configure a payment provider for live payments.",
            ));
        }
        let input = CardInput {
            number: request.number.clone(),
            exp_month: request.exp_month,
            exp_year: request.exp_year,
            cvc: request.cvc.clone(),
        };
        let now = self.clock.now();
        let customer_now = match self.store.find_customer(false, party.customer).await? {
            Some(customer) => self.store.customer_now(&customer, now).await?,
            None => now,
        };
        let card =
            cards::accept(&input, year_month(customer_now)).map_err(ProviderError::Declined)?;
        let (customer, row, touched) = self
            .store
            .attach_card(
                false,
                party.customer,
                party.service.name.as_str(),
                &card,
                now,
            )
            .await?;
        let ours = self.subscription_ids(party, &customer).await?;
        tracing::info!(customer = %customer.id, payment_method = %row.id, brand = card.brand.as_str(), last4 = %card.last4, "card attached");
        Ok(CardAttached {
            payment_method: convert::payment_method(&row),
            invoices: touched
                .iter()
                .filter(|i| {
                    i.subscription_id
                        .as_ref()
                        .is_some_and(|s| ours.contains(s.as_str()))
                })
                .map(|i| convert::invoice(i, &customer))
                .collect(),
        })
    }

    pub(super) async fn invoice_list(&self, party: Party<'_>) -> ProviderResult<Vec<Invoice>> {
        let Some(customer) = self.find(party).await? else {
            return Ok(Vec::new());
        };
        let ours = self.subscription_ids(party, &customer).await?;
        let rows = self.store.invoices_of(&customer.id).await?;
        Ok(rows
            .iter()
            .filter(|row| {
                row.subscription_id
                    .as_ref()
                    .is_some_and(|s| ours.contains(s.as_str()))
            })
            .map(|row| convert::invoice(row, &customer))
            .collect())
    }

    /// Invoice `id` if it is the party's, of a subscription in the service;
    /// anything else is "no such invoice", so nothing leaks about others'.
    pub(super) async fn one_invoice(
        &self,
        party: Party<'_>,
        id: &str,
    ) -> ProviderResult<InvoiceView> {
        let not_found = || {
            ProviderError::not_found(
                ErrorCode::InvoiceNotFound,
                format!("The customer has no invoice `{id}` in this service."),
            )
        };
        let customer = self.find(party).await?.ok_or_else(not_found)?;
        let row = self
            .store
            .invoice(id)
            .await?
            .filter(|row| row.customer_id == customer.id)
            .ok_or_else(not_found)?;
        let ours = self.subscription_ids(party, &customer).await?;
        if !row
            .subscription_id
            .as_ref()
            .is_some_and(|s| ours.contains(s.as_str()))
        {
            return Err(not_found());
        }
        Ok(InvoiceView {
            invoice: convert::invoice(&row, &customer),
            customer: convert::customer(&customer),
            pdf_link: None,
        })
    }

    pub(super) async fn save_details(
        &self,
        party: Party<'_>,
        update: &DetailsUpdate,
    ) -> ProviderResult<Customer> {
        let row = self
            .store
            .update_customer(
                party.livemode,
                party.customer,
                self.clock.now().as_second(),
                |details| {
                    if let Some(name) = &update.name {
                        details.name.clone_from(name);
                    }
                    if let Some(email) = &update.email {
                        details.billing_email.clone_from(email);
                    }
                    if let Some(address) = &update.address {
                        details.address = Some(address.clone());
                    }
                    if let Some(tax_id) = &update.tax_id {
                        details.tax_id.clone_from(tax_id);
                    }
                },
            )
            .await?;
        Ok(convert::customer(&row))
    }

    async fn find(&self, party: Party<'_>) -> ProviderResult<Option<CustomerRow>> {
        Ok(self
            .store
            .find_customer(party.livemode, party.customer)
            .await?)
    }

    /// Ids of the customer's subscriptions in the party's service.
    async fn subscription_ids(
        &self,
        party: Party<'_>,
        customer: &CustomerRow,
    ) -> ProviderResult<BTreeSet<String>> {
        Ok(self
            .store
            .subscription_ids_of(&customer.id, party.service.name.as_str())
            .await?
            .into_iter()
            .collect())
    }
}
