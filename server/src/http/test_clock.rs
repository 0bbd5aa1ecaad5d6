//! `POST /v1/test_helpers/test_clocks/advance`: in test mode, with the test secret
//! key, moves time forward for one customer or for everyone, then runs what fell
//! due (renewals, trial ends, period-end cancellations, payment retries).

use super::api_key::SecretKeyAuth;
use super::{ApiContext, AppError, AppResult, JsonBody, convert};
use crate::store::CustomerRow;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use portico_wire::test_clock::{AdvanceRequest, TestClock};
use portico_wire::{CustomerRef, ErrorCode};

pub fn router() -> Router<ApiContext> {
    Router::new().route("/test_clocks/advance", post(advance))
}

#[utoipa::path(post, path = "/v1/test_helpers/test_clocks/advance", tag = "test helpers", security(("secret_key" = [])),
    request_body = portico_wire::test_clock::AdvanceRequest,
    responses((status = 200, description = "The clock's time and the invoices that fell due", body = portico_wire::test_clock::TestClock),
        (status = 400, description = "Invalid parameters; `param` names the one at fault", body = portico_wire::ErrorBody),
        (status = 401, description = "Missing, expired or invalid credentials", body = portico_wire::ErrorBody),
        (status = 404, description = "No such object", body = portico_wire::ErrorBody)))]
async fn advance(
    State(ctx): State<ApiContext>,
    auth: SecretKeyAuth,
    JsonBody(request): JsonBody<AdvanceRequest>,
) -> AppResult<(StatusCode, Json<TestClock>)> {
    if auth.livemode() {
        return Err(AppError::bad_request(
            ErrorCode::TestModeOnly,
            "Test clocks exist only in test mode; use the test secret key.",
        ));
    }
    if ctx.provider.stripe().is_some() {
        // Nothing here bills with Stripe: a moved clock would silently do nothing.
        return Err(AppError::bad_request(
            ErrorCode::InvalidRequest,
            "Test clocks move the built-in billing engine's time; with the Stripe provider, use Stripe's test clocks.",
        ));
    }
    let customer = match request.customer.as_deref() {
        Some(reference) => Some(find_customer(&ctx, reference).await?),
        None => None,
    };
    let scope = customer.as_ref().map(|c| c.id.as_str());
    let real_now = ctx.clock.now();
    let current = ctx.store.test_clock_now(scope, real_now).await?;
    let seconds = match (request.frozen_time, request.advance_by) {
        (Some(to), None) => to - current.as_second(),
        (None, Some(by)) => by,
        _ => {
            return Err(AppError::bad_request(
                ErrorCode::InvalidRequest,
                "Give exactly one of `frozen_time` (Unix seconds) and `advance_by` (seconds).",
            ));
        }
    };
    if seconds < 0 {
        return Err(AppError::bad_request(
            ErrorCode::InvalidRequest,
            format!(
                "A test clock only moves forward: it is at {}, after the time asked for.",
                current.as_second()
            ),
        )
        .param(if request.frozen_time.is_some() {
            "frozen_time"
        } else {
            "advance_by"
        }));
    }
    ctx.store.advance_clock(scope, seconds).await?;
    let touched = ctx.store.run_due(real_now).await?;
    // One lookup per customer, not per invoice: a global advance can touch thousands.
    let mut owners = std::collections::BTreeMap::new();
    let mut invoices = Vec::with_capacity(touched.len());
    for row in &touched {
        if !owners.contains_key(&row.customer_id) {
            let owner = ctx.store.customer_by_id(&row.customer_id).await?;
            owners.insert(row.customer_id.clone(), owner);
        }
        invoices.push(convert::invoice(row, &owners[&row.customer_id]));
    }
    tracing::info!(customer = ?scope, seconds, invoices = invoices.len(), "test clock advanced");
    Ok((
        StatusCode::OK,
        Json(TestClock {
            object: "test_helpers.test_clock".to_owned(),
            customer: customer.as_ref().map(CustomerRow::id),
            frozen_time: current.as_second() + seconds,
            invoices,
        }),
    ))
}

async fn find_customer(ctx: &ApiContext, reference: &str) -> AppResult<CustomerRow> {
    let by = if reference.contains('@') {
        CustomerRef::from_parts(Some(reference), None)
    } else {
        CustomerRef::from_parts(None, Some(reference))
    }?;
    ctx.store.find_customer(false, &by).await?.ok_or_else(|| {
        AppError::not_found(
            ErrorCode::ResourceNotFound,
            format!("No test-mode customer `{reference}`."),
        )
        .param("customer")
    })
}
