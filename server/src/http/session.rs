//! The `PortalSession` extractor: a handler that takes one is only reached with a
//! live session token, from an allowed origin.

use super::{ApiContext, AppError};
use crate::auth::token_digest;
use crate::catalog::Service;
use crate::store::SessionRow;
use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header::ORIGIN;
use axum::http::request::Parts;
use portico_wire::embed::SESSION_HEADER;
use portico_wire::{CustomerRef, ErrorCode, ServiceName};

#[derive(Debug, Clone)]
pub struct PortalSession {
    pub row: SessionRow,
    pub customer: CustomerRef,
    pub service: Service,
}

impl FromRequestParts<ApiContext> for PortalSession {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        ctx: &ApiContext,
    ) -> Result<Self, Self::Rejection> {
        let expired = || {
            AppError::unauthenticated(
                ErrorCode::SessionExpired,
                "The portal session is missing or has expired; exchange the identity again.",
            )
        };
        let token = parts
            .headers
            .get(SESSION_HEADER)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(expired)?;
        let row = ctx
            .store
            .live_session(&token_digest(token), ctx.now())
            .await?
            .ok_or_else(expired)?;
        let customer = CustomerRef::from_parts(row.email.as_deref(), row.external_id.as_deref())
            .map_err(|e| AppError::Internal(format!("session with unusable identity: {e}")))?;
        let service = ServiceName::parse(&row.service)
            .ok()
            .and_then(|name| ctx.catalog.service(&name).cloned())
            .ok_or_else(|| {
                AppError::not_found(
                    ErrorCode::ServiceNotFound,
                    format!("The service `{}` no longer exists.", row.service),
                )
            })?;
        check_origin(&parts.headers, &service)?;
        Ok(Self {
            row,
            customer,
            service,
        })
    }
}

impl PortalSession {
    /// Whose `Idempotency-Key`s a request of this session uses: the customer's in
    /// this service and mode, so a retry after a new session still replays.
    pub fn idempotency_scope(&self) -> String {
        let identity = match &self.customer {
            CustomerRef::Email(email) => format!("email:{}", email.normalized()),
            CustomerRef::CustomerId(id) => format!("customer_id:{id}"),
        };
        format!(
            "embed:{}:{}:{identity}",
            if self.row.livemode { "live" } else { "test" },
            self.row.service
        )
    }
}

/// Browsers send `Origin` on every cross-origin call; a page not allowed for the
/// service gets nothing, even with a valid token or hash.
pub fn check_origin(headers: &HeaderMap, service: &Service) -> Result<(), AppError> {
    match headers.get(ORIGIN).map(|v| v.to_str().unwrap_or_default()) {
        Some(origin) if !service.allowed_origins.contains(origin) => Err(AppError::forbidden(
            ErrorCode::OriginNotAllowed,
            format!(
                "The origin `{origin}` is not allowed to embed the service `{}`.",
                service.name
            ),
        )),
        _ => Ok(()),
    }
}
