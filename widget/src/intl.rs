//! Money and dates in the portal's locale, by the browser's `Intl` (which every
//! browser ships, so the wasm carries no locale data). Natively — in the plain Rust
//! tests — the locale-free renderings of `format` stand in.

use crate::format;
use crate::i18n::Locale;
use portico_wire::Money;
use portico_wire::wallet::Credits;

/// `$12.50`, `12,50 €`, `١٢٫٥٠ US$`…
pub fn money(locale: Locale, value: &Money) -> String {
    #[cfg(target_arch = "wasm32")]
    if let Some(text) = browser::money(locale, value) {
        return text;
    }
    let _ = locale;
    format::money(value)
}

/// An amount of credits with its two decimals: `1,250.00`, `1.250,00`…
pub fn credits(locale: Locale, value: Credits) -> String {
    #[cfg(target_arch = "wasm32")]
    if let Some(text) = browser::credits(locale, value) {
        return text;
    }
    let _ = locale;
    value.to_string()
}

/// A whole number with the locale's grouping: `2,500`, `2.500`, `٢٬٥٠٠`…
pub fn number(locale: Locale, value: i64) -> String {
    #[cfg(target_arch = "wasm32")]
    if let Some(text) = browser::number(locale, value) {
        return text;
    }
    let _ = locale;
    value.to_string()
}

/// A Unix time as a date and hour in UTC, for hourly buckets.
pub fn date_hour(locale: Locale, unix_seconds: i64) -> String {
    #[cfg(target_arch = "wasm32")]
    if let Some(text) = browser::date_hour(locale, unix_seconds) {
        return text;
    }
    let _ = locale;
    format::date_hour(unix_seconds)
}

/// A Unix time as a date in UTC: `Dec 22, 2026`, `22.12.2026`…
pub fn date(locale: Locale, unix_seconds: i64) -> String {
    #[cfg(target_arch = "wasm32")]
    if let Some(text) = browser::date(locale, unix_seconds) {
        return text;
    }
    let _ = locale;
    format::date(unix_seconds)
}

#[cfg(target_arch = "wasm32")]
mod browser {
    use super::Locale;
    use js_sys::{Array, Intl, Object, Reflect};
    use portico_wire::Money;
    use portico_wire::wallet::Credits;
    use wasm_bindgen::JsValue;

    fn options(pairs: &[(&str, &str)]) -> Option<Object> {
        let options = Object::new();
        for (key, value) in pairs {
            Reflect::set(&options, &(*key).into(), &(*value).into()).ok()?;
        }
        Some(options)
    }

    pub fn money(locale: Locale, value: &Money) -> Option<String> {
        let currency = value.currency.as_str().to_ascii_uppercase();
        let options = options(&[("style", "currency"), ("currency", &currency)])?;
        let formatter = Intl::NumberFormat::new(&Array::of1(&locale.tag().into()), &options);
        // The amount as an exact decimal string: Intl reads it without a float.
        let plain = value.to_plain_string();
        let decimal = plain.split_once(' ').map_or(plain.as_str(), |(_, n)| n);
        formatter
            .format()
            .call1(&formatter, &JsValue::from_str(decimal))
            .ok()?
            .as_string()
    }

    pub fn credits(locale: Locale, value: Credits) -> Option<String> {
        let options = options(&[
            ("minimumFractionDigits", "2"),
            ("maximumFractionDigits", "2"),
        ])?;
        let formatter = Intl::NumberFormat::new(&Array::of1(&locale.tag().into()), &options);
        formatter
            .format()
            .call1(&formatter, &JsValue::from_str(&value.to_string()))
            .ok()?
            .as_string()
    }

    pub fn number(locale: Locale, value: i64) -> Option<String> {
        let formatter = Intl::NumberFormat::new(&Array::of1(&locale.tag().into()), &Object::new());
        // As a decimal string, so no value is rounded through a float.
        formatter
            .format()
            .call1(&formatter, &JsValue::from_str(&value.to_string()))
            .ok()?
            .as_string()
    }

    pub fn date_hour(locale: Locale, unix_seconds: i64) -> Option<String> {
        let options = options(&[
            ("dateStyle", "medium"),
            ("timeStyle", "short"),
            ("timeZone", "UTC"),
        ])?;
        let formatter = Intl::DateTimeFormat::new(&Array::of1(&locale.tag().into()), &options);
        let at = js_sys::Date::new(&JsValue::from_f64(unix_seconds as f64 * 1000.0));
        formatter.format().call1(&formatter, &at).ok()?.as_string()
    }

    pub fn date(locale: Locale, unix_seconds: i64) -> Option<String> {
        let options = options(&[("dateStyle", "medium"), ("timeZone", "UTC")])?;
        let formatter = Intl::DateTimeFormat::new(&Array::of1(&locale.tag().into()), &options);
        let at = js_sys::Date::new(&JsValue::from_f64(unix_seconds as f64 * 1000.0));
        formatter.format().call1(&formatter, &at).ok()?.as_string()
    }
}
