//! Test clocks on the built-in engine: time moves for one customer or for
//! everyone, then what fell due runs (renewals, trial ends, period-end
//! cancellations, payment retries).

use super::Engine;
use crate::convert;
use crate::provider::{ClockMove, ProviderError, ProviderResult};
use crate::store::CustomerRow;
use portico_wire::test_clock::TestClock;
use portico_wire::{CustomerRef, ErrorCode};

/// How far one advance may move a clock: ten years, more than any schedule of
/// renewals a test needs to see at once.
const MAX_ADVANCE: i64 = 10 * 366 * 86_400;
/// The furthest a clock may go (2100-01-01): period arithmetic has decades of
/// room beyond it, where a clock in year 9999 made it fail.
const HORIZON: i64 = 4_102_444_800;

impl Engine {
    pub(super) async fn advance(
        &self,
        customer: Option<&str>,
        how: ClockMove,
    ) -> ProviderResult<TestClock> {
        let customer = match customer {
            Some(reference) => Some(self.test_customer(reference).await?),
            None => None,
        };
        let scope = customer.as_ref().map(|c| c.id.as_str());
        let real_now = self.clock.now();
        let current = self.store.test_clock_now(scope, real_now).await?;
        let (seconds, param) = match how {
            ClockMove::To(to) => (to.saturating_sub(current.as_second()), "frozen_time"),
            ClockMove::By(by) => (by, "advance_by"),
        };
        if seconds > MAX_ADVANCE || current.as_second().saturating_add(seconds) > HORIZON {
            return Err(ProviderError::bad_request(
                ErrorCode::InvalidRequest,
                "A test clock moves at most ten years at once, and never past 2100-01-01.",
            )
            .param(param));
        }
        if seconds < 0 {
            return Err(ProviderError::bad_request(
                ErrorCode::InvalidRequest,
                format!(
                    "A test clock only moves forward: it is at {}, after the time asked for.",
                    current.as_second()
                ),
            )
            .param(param));
        }
        self.store.advance_clock(scope, seconds).await?;
        // The run covers both modes; a test key is shown its own invoices only.
        let touched: Vec<_> = super::logged(self.store.run_due(real_now).await?)
            .into_iter()
            .filter(|row| !row.livemode)
            .collect();
        // One lookup per customer, not per invoice: a global advance can touch thousands.
        let mut owners = std::collections::BTreeMap::new();
        let mut invoices = Vec::with_capacity(touched.len());
        for row in &touched {
            if !owners.contains_key(&row.customer_id) {
                let owner = self.store.customer_by_id(&row.customer_id).await?;
                owners.insert(row.customer_id.clone(), owner);
            }
            invoices.push(convert::invoice(row, &owners[&row.customer_id]));
        }
        tracing::info!(customer = ?scope, seconds, invoices = invoices.len(), "test clock advanced");
        Ok(TestClock {
            object: "test_helpers.test_clock".to_owned(),
            customer: customer.as_ref().map(CustomerRow::id),
            frozen_time: current.as_second() + seconds,
            invoices,
        })
    }

    async fn test_customer(&self, reference: &str) -> ProviderResult<CustomerRow> {
        let by = CustomerRef::from_reference(reference).map_err(|e| {
            ProviderError::bad_request(ErrorCode::InvalidRequest, e.to_string()).param("customer")
        })?;
        let found = match self.store.find_customer(false, &by).await? {
            Some(found) => Some(found),
            // The admin API may name a customer by its `cus_…` too.
            None => self
                .store
                .customer(reference)
                .await?
                .filter(|row| !row.livemode),
        };
        found.ok_or_else(|| {
            ProviderError::not_found(
                ErrorCode::ResourceNotFound,
                format!("No test-mode customer `{reference}`."),
            )
            .param("customer")
        })
    }
}
