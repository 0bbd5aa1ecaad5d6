//! The embed config a host page passes to `Portico.customerPortal(target, config)`.
//!
//! Keys are Billflow's customer-portal keys (`email` | `customer_id`, `hash`,
//! `subscription_id`, `service`, `options.quantity`, `handleResponse`) plus `locale`
//! and `theme`. Parsing yields typed values or one [`ConfigError`] naming the key.
//! The widget hands us the config after a `JSON.stringify` round trip: functions vanish
//! from it, so a `handleResponse` still present is, by construction, not a function.
#![warn(clippy::arithmetic_side_effects)]

mod value;

pub use value::ConfigValue;

use crate::quantity::{Quantity, QuantityOption};
use std::collections::BTreeMap;
use std::fmt;

/// A config key and what is wrong with its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The key as the host page wrote it, e.g. `options.quantity.seat`.
    pub field: String,
    pub message: String,
}

impl ConfigError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` {}", self.field, self.message)
    }
}

impl std::error::Error for ConfigError {}

/// An email address as the host page passed it, checked for plausibility.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Email {
    as_passed: String,
}

impl Email {
    pub fn parse(value: &str) -> Result<Self, String> {
        let trimmed = value.trim();
        let invalid = || format!("`{trimmed}` is not a valid email address");
        if trimmed.is_empty() {
            return Err("must not be empty".to_owned());
        }
        if trimmed.len() > 254 || trimmed.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid());
        }
        let (local, domain) = trimmed.rsplit_once('@').ok_or_else(invalid)?;
        let domain_ok = domain.contains('.')
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        if local.is_empty() || local.len() > 64 || local.contains('@') || !domain_ok {
            return Err(invalid());
        }
        Ok(Self {
            as_passed: value.to_owned(),
        })
    }

    /// Exactly as the host page passed it: one of the two strings a `hash` may sign.
    pub fn as_passed(&self) -> &str {
        &self.as_passed
    }

    /// How customers are matched, and the other signable form: trimmed, with
    /// ASCII letters lowercased and nothing else changed: Unicode
    /// case folding would make distinct strings one identity (`"\u{212A}i@x.com"`,
    /// with the Kelvin sign, would become `"ki@x.com"`), so a hash of one would
    /// open the other.
    pub fn normalized(&self) -> String {
        self.as_passed.trim().to_ascii_lowercase()
    }
}

/// Who the customer is: an email or the SaaS's own customer id, never both.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CustomerRef {
    Email(Email),
    /// The integrator's id for the customer (Billflow's `customer_id`).
    CustomerId(String),
}

impl CustomerRef {
    /// Applies the "exactly one of `email` and `customer_id`" rule.
    pub fn from_parts(email: Option<&str>, customer_id: Option<&str>) -> Result<Self, ConfigError> {
        match (email, customer_id) {
            (Some(_), Some(_)) => Err(ConfigError::new(
                "email",
                "and `customer_id` were both given: pass exactly one of them",
            )),
            (None, None) => Err(ConfigError::new(
                "email",
                "is missing: pass `email` or `customer_id` to identify the customer",
            )),
            (Some(email), None) => Email::parse(email)
                .map(Self::Email)
                .map_err(|m| ConfigError::new("email", m)),
            (None, Some(id)) => {
                let id = id.trim();
                if id.is_empty() || id.len() > 255 || id.chars().any(char::is_control) {
                    Err(ConfigError::new(
                        "customer_id",
                        "must be 1 to 255 printable characters",
                    ))
                } else {
                    Ok(Self::CustomerId(id.to_owned()))
                }
            }
        }
    }

    /// A reference as the admin API and the CLI take it: an email if it has an
    /// `@`, else the integrator's id for the customer.
    pub fn from_reference(reference: &str) -> Result<Self, ConfigError> {
        if reference.contains('@') {
            Self::from_parts(Some(reference), None)
        } else {
            Self::from_parts(None, Some(reference))
        }
    }

    /// The strings a valid `hash` may be the HMAC of.
    pub fn signable_forms(&self) -> Vec<String> {
        match self {
            Self::Email(email) if email.as_passed() != email.normalized() => {
                vec![email.as_passed().to_owned(), email.normalized()]
            }
            Self::Email(email) => vec![email.normalized()],
            Self::CustomerId(id) => vec![id.clone()],
        }
    }

    pub fn email(&self) -> Option<&Email> {
        match self {
            Self::Email(email) => Some(email),
            Self::CustomerId(_) => None,
        }
    }

    pub fn customer_id(&self) -> Option<&str> {
        match self {
            Self::CustomerId(id) => Some(id),
            Self::Email(_) => None,
        }
    }
}

/// A Billflow `service`: which plans a page shows and in which mode.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ServiceName(String);

impl ServiceName {
    pub fn parse(value: &str) -> Result<Self, String> {
        let trimmed = value.trim();
        if trimmed.is_empty() || trimmed.len() > 100 || trimmed.chars().any(char::is_control) {
            Err("must be 1 to 100 printable characters".to_owned())
        } else {
            Ok(Self(trimmed.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ServiceName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks the shape of a `hash`: the hex of an HMAC-SHA256, in either case.
pub fn parse_hash(value: &str) -> Result<String, String> {
    let value = value.trim();
    if value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(value.to_owned())
    } else {
        Err("must be the 64 hexadecimal characters of an HMAC-SHA256".to_owned())
    }
}

/// Who the portal is for: the host page's signed claim, or a session the server
/// already opened (the hosted portal page passes it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Identity {
    Claim {
        customer: CustomerRef,
        hash: Option<String>,
        service: ServiceName,
        subscription_id: Option<String>,
    },
    /// A session token (`pst_…`); it cannot be renewed by the widget.
    Session(String),
}

/// A parsed, valid embed config.
#[derive(Clone, Debug, PartialEq)]
pub struct EmbedConfig {
    pub identity: Identity,
    pub quantity: Option<QuantityOption>,
    /// A BCP 47 tag (`de`, `fr-CA`); the widget speaks en, de, fr, es and ar and
    /// falls back to the browser's languages, then English.
    pub locale: Option<String>,
    /// Light, dark or auto, and values for the portal's CSS custom properties.
    pub theme: Option<Theme>,
}

type Object = BTreeMap<String, ConfigValue>;

impl EmbedConfig {
    /// Parses the config object, as deserialized from JSON or from a JavaScript value.
    pub fn from_value(value: ConfigValue) -> Result<Self, ConfigError> {
        match value {
            ConfigValue::Object(map) => Self::from_map(&map),
            _ => Err(ConfigError::new("config", "must be an object")),
        }
    }

    fn from_map(map: &Object) -> Result<Self, ConfigError> {
        if present(map, "handleResponse").is_some() {
            return Err(ConfigError::new("handleResponse", "must be a function"));
        }
        let identity = match optional_string(map, "session")? {
            Some(token) => {
                if let Some(key) = ["email", "customer_id", "hash", "service", "subscription_id"]
                    .into_iter()
                    .find(|key| present(map, key).is_some())
                {
                    return Err(ConfigError::new(
                        key,
                        "cannot be combined with `session`: the session already says who the customer is",
                    ));
                }
                Identity::Session(token.trim().to_owned())
            }
            None => parse_claim(map)?,
        };
        let quantity = match present(map, "options") {
            None => None,
            Some(ConfigValue::Object(options)) => parse_quantity(options)?,
            Some(_) => return Err(ConfigError::new("options", "must be an object")),
        };
        let locale = optional_string(map, "locale")?.map(str::to_owned);
        let theme = match present(map, "theme") {
            None => None,
            Some(ConfigValue::Object(theme)) => Some(theme::parse_theme(theme)?),
            Some(_) => return Err(ConfigError::new("theme", "must be an object")),
        };
        Ok(Self {
            identity,
            quantity,
            locale,
            theme,
        })
    }
}

fn parse_claim(map: &Object) -> Result<Identity, ConfigError> {
    let email = optional_string(map, "email")?;
    let customer_id = optional_string(map, "customer_id")?;
    let customer = CustomerRef::from_parts(email, customer_id)?;
    let service = optional_string(map, "service")?
        .ok_or_else(|| ConfigError::new("service", "is missing: name the service to show"))?;
    let service = ServiceName::parse(service).map_err(|m| ConfigError::new("service", m))?;
    let hash = optional_string(map, "hash")?
        .map(|h| parse_hash(h).map_err(|m| ConfigError::new("hash", m)))
        .transpose()?;
    let subscription_id = optional_string(map, "subscription_id")?
        .map(|s| match s.trim() {
            "" => Err(ConfigError::new("subscription_id", "must not be empty")),
            s => Ok(s.to_owned()),
        })
        .transpose()?;
    Ok(Identity::Claim {
        customer,
        hash,
        subscription_id,
        service,
    })
}

/// A key's value, treating `null` as absent.
fn present<'a>(map: &'a Object, key: &str) -> Option<&'a ConfigValue> {
    map.get(key).filter(|v| **v != ConfigValue::Null)
}

fn optional_string<'a>(map: &'a Object, key: &str) -> Result<Option<&'a str>, ConfigError> {
    match present(map, key) {
        None => Ok(None),
        Some(ConfigValue::String(s)) => Ok(Some(s)),
        Some(other) => Err(ConfigError::new(
            key,
            format!("must be a string, not {}", other.describe()),
        )),
    }
}

fn parse_quantity(options: &Object) -> Result<Option<QuantityOption>, ConfigError> {
    const FIELD: &str = "options.quantity";
    match present(options, "quantity") {
        None => Ok(None),
        Some(ConfigValue::Object(by_label)) => {
            let mut parsed = BTreeMap::new();
            for (label, value) in by_label {
                let quantity = parse_positive(value)
                    .map_err(|m| ConfigError::new(format!("{FIELD}.{label}"), m))?;
                parsed.insert(label.clone(), quantity);
            }
            Ok(Some(QuantityOption::PerUnitLabel(parsed)))
        }
        Some(value) => parse_positive(value)
            .map(|q| Some(QuantityOption::All(q)))
            .map_err(|m| {
                ConfigError::new(
                    FIELD,
                    format!("{m}, or an object of unit_label to positive integer"),
                )
            }),
    }
}

fn parse_positive(value: &ConfigValue) -> Result<Quantity, String> {
    match value.as_u64() {
        Some(n) => Quantity::new(n),
        None => Err(format!(
            "must be a positive integer, not {}",
            value.describe()
        )),
    }
}

mod theme;
pub use theme::{THEME_KEYS, Theme, ThemeMode};

#[cfg(test)]
mod tests;
