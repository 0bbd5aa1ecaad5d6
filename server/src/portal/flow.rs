//! Deep links (`flow_data`): which flow a hosted portal session opens in, checked
//! against the configuration's features and the customer's subscription.

use super::ParamError;
use super::configuration::parse_url;
use portico_wire::billing_portal::Features;
use portico_wire::billing_portal::Flow;
use portico_wire::billing_portal::params::Field;
use portico_wire::billing_portal::session::{
    AfterCompletion, AfterCompletionType, FlowDataParams, FlowType, HostedConfirmation, Redirect,
    UpdateConfirm, UpdateConfirmItem,
};

const MAX_CUSTOM_MESSAGE: usize = 500;

/// What the flow needs to know of the subscription it names.
#[derive(Debug, Clone)]
pub struct FlowSubscription {
    pub id: String,
    /// Canceled or ended: nothing left to update or cancel.
    pub ended: bool,
    /// `(si_…, product)` of each item.
    pub items: Vec<(String, String)>,
}

/// Validates `flow_data`. `subscription` is what the store found for the id the
/// flow names (`None`: not the customer's, or no such subscription); `plan_sells`
/// says whether a plan of the service sells a product.
pub fn build(
    params: FlowDataParams,
    features: &Features,
    subscription: Option<&FlowSubscription>,
    plan_allowed: impl Fn(&str) -> bool,
) -> Result<Flow, ParamError> {
    let feature_off = |name: &str| {
        ParamError::invalid(
            "flow_data[type]",
            format!("The configuration turns `features[{name}]` off, so this flow cannot be used."),
        )
    };
    let named = [
        (
            "subscription_cancel",
            params.subscription_cancel.is_some(),
            FlowType::SubscriptionCancel,
        ),
        (
            "subscription_update",
            params.subscription_update.is_some(),
            FlowType::SubscriptionUpdate,
        ),
        (
            "subscription_update_confirm",
            params.subscription_update_confirm.is_some(),
            FlowType::SubscriptionUpdateConfirm,
        ),
    ];
    for (name, given, kind) in named {
        if given && kind != params.kind {
            return Err(ParamError::invalid(
                format!("flow_data[{name}]"),
                format!("`flow_data[{name}]` belongs to the `{name}` flow, not this one."),
            ));
        }
        if !given && kind == params.kind {
            return Err(ParamError::missing(format!("flow_data[{name}]")));
        }
    }
    match params.kind {
        FlowType::PaymentMethodUpdate if !features.payment_method_update.enabled => {
            return Err(feature_off("payment_method_update"));
        }
        FlowType::SubscriptionCancel if !features.subscription_cancel.enabled => {
            return Err(feature_off("subscription_cancel"));
        }
        FlowType::SubscriptionUpdate | FlowType::SubscriptionUpdateConfirm
            if !features.subscription_update.enabled =>
        {
            return Err(feature_off("subscription_update"));
        }
        _ => {}
    }
    let mut confirm = None;
    if let Some(named) = params.subscription() {
        let param = format!("flow_data[{}][subscription]", flow_key(params.kind));
        let subscription = subscription.filter(|s| s.id == named).ok_or_else(|| {
            ParamError::missing_resource(
                &param,
                format!("No such subscription: '{named}' for this customer."),
            )
        })?;
        if subscription.ended {
            return Err(ParamError::invalid(
                param,
                format!(
                    "The subscription '{named}' is canceled; it cannot be updated or canceled."
                ),
            ));
        }
        if let Some(request) = &params.subscription_update_confirm {
            confirm = Some(update_confirm(request, subscription, &plan_allowed)?);
        }
    }
    Ok(Flow {
        after_completion: after_completion(params.after_completion)?,
        subscription_cancel: params.subscription_cancel,
        subscription_update: params.subscription_update,
        subscription_update_confirm: confirm,
        kind: params.kind,
    })
}

fn flow_key(kind: FlowType) -> &'static str {
    match kind {
        FlowType::PaymentMethodUpdate => "payment_method_update",
        FlowType::SubscriptionCancel => "subscription_cancel",
        FlowType::SubscriptionUpdate => "subscription_update",
        FlowType::SubscriptionUpdateConfirm => "subscription_update_confirm",
    }
}

