//! `theme` in the embed config: light, dark or the visitor's preference, and values
//! for the portal's documented CSS custom properties.
#![warn(clippy::arithmetic_side_effects)]

use super::{ConfigError, ConfigValue, Object};
use std::collections::BTreeMap;

/// The theme keys, each setting the custom property `--portico-{key}`.
pub const THEME_KEYS: [&str; 12] = [
    "accent",
    "accent-text",
    "text",
    "muted",
    "surface",
    "border",
    "good",
    "bad",
    "info",
    "radius",
    "font",
    "space",
];

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ThemeMode {
    /// The default: a host page is light unless it says otherwise.
    #[default]
    Light,
    Dark,
    /// Follow the visitor's `prefers-color-scheme` (for pages that do too).
    Auto,
}

impl ThemeMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Light => "light",
            Self::Dark => "dark",
            Self::Auto => "auto",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Theme {
    pub mode: ThemeMode,
    /// Custom property name (`--portico-accent`) → CSS value.
    pub properties: BTreeMap<String, String>,
}

pub(super) fn parse_theme(theme: &Object) -> Result<Theme, ConfigError> {
    let mut parsed = Theme::default();
    for (name, value) in theme {
        let key = format!("theme.{name}");
        let ConfigValue::String(css) = value else {
            return Err(ConfigError::new(
                key,
                format!("must be a string, not {}", value.describe()),
            ));
        };
        if name == "mode" {
            parsed.mode = match css.as_str() {
                "light" => ThemeMode::Light,
                "dark" => ThemeMode::Dark,
                "auto" => ThemeMode::Auto,
                _ => return Err(ConfigError::new(key, "must be `light`, `dark` or `auto`")),
            };
            continue;
        }
        let property = name.replace('_', "-");
        if !THEME_KEYS.contains(&property.as_str()) {
            return Err(ConfigError::new(
                key,
                format!(
                    "is not a theme key; the keys are mode, {}",
                    THEME_KEYS.join(", ")
                ),
            ));
        }
        // A value is one CSS value: nothing that could end the declaration.
        if css.trim().is_empty() || css.contains([';', '{', '}', '<', '>']) || css.len() > 200 {
            return Err(ConfigError::new(
                key,
                "must be a single CSS value such as `#3b4fd8`, `8px` or `Inter, sans-serif`",
            ));
        }
        parsed
            .properties
            .insert(format!("--portico-{property}"), css.trim().to_owned());
    }
    Ok(parsed)
}
