//! The test clock (test mode only, secret key): move time forward for one customer
//! or for everyone, and let the engine run what falls due.

use crate::ids::CustomerId;
use crate::invoice::Invoice;
use serde::{Deserialize, Serialize};

/// `POST /v1/test_helpers/test_clocks/advance`. Exactly one of `frozen_time` and
/// `advance_by` is given.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdvanceRequest {
    /// A `cus_…` id or the integrator's `customer_id`; left out, time moves for all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    /// The Unix time to move to; never earlier than the clock's current time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frozen_time: Option<i64>,
    /// Seconds to move forward.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advance_by: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TestClock {
    /// Always `"test_helpers.test_clock"`.
    pub object: String,
    pub customer: Option<CustomerId>,
    /// The clock's time after the advance.
    pub frozen_time: i64,
    /// Invoices created or updated by what fell due, oldest first.
    pub invoices: Vec<Invoice>,
}
