//! `POST /v1/test_helpers/test_clocks/advance`: in test mode, with the test secret
//! key, moves time forward for one customer or for everyone, then runs what fell
//! due (renewals, trial ends, period-end cancellations, payment retries).

use super::api_key::SecretKeyAuth;
use super::{ApiContext, AppError, AppResult, JsonBody};
use crate::provider::ClockMove;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use portico_wire::ErrorCode;
use portico_wire::test_clock::{AdvanceRequest, TestClock};

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
    let how = match (request.frozen_time, request.advance_by) {
        (Some(to), None) => ClockMove::To(to),
        (None, Some(by)) => ClockMove::By(by),
        _ => {
            return Err(AppError::bad_request(
                ErrorCode::InvalidRequest,
                "Give exactly one of `frozen_time` (Unix seconds) and `advance_by` (seconds).",
            ));
        }
    };
    let clock = ctx
        .provider
        .advance_test_clock(request.customer.as_deref(), how)
        .await?;
    Ok((StatusCode::OK, Json(clock)))
}
