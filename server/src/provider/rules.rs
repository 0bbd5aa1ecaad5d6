//! What the portal configuration allows of an action, decided once and purely,
//! before any provider is called: which cancel mode and proration, which plans
//! a change may reach, which billing details may change. Both providers receive
//! the result and apply it; neither re-decides it.

use super::{DetailsUpdate, ProviderError, ProviderResult};
use crate::catalog::{Plan, Service};
use portico_wire::ErrorCode;
use portico_wire::actions::{
    CancelRequest, CancellationFeedback, ChangeRequest, ProrationBehavior,
};
use portico_wire::billing_portal::Features;
use portico_wire::billing_portal::configuration::{
    CancelMode, CustomerField, SubscriptionUpdateFeature,
};
use portico_wire::customer::CustomerUpdate;

/// The longest cancellation comment kept, in characters.
const MAX_COMMENT: usize = 500;
/// The longest billing detail kept, in characters: a name or an address line;
/// a tax id's type and value are shorter still.
const MAX_DETAIL: usize = 200;
const MAX_TAX_ID: usize = 64;

/// What a change may do, as the configuration allows it.
#[derive(Debug, Clone)]
pub struct ChangeRules {
    pub proration: ProrationBehavior,
    pub at_period_end: bool,
    update: SubscriptionUpdateFeature,
}

impl ChangeRules {
    /// The plan a change asks for (by default the current one), if the
    /// configuration offers a switch to it from `current`.
    pub fn target<'s>(
        &self,
        service: &'s Service,
        asked: Option<&str>,
        current: &str,
    ) -> ProviderResult<&'s Plan> {
        let plan = plan(service, asked.unwrap_or(current))?;
        if plan.id != current
            && !self
                .update
                .allows_plan(&plan.id, plan.items.iter().map(|i| i.product.id.as_str()))
        {
            return Err(ProviderError::forbidden(
                ErrorCode::FeatureDisabled,
                format!(
                    "The portal configuration does not offer a switch to `{}`.",
                    plan.id
                ),
            )
            .param("plan"));
        }
        Ok(plan)
    }
}

/// How a cancel happens, as the configuration and the request settle it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cancellation {
    pub at_period_end: bool,
    pub proration: ProrationBehavior,
    /// One of the configuration's reasons, in Stripe's spelling.
    pub feedback: Option<String>,
    pub comment: Option<String>,
}

/// The rules of a plan change. The caller has checked that
/// `subscription_update` is on.
pub fn change(features: &Features, request: &ChangeRequest) -> ProviderResult<ChangeRules> {
    let update = &features.subscription_update;
    let proration = configured(
        request.proration_behavior,
        update.proration_behavior,
        "proration_behavior",
    )?;
    if request.quantity.is_some() && !update.allows_quantity() {
        return Err(ProviderError::forbidden(
            ErrorCode::FeatureDisabled,
            "The portal configuration does not let the customer change quantities.",
        )
        .param("quantity"));
    }
    Ok(ChangeRules {
        proration,
        at_period_end: request.at_period_end,
        update: update.clone(),
    })
}

/// How a cancel happens. The caller has checked that `subscription_cancel` is on.
pub fn cancellation(features: &Features, request: &CancelRequest) -> ProviderResult<Cancellation> {
    let allowed = &features.subscription_cancel;
    let at_period_end = configured(
        request.at_period_end,
        allowed.mode == CancelMode::AtPeriodEnd,
        "at_period_end",
    )?;
    let proration = if at_period_end {
        ProrationBehavior::None
    } else {
        configured(
            request.proration_behavior,
            allowed.proration_behavior,
            "proration_behavior",
        )?
    };
    let feedback = match &request.feedback {
        Some(CancellationFeedback::Unknown(value)) => {
            return Err(ProviderError::bad_request(
                ErrorCode::InvalidRequest,
                format!(
                    "`feedback` `{value}` is not one of customer_service, low_quality, missing_features, other, \
                     switched_service, too_complex, too_expensive, unused."
                ),
            )
            .param("feedback"));
        }
        Some(known)
            if !(allowed.cancellation_reason.enabled
                && allowed.cancellation_reason.options.contains(known)) =>
        {
            return Err(ProviderError::bad_request(
                ErrorCode::InvalidRequest,
                "The portal configuration does not offer this cancellation reason.",
            )
            .param("feedback"));
        }
        Some(known) => serde_json::to_value(known)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned)),
        None => None,
    };
    let comment = request
        .comment
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    if comment.is_some_and(|c| c.chars().count() > MAX_COMMENT) {
        return Err(ProviderError::bad_request(
            ErrorCode::InvalidRequest,
            format!("`comment` is limited to {MAX_COMMENT} characters."),
        )
        .param("comment"));
    }
    Ok(Cancellation {
        at_period_end,
        proration,
        feedback,
        comment: comment.map(str::to_owned),
    })
}

