//! Creating and updating a portal configuration from Stripe's parameters: pure,
//! checked against the catalog, every error naming its parameter.

use super::ParamError;
use crate::catalog::{Catalog, Mode};
use portico_wire::actions::CancellationFeedback;
use portico_wire::billing_portal::configuration::{CONFIGURATION_OBJECT, LoginPage, ProductPrices};
use portico_wire::billing_portal::params::{
    BusinessProfileParams, ConfigurationParams, FeaturesParams, Field,
};
use portico_wire::billing_portal::{BusinessProfile, Configuration, Features};
use std::collections::BTreeMap;

const MAX_HEADLINE: usize = 60;
const MAX_METADATA_KEYS: usize = 50;
const MAX_METADATA_KEY: usize = 40;
const MAX_METADATA_VALUE: usize = 500;

/// The configuration every mode starts with: the portal as the widget offers it
/// when nobody configured anything.
pub fn default_for(mode: Mode, id: String, now: i64) -> Configuration {
    Configuration {
        is_default: true,
        features: Features::everything(),
        ..blank(mode, id, now)
    }
}

fn blank(mode: Mode, id: String, now: i64) -> Configuration {
    Configuration {
        id,
        object: CONFIGURATION_OBJECT.to_owned(),
        active: true,
        application: None,
        business_profile: BusinessProfile::default(),
        created: now,
        default_return_url: None,
        features: Features::disabled(),
        is_default: false,
        livemode: mode.is_live(),
        login_page: LoginPage {
            enabled: false,
            url: None,
        },
        metadata: BTreeMap::new(),
        updated: now,
    }
}

/// `POST /v1/billing_portal/configurations`.
pub fn create(
    params: ConfigurationParams,
    catalog: &Catalog,
    mode: Mode,
    id: String,
    now: i64,
) -> Result<Configuration, ParamError> {
    if params.active.is_some() {
        return Err(ParamError::unknown("active"));
    }
    let Some(features) = &params.features else {
        return Err(ParamError::missing("features"));
    };
    require_enabled(features)?;
    let mut configuration = blank(mode, id, now);
    apply(&mut configuration, params, catalog)?;
    Ok(configuration)
}

/// `POST /v1/billing_portal/configurations/{id}`: what is not passed stays.
pub fn update(
    mut configuration: Configuration,
    params: ConfigurationParams,
    catalog: &Catalog,
    now: i64,
) -> Result<Configuration, ParamError> {
    if params.active == Some(false) && configuration.is_default {
        return Err(ParamError::invalid(
            "active",
            "The default configuration cannot be deactivated: sessions created without `configuration` use it.",
        ));
    }
    if let Some(active) = params.active {
        configuration.active = active;
    }
    apply(&mut configuration, params, catalog)?;
    configuration.updated = now;
    Ok(configuration)
}

/// On create, each feature passed must say whether it is on.
fn require_enabled(features: &FeaturesParams) -> Result<(), ParamError> {
    let missing = [
        (
            "customer_update",
            features.customer_update.as_ref().map(|f| f.enabled),
        ),
        (
            "invoice_history",
            features.invoice_history.as_ref().map(|f| f.enabled),
        ),
        (
            "payment_method_update",
            features.payment_method_update.as_ref().map(|f| f.enabled),
        ),
        (
            "subscription_cancel",
            features.subscription_cancel.as_ref().map(|f| f.enabled),
        ),
        (
            "subscription_update",
            features.subscription_update.as_ref().map(|f| f.enabled),
        ),
    ]
    .into_iter()
    .find(|(_, enabled)| matches!(enabled, Some(None)));
    match missing {
        Some((name, _)) => Err(ParamError::missing(format!("features[{name}][enabled]"))),
        None => Ok(()),
    }
}

fn apply(
    configuration: &mut Configuration,
    params: ConfigurationParams,
    catalog: &Catalog,
) -> Result<(), ParamError> {
    if let Some(profile) = params.business_profile {
        apply_business_profile(&mut configuration.business_profile, profile)?;
    }
    url_field(
        params.default_return_url,
        "default_return_url",
        &mut configuration.default_return_url,
    )?;
    if let Some(login_page) = params.login_page
        && login_page.enabled == Some(true)
    {
        return Err(ParamError::invalid(
            "login_page[enabled]",
            "Portico has no login page (it would have to email customers a link): create portal sessions from your backend instead.",
        ));
    }
    if let Some(features) = params.features {
        apply_features(
            &mut configuration.features,
            features,
            catalog,
            configuration.livemode,
        )?;
    }
    apply_metadata(&mut configuration.metadata, params.metadata)
}

fn apply_business_profile(
    profile: &mut BusinessProfile,
    params: BusinessProfileParams,
) -> Result<(), ParamError> {
    match params.headline {
        Field::Set(headline) if headline.chars().count() > MAX_HEADLINE => {
            return Err(ParamError::invalid(
                "business_profile[headline]",
                format!("The headline must be at most {MAX_HEADLINE} characters."),
            ));
        }
        Field::Set(headline) => profile.headline = Some(headline),
        Field::Clear => profile.headline = None,
        Field::Absent => {}
    }
    url_field(
        params.privacy_policy_url,
        "business_profile[privacy_policy_url]",
        &mut profile.privacy_policy_url,
    )?;
    url_field(
        params.terms_of_service_url,
        "business_profile[terms_of_service_url]",
        &mut profile.terms_of_service_url,
    )
}

fn url_field(
    field: Field<String>,
    param: &str,
    target: &mut Option<String>,
) -> Result<(), ParamError> {
    match field {
        Field::Absent => {}
        Field::Clear => *target = None,
        Field::Set(value) => *target = Some(parse_url(param, &value)?),
    }
    Ok(())
}