fn update_confirm(
    request: &portico_wire::billing_portal::session::UpdateConfirmParams,
    subscription: &FlowSubscription,
    plan_allowed: &impl Fn(&str) -> bool,
) -> Result<UpdateConfirm, ParamError> {
    const PARAM: &str = "flow_data[subscription_update_confirm][items]";
    if request.items.is_empty() {
        return Err(ParamError::missing(PARAM));
    }
    let mut items = Vec::with_capacity(request.items.len());
    for (i, item) in request.items.iter().enumerate() {
        if !subscription.items.iter().any(|(id, _)| *id == item.id) {
            return Err(ParamError::missing_resource(
                format!("{PARAM}[{i}][id]"),
                format!(
                    "No such subscription item: '{}' on '{}'.",
                    item.id, subscription.id
                ),
            ));
        }
        if let Some(plan) = &item.price
            && !plan_allowed(plan)
        {
            return Err(ParamError::invalid(
                format!("{PARAM}[{i}][price]"),
                format!("`{plan}` is not a plan this configuration lets the customer switch to."),
            ));
        }
        if item.quantity == Some(0) {
            return Err(ParamError::invalid(
                format!("{PARAM}[{i}][quantity]"),
                "The quantity must be at least 1.",
            ));
        }
        items.push(UpdateConfirmItem {
            id: item.id.clone(),
            price: item.price.clone(),
            quantity: item.quantity,
        });
    }
    Ok(UpdateConfirm {
        discounts: Vec::new(),
        items,
        subscription: subscription.id.clone(),
    })
}

fn after_completion(
    params: Option<portico_wire::billing_portal::session::AfterCompletionParams>,
) -> Result<AfterCompletion, ParamError> {
    let Some(params) = params else {
        return Ok(AfterCompletion {
            hosted_confirmation: None,
            redirect: None,
            kind: AfterCompletionType::PortalHomepage,
        });
    };
    if params.kind != AfterCompletionType::Redirect && params.redirect.is_some() {
        return Err(ParamError::invalid(
            "flow_data[after_completion][redirect]",
            "`redirect` is only for `after_completion[type]=redirect`.",
        ));
    }
    let mut done = AfterCompletion {
        hosted_confirmation: None,
        redirect: None,
        kind: params.kind,
    };
    match params.kind {
        AfterCompletionType::Redirect => {
            let redirect = params
                .redirect
                .ok_or_else(|| ParamError::missing("flow_data[after_completion][redirect]"))?;
            let url = parse_url(
                "flow_data[after_completion][redirect][return_url]",
                &redirect.return_url,
            )?;
            done.redirect = Some(Redirect { return_url: url });
        }
        AfterCompletionType::HostedConfirmation => {
            let message = params.hosted_confirmation.and_then(|h| h.custom_message);
            if message
                .as_ref()
                .is_some_and(|m| m.chars().count() > MAX_CUSTOM_MESSAGE)
            {
                return Err(ParamError::invalid(
                    "flow_data[after_completion][hosted_confirmation][custom_message]",
                    format!("The message must be at most {MAX_CUSTOM_MESSAGE} characters."),
                ));
            }
            done.hosted_confirmation = Some(HostedConfirmation {
                custom_message: message,
            });
        }
        AfterCompletionType::PortalHomepage => {}
    }
    Ok(done)
}

/// A session `locale`: `auto`, or a language tag such as `fr` or `pt-BR`.
pub fn locale(field: Field<String>) -> Result<Option<String>, ParamError> {
    match field {
        Field::Absent | Field::Clear => Ok(None),
        Field::Set(tag) => {
            let ok = tag == "auto"
                || tag.split('-').enumerate().all(|(i, part)| {
                    (if i == 0 { 2..=3 } else { 2..=4 }).contains(&part.len())
                        && part.chars().all(|c| c.is_ascii_alphanumeric())
                });
            if ok {
                Ok(Some(tag))
            } else {
                Err(ParamError::invalid(
                    "locale",
                    format!(
                        "`{tag}` is not a locale: pass `auto` or a language tag such as `fr` or `pt-BR`."
                    ),
                ))
            }
        }
    }
}
