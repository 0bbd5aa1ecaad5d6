//! `ConfigValue`: the config object as any serde deserializer presents it — a JSON
//! string natively, a JavaScript object in the widget (serde-wasm-bindgen) — so
//! parsing can name the key at fault and the wasm needs no JSON parser of its own.
#![warn(clippy::arithmetic_side_effects)]

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub enum ConfigValue {
    Null,
    Bool(bool),
    /// Whole numbers, whichever sign; JavaScript numbers without a fraction arrive here.
    Integer(i64),
    Float(f64),
    String(String),
    Array(Vec<ConfigValue>),
    Object(BTreeMap<String, ConfigValue>),
}

impl ConfigValue {
    /// A non-negative whole number, however the source typed it.
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            Self::Integer(n) => u64::try_from(n).ok(),
            Self::Float(f) if f >= 0.0 && f.fract() == 0.0 && f <= u64::MAX as f64 => {
                Some(f as u64)
            }
            _ => None,
        }
    }

    /// How a message names this value: integers and short strings verbatim,
    /// anything else by its kind.
    pub fn describe(&self) -> String {
        match self {
            Self::Null => "null".into(),
            Self::Bool(b) => b.to_string(),
            Self::Integer(n) => n.to_string(),
            Self::Float(_) => "a fractional number".into(),
            Self::String(s) if s.chars().count() <= 40 => format!("the string \"{s}\""),
            Self::String(_) => "a string".into(),
            Self::Array(_) => "an array".into(),
            Self::Object(_) => "an object".into(),
        }
    }
}

impl<'de> Deserialize<'de> for ConfigValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ConfigValueVisitor)
    }
}

struct ConfigValueVisitor;

impl<'de> Visitor<'de> for ConfigValueVisitor {
    type Value = ConfigValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("plain data (objects, arrays, strings, numbers, booleans, null)")
    }

    fn visit_bool<E>(self, v: bool) -> Result<ConfigValue, E> {
        Ok(ConfigValue::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<ConfigValue, E> {
        Ok(ConfigValue::Integer(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<ConfigValue, E> {
        // Beyond i64 only as a float: no quantity or id is that large anyway.
        Ok(i64::try_from(v).map_or(ConfigValue::Float(v as f64), ConfigValue::Integer))
    }

    fn visit_f64<E>(self, v: f64) -> Result<ConfigValue, E> {
        // JavaScript has only f64: whole numbers are integers to the host page.
        if v.fract() == 0.0 && v.abs() <= 9_007_199_254_740_991.0 {
            Ok(ConfigValue::Integer(v as i64))
        } else {
            Ok(ConfigValue::Float(v))
        }
    }

    fn visit_str<E>(self, v: &str) -> Result<ConfigValue, E> {
        Ok(ConfigValue::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<ConfigValue, E> {
        Ok(ConfigValue::String(v))
    }

    fn visit_unit<E>(self) -> Result<ConfigValue, E> {
        Ok(ConfigValue::Null)
    }

    fn visit_none<E>(self) -> Result<ConfigValue, E> {
        Ok(ConfigValue::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<ConfigValue, D::Error> {
        ConfigValue::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ConfigValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(ConfigValue::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ConfigValue, A::Error> {
        let mut entries = BTreeMap::new();
        while let Some((key, value)) = map.next_entry::<String, ConfigValue>()? {
            entries.insert(key, value);
        }
        Ok(ConfigValue::Object(entries))
    }
}