/// The billing details a request may change, normalized. The caller has
/// checked that `customer_update` is on.
pub fn details(features: &Features, request: &CustomerUpdate) -> ProviderResult<DetailsUpdate> {
    let allowed = &features.customer_update;
    let asked = [
        ("name", request.name.is_some(), CustomerField::Name),
        ("email", request.email.is_some(), CustomerField::Email),
        ("address", request.address.is_some(), CustomerField::Address),
        ("tax_id", request.tax_id.is_some(), CustomerField::TaxId),
    ];
    if let Some((param, ..)) = asked
        .into_iter()
        .find(|(_, given, field)| *given && !allowed.allows(*field))
    {
        return Err(ProviderError::forbidden(
            ErrorCode::FeatureDisabled,
            format!("The portal configuration does not let the customer update `{param}`."),
        )
        .param(param));
    }
    let address = request.address.as_ref();
    let limits = [
        ("name", request.name.as_deref(), MAX_DETAIL),
        (
            "address[line1]",
            address.and_then(|a| a.line1.as_deref()),
            MAX_DETAIL,
        ),
        (
            "address[line2]",
            address.and_then(|a| a.line2.as_deref()),
            MAX_DETAIL,
        ),
        (
            "address[city]",
            address.and_then(|a| a.city.as_deref()),
            MAX_DETAIL,
        ),
        (
            "address[state]",
            address.and_then(|a| a.state.as_deref()),
            MAX_DETAIL,
        ),
        (
            "address[postal_code]",
            address.and_then(|a| a.postal_code.as_deref()),
            MAX_DETAIL,
        ),
        (
            "tax_id[type]",
            request.tax_id.as_ref().map(|t| t.kind.as_str()),
            MAX_TAX_ID,
        ),
        (
            "tax_id[value]",
            request.tax_id.as_ref().map(|t| t.value.as_str()),
            MAX_TAX_ID,
        ),
    ];
    if let Some((param, _, limit)) = limits
        .into_iter()
        .find(|(_, value, limit)| value.is_some_and(|v| v.chars().count() > *limit))
    {
        return Err(ProviderError::bad_request(
            ErrorCode::InvalidRequest,
            format!("`{param}` is limited to {limit} characters."),
        )
        .param(param));
    }
    let email = match request.email.as_deref().map(str::trim) {
        Some("") => Some(None),
        Some(email) => Some(Some(
            portico_wire::Email::parse(email)
                .map_err(|m| {
                    ProviderError::bad_request(ErrorCode::InvalidRequest, format!("`email` {m}"))
                        .param("email")
                })?
                .normalized(),
        )),
        None => None,
    };
    if let Some(country) = request.address.as_ref().and_then(|a| a.country.as_deref())
        && !(country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase()))
    {
        return Err(ProviderError::bad_request(
            ErrorCode::InvalidRequest,
            format!(
                "`address.country` `{country}` is not an ISO 3166-1 alpha-2 code such as `DE`."
            ),
        )
        .param("address[country]"));
    }
    Ok(DetailsUpdate {
        name: request
            .name
            .as_ref()
            .map(|n| Some(n.trim().to_owned()).filter(|n| !n.is_empty())),
        email,
        address: request.address.clone(),
        tax_id: request
            .tax_id
            .as_ref()
            .map(|t| Some(t.clone()).filter(|t| !t.value.trim().is_empty())),
    })
}

/// Plan `id` of the service, or `plan_not_found`.
pub fn plan<'s>(service: &'s Service, id: &str) -> ProviderResult<&'s Plan> {
    service.plan(id).ok_or_else(|| {
        ProviderError::not_found(
            ErrorCode::PlanNotFound,
            format!("No such plan in the service `{}`: `{id}`.", service.name),
        )
        .param("plan")
    })
}

/// The portal configuration decides how changes are billed and cancels happen: a
/// request may restate its choice, not override it (a customer must not pick
/// `proration_behavior=none` to upgrade for free).
pub fn configured<T: PartialEq + serde::Serialize>(
    requested: Option<T>,
    configured: T,
    param: &str,
) -> ProviderResult<T> {
    match requested {
        Some(requested) if requested != configured => Err(ProviderError::bad_request(
            ErrorCode::FeatureDisabled,
            format!(
                "`{param}` is set by the portal configuration to {}.",
                serde_json::to_string(&configured).unwrap_or_default()
            ),
        )
        .param(param)),
        _ => Ok(configured),
    }
}
