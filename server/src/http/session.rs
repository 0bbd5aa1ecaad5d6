//! The `PortalSession` extractor: a handler that takes one is only reached with a
//! live session token, from an allowed origin.
#![warn(clippy::arithmetic_side_effects)]

use super::rate_limit::{Budget, Expensive, Peer, peer};
use super::{ApiContext, AppError};
use crate::auth::token_digest;
use crate::catalog::Service;
use crate::provider::Party;
use crate::store::SessionRow;
use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header::{HOST, ORIGIN};
use axum::http::request::Parts;
use portico_wire::billing_portal::{Configuration, Features};
use portico_wire::embed::SESSION_HEADER;
use portico_wire::{CustomerRef, ErrorCode};

#[derive(Debug, Clone)]
pub struct PortalSession {
    pub row: SessionRow,
    pub customer: CustomerRef,
    pub service: Service,
    /// What the portal may do: the session's configuration, the service's, or the
    /// mode's default.
    pub configuration: Configuration,
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
        let (row, configuration) = ctx
            .store
            .live_session_and_configuration(&token_digest(token), ctx.now())
            .await?
            .ok_or_else(expired)?;
        let customer = CustomerRef::from_parts(row.email.as_deref(), row.external_id.as_deref())
            .map_err(|e| AppError::Internal(format!("session with unusable identity: {e}")))?;
        let service = ctx
            .catalog
            .current()
            .service_named(&row.service)
            .cloned()
            .ok_or_else(|| {
                AppError::not_found(
                    ErrorCode::ServiceNotFound,
                    format!("The service `{}` no longer exists.", row.service),
                )
            })?;
        // Sessions the admin API opened (hosted page, Flexprice token) are not tied to
        // a host page: the token is the whole credential.
        if row.billing_portal_session.is_none() && !row.read_only {
            check_origin(&parts.headers, &service)?;
        }
        // A hosted portal's session changes things from the hosted page only.
        if row.billing_portal_session.is_some() && !parts.method.is_safe() {
            check_own_origin(ctx, &parts.headers)?;
        }
        if parts.extensions.get::<Expensive>().is_some() {
            ctx.limits.spend(
                Peer(peer(parts)),
                &parts.headers,
                Budget::Expensive,
                service.name.as_str(),
            )?;
        }
        // The configuration came with the session unless the service names its own
        // and the session none.
        let configuration = match (&row.configuration, &service.configuration) {
            (None, Some(_)) => session_configuration(ctx, &row, &service).await?,
            _ => configuration,
        };
        Ok(Self {
            row,
            customer,
            service,
            configuration,
        })
    }
}

/// The configuration `preferred` names if it exists in this mode, else the mode's
/// default: what every portal of the mode uses.
pub async fn configuration_for(
    ctx: &ApiContext,
    livemode: bool,
    preferred: Option<&str>,
) -> Result<Configuration, AppError> {
    if let Some(id) = preferred
        && let Some(found) = ctx.store.configuration(id).await?
        && found.livemode == livemode
    {
        return Ok(found);
    }
    Ok(ctx.store.default_configuration(livemode).await?)
}

/// A session's configuration: its own, its service's, or the mode's default.
pub async fn session_configuration(
    ctx: &ApiContext,
    row: &SessionRow,
    service: &Service,
) -> Result<Configuration, AppError> {
    let preferred = row
        .configuration
        .as_deref()
        .or(service.configuration.as_deref());
    configuration_for(ctx, row.livemode, preferred).await
}

impl PortalSession {
    pub fn features(&self) -> &Features {
        &self.configuration.features
    }

    /// Whose billing the session's requests are about, for the provider.
    pub fn party(&self) -> Party<'_> {
        Party {
            customer: &self.customer,
            service: &self.service,
            livemode: self.row.livemode,
        }
    }

    /// Whether the session shows subscription `id` (and its invoices): all of the
    /// service's, or the one the embed named with `subscription_id`.
    pub fn shows(&self, subscription: Option<&str>) -> bool {
        match self.row.subscription_id.as_deref() {
            None => true,
            Some(only) => subscription == Some(only),
        }
    }

    /// Refuses subscription `id` when the session is scoped to another one
    /// (`subscription_id`). Every subscription route checks this first, before it
    /// reaches a provider, so the scope holds on either.
    pub fn may_act_on(&self, id: &str) -> Result<(), AppError> {
        match self.row.subscription_id.as_deref() {
            Some(only) if only != id => Err(AppError::not_found(
                ErrorCode::SubscriptionNotFound,
                format!("The customer has no subscription `{id}` in this service."),
            )),
            _ => Ok(()),
        }
    }

    /// Refuses any change in a read-only session.
    pub fn require_writable(&self) -> Result<(), AppError> {
        if self.row.read_only {
            return Err(AppError::forbidden(
                ErrorCode::SessionReadOnly,
                "This portal session is read-only: it can show billing details but not change them.",
            ));
        }
        Ok(())
    }

    /// Refuses what the configuration turns off (and any change when read-only).
    pub fn require(&self, enabled: bool, feature: &str) -> Result<(), AppError> {
        self.require_writable()?;
        self.feature(enabled, feature)
    }

    /// Refuses what the configuration turns off, even just to look at it.
    pub fn feature(&self, enabled: bool, feature: &str) -> Result<(), AppError> {
        if !enabled {
            return Err(AppError::forbidden(
                ErrorCode::FeatureDisabled,
                format!(
                    "The portal configuration `{}` turns `features[{feature}]` off.",
                    self.configuration.id
                ),
            ));
        }
        Ok(())
    }

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

/// Browsers send `Origin` on every call that changes something: one from a page
/// other than this server's own is refused. (With no `public_url`, this server is
/// whatever the request's `Host` names.)
fn check_own_origin(ctx: &ApiContext, headers: &HeaderMap) -> Result<(), AppError> {
    let Some(origin) = headers.get(ORIGIN) else {
        return Ok(());
    };
    let origin = origin.to_str().unwrap_or_default();
    let own = match (url::Url::parse(origin), &ctx.public_url) {
        (Ok(origin), Some(public)) => {
            url::Url::parse(public).is_ok_and(|public| public.origin() == origin.origin())
        }
        (Ok(origin), None) => {
            let host = headers.get(HOST).and_then(|h| h.to_str().ok());
            let authority = match (origin.host_str(), origin.port()) {
                (Some(name), Some(port)) => format!("{name}:{port}"),
                (Some(name), None) => name.to_owned(),
                (None, _) => String::new(),
            };
            host.is_some_and(|host| host.eq_ignore_ascii_case(&authority))
        }
        (Err(_), _) => false,
    };
    if own {
        return Ok(());
    }
    Err(AppError::forbidden(
        ErrorCode::OriginNotAllowed,
        format!("A hosted portal session acts from the hosted portal only, not from `{origin}`."),
    ))
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