/// An absolute `http`/`https` URL, as customers' browsers will follow it.
pub fn parse_url(param: &str, value: &str) -> Result<String, ParamError> {
    let invalid = || {
        ParamError::invalid(
            param,
            format!("Invalid URL: `{value}` must be an absolute http or https URL."),
        )
    };
    let parsed = url::Url::parse(value.trim()).map_err(|_| invalid())?;
    if !matches!(parsed.scheme(), "http" | "https")
        || parsed.host_str().is_none()
        || value.len() > 5000
    {
        return Err(invalid());
    }
    Ok(parsed.to_string())
}

fn apply_features(
    features: &mut Features,
    params: FeaturesParams,
    catalog: &Catalog,
    livemode: bool,
) -> Result<(), ParamError> {
    if let Some(p) = params.customer_update {
        let f = &mut features.customer_update;
        f.enabled = p.enabled.unwrap_or(f.enabled);
        p.allowed_updates.apply_to(&mut f.allowed_updates);
        f.allowed_updates.sort();
        f.allowed_updates.dedup();
    }
    if let Some(enabled) = params.invoice_history.and_then(|p| p.enabled) {
        features.invoice_history.enabled = enabled;
    }
    if let Some(enabled) = params.payment_method_update.and_then(|p| p.enabled) {
        features.payment_method_update.enabled = enabled;
    }
    if let Some(p) = params.subscription_cancel {
        let f = &mut features.subscription_cancel;
        f.enabled = p.enabled.unwrap_or(f.enabled);
        f.mode = p.mode.unwrap_or(f.mode);
        f.proration_behavior = p.proration_behavior.unwrap_or(f.proration_behavior);
        if let Some(reason) = p.cancellation_reason {
            let r = &mut f.cancellation_reason;
            r.enabled = reason.enabled.unwrap_or(r.enabled);
            reason.options.apply_to(&mut r.options);
            if let Some(unknown) = r.options.iter().find_map(|o| match o {
                CancellationFeedback::Unknown(value) => Some(value.clone()),
                _ => None,
            }) {
                return Err(ParamError::invalid(
                    "features[subscription_cancel][cancellation_reason][options]",
                    format!(
                        "`{unknown}` is not a cancellation reason: use customer_service, low_quality, missing_features, other, switched_service, too_complex, too_expensive or unused."
                    ),
                ));
            }
            if r.enabled && r.options.is_empty() {
                return Err(ParamError::missing(
                    "features[subscription_cancel][cancellation_reason][options]",
                ));
            }
        }
    }
    if let Some(p) = params.subscription_update {
        let f = &mut features.subscription_update;
        f.enabled = p.enabled.unwrap_or(f.enabled);
        f.proration_behavior = p.proration_behavior.unwrap_or(f.proration_behavior);
        p.default_allowed_updates
            .apply_to(&mut f.default_allowed_updates);
        match p.products {
            Field::Absent => {}
            Field::Clear => f.products.clear(),
            Field::Set(products) => {
                f.products = Vec::with_capacity(products.len());
                for (i, entry) in products.into_iter().enumerate() {
                    let param = format!("features[subscription_update][products][{i}]");
                    check_product(catalog, livemode, &param, &entry.product, &entry.prices)?;
                    f.products.push(ProductPrices {
                        product: entry.product,
                        prices: entry.prices,
                    });
                }
            }
        }
    }
    Ok(())
}

/// The product must be sold by a plan of this mode, and each price must be such a
/// plan (Portico's plans play Stripe's prices).
fn check_product(
    catalog: &Catalog,
    livemode: bool,
    param: &str,
    product: &str,
    prices: &[String],
) -> Result<(), ParamError> {
    let plans: Vec<_> = catalog
        .services()
        .filter(|s| s.mode.is_live() == livemode)
        .flat_map(|s| &s.plans)
        .filter(|plan| plan.items.iter().any(|item| item.product.id == product))
        .collect();
    if plans.is_empty() {
        return Err(ParamError::missing_resource(
            format!("{param}[product]"),
            format!("No such product: '{product}'."),
        ));
    }
    if prices.is_empty() {
        return Err(ParamError::missing(format!("{param}[prices]")));
    }
    for (j, price) in prices.iter().enumerate() {
        if !plans.iter().any(|plan| &plan.id == price) {
            return Err(ParamError::invalid(
                format!("{param}[prices][{j}]"),
                format!("`{price}` is not a plan that sells the product `{product}`."),
            ));
        }
    }
    Ok(())
}

fn apply_metadata(
    metadata: &mut BTreeMap<String, String>,
    field: Field<BTreeMap<String, Option<String>>>,
) -> Result<(), ParamError> {
    let changes = match field {
        Field::Absent => return Ok(()),
        Field::Clear => {
            metadata.clear();
            return Ok(());
        }
        Field::Set(changes) => changes,
    };
    for (key, value) in changes {
        let param = format!("metadata[{key}]");
        if key.is_empty() || key.chars().count() > MAX_METADATA_KEY {
            return Err(ParamError::invalid(
                param,
                format!("Metadata keys must be 1 to {MAX_METADATA_KEY} characters."),
            ));
        }
        match value.filter(|v| !v.is_empty()) {
            None => {
                metadata.remove(&key);
            }
            Some(value) if value.chars().count() > MAX_METADATA_VALUE => {
                return Err(ParamError::invalid(
                    param,
                    format!("Metadata values must be at most {MAX_METADATA_VALUE} characters."),
                ));
            }
            Some(value) => {
                metadata.insert(key, value);
            }
        }
    }
    if metadata.len() > MAX_METADATA_KEYS {
        return Err(ParamError::invalid(
            "metadata",
            format!("An object can have at most {MAX_METADATA_KEYS} metadata keys."),
        ));
    }
    Ok(())
}
