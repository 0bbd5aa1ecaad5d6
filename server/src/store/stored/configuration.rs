//! `portal_configurations.body`: a whole portal configuration (`bpc_…`), in the
//! shape of Stripe's `billing_portal.configuration` it was first written in.

use super::features::StoredFeatures;
use portico_wire::billing_portal::configuration::LoginPage;
use portico_wire::billing_portal::{BusinessProfile, Configuration};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct StoredConfiguration {
    id: String,
    object: String,
    active: bool,
    application: Option<String>,
    business_profile: StoredBusinessProfile,
    created: i64,
    default_return_url: Option<String>,
    features: StoredFeatures,
    is_default: bool,
    livemode: bool,
    login_page: StoredLoginPage,
    metadata: BTreeMap<String, String>,
    updated: i64,
}

#[derive(Debug, Serialize, Deserialize)]
struct StoredBusinessProfile {
    headline: Option<String>,
    privacy_policy_url: Option<String>,
    terms_of_service_url: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct StoredLoginPage {
    enabled: bool,
    url: Option<String>,
}

impl TryFrom<&Configuration> for StoredConfiguration {
    type Error = String;

    fn try_from(configuration: &Configuration) -> Result<Self, String> {
        let Configuration {
            id,
            object,
            active,
            application,
            business_profile,
            created,
            default_return_url,
            features,
            is_default,
            livemode,
            login_page,
            metadata,
            updated,
        } = configuration;
        Ok(Self {
            id: id.clone(),
            object: object.clone(),
            active: *active,
            application: application.clone(),
            business_profile: StoredBusinessProfile {
                headline: business_profile.headline.clone(),
                privacy_policy_url: business_profile.privacy_policy_url.clone(),
                terms_of_service_url: business_profile.terms_of_service_url.clone(),
            },
            created: *created,
            default_return_url: default_return_url.clone(),
            features: StoredFeatures::try_from(features)?,
            is_default: *is_default,
            livemode: *livemode,
            login_page: StoredLoginPage {
                enabled: login_page.enabled,
                url: login_page.url.clone(),
            },
            metadata: metadata.clone(),
            updated: *updated,
        })
    }
}

impl From<StoredConfiguration> for Configuration {
    fn from(stored: StoredConfiguration) -> Self {
        Self {
            id: stored.id,
            object: stored.object,
            active: stored.active,
            application: stored.application,
            business_profile: BusinessProfile {
                headline: stored.business_profile.headline,
                privacy_policy_url: stored.business_profile.privacy_policy_url,
                terms_of_service_url: stored.business_profile.terms_of_service_url,
            },
            created: stored.created,
            default_return_url: stored.default_return_url,
            features: stored.features.into(),
            is_default: stored.is_default,
            livemode: stored.livemode,
            login_page: LoginPage {
                enabled: stored.login_page.enabled,
                url: stored.login_page.url,
            },
            metadata: stored.metadata,
            updated: stored.updated,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Mode;
    use crate::portal::configuration::default_for;
    use serde_json::{Value, json};

    const NOW: i64 = 1_700_000_000;

    /// Reads `json` as a stored configuration, converts it to the API's and back,
    /// and checks it is written again exactly as it was read.
    fn round_trip(json: Value) -> Configuration {
        let stored: StoredConfiguration = serde_json::from_value(json.clone()).unwrap();
        let configuration = Configuration::from(stored);
        let written =
            serde_json::to_value(StoredConfiguration::try_from(&configuration).unwrap()).unwrap();
        assert_eq!(written, json);
        configuration
    }

    #[test]
    fn the_default_configuration_is_stored_as_today() {
        let configuration = round_trip(json!({
            "id": "bpc_test",
            "object": "billing_portal.configuration",
            "active": true,
            "application": null,
            "business_profile": {
                "headline": null,
                "privacy_policy_url": null,
                "terms_of_service_url": null,
            },
            "created": NOW,
            "default_return_url": null,
            "features": {
                "customer_update": {
                    "allowed_updates": ["email", "address", "tax_id", "name"],
                    "enabled": true,
                },
                "invoice_history": {"enabled": true},
                "payment_method_update": {"enabled": true},
                "subscription_cancel": {
                    "cancellation_reason": {
                        "enabled": true,
                        "options": [
                            "too_expensive",
                            "missing_features",
                            "switched_service",
                            "unused",
                            "customer_service",
                            "too_complex",
                            "low_quality",
                            "other",
                        ],
                    },
                    "enabled": true,
                    "mode": "at_period_end",
                    "proration_behavior": "none",
                },
                "subscription_update": {
                    "default_allowed_updates": ["price", "quantity"],
                    "enabled": true,
                    "products": [],
                    "proration_behavior": "create_prorations",
                },
            },
            "is_default": true,
            "livemode": false,
            "login_page": {"enabled": false, "url": null},
            "metadata": {},
            "updated": NOW,
        }));
        assert_eq!(
            configuration,
            default_for(Mode::Test, "bpc_test".to_owned(), NOW)
        );
    }

    #[test]
    fn every_stored_choice_keeps_its_name() {
        let configuration = round_trip(json!({
            "id": "bpc_live",
            "object": "billing_portal.configuration",
            "active": false,
            "application": null,
            "business_profile": {
                "headline": "Acme billing",
                "privacy_policy_url": "https://acme.example/privacy",
                "terms_of_service_url": "https://acme.example/terms",
            },
            "created": NOW,
            "default_return_url": "https://acme.example/account",
            "features": {
                "customer_update": {
                    "allowed_updates": ["phone", "shipping"],
                    "enabled": false,
                },
                "invoice_history": {"enabled": false},
                "payment_method_update": {"enabled": true},
                "subscription_cancel": {
                    "cancellation_reason": {
                        "enabled": true,
                        "options": ["other", "a_reason_from_elsewhere"],
                    },
                    "enabled": true,
                    "mode": "immediately",
                    "proration_behavior": "always_invoice",
                },
                "subscription_update": {
                    "default_allowed_updates": ["promotion_code"],
                    "enabled": true,
                    "products": [{"product": "seats", "prices": ["team", "scale"]}],
                    "proration_behavior": "none",
                },
            },
            "is_default": false,
            "livemode": true,
            "login_page": {"enabled": true, "url": "https://billing.acme.example/p/login"},
            "metadata": {"owner": "finance", "tier": "gold"},
            "updated": NOW + 60,
        }));
        let cancel = &configuration.features.subscription_cancel;
        assert_eq!(
            cancel.cancellation_reason.options[1],
            portico_wire::actions::CancellationFeedback::Unknown("a_reason_from_elsewhere".into())
        );
        assert_eq!(configuration.metadata["tier"], "gold");
        let products = &configuration.features.subscription_update.products;
        assert_eq!(products[0].prices, ["team", "scale"]);
    }
}
