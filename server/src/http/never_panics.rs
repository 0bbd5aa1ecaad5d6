//! Every parser of untrusted input returns an error, never a panic, whatever it is
//! given: bracket-notation forms, the Stripe-Signature header, the embed config, the
//! catalog TOML and the API-key header. Inputs are proptest's: arbitrary bytes, and
//! generators shaped like each format so the deep paths are reached too.

use super::params::parse_form;
use crate::catalog::Catalog;
use crate::provider::stripe::signature;
use portico_wire::config::{ConfigValue, EmbedConfig};
use proptest::prelude::*;

/// Bracket-notation keys with deep and odd nesting, indices and escapes.
fn form() -> impl Strategy<Value = String> {
    let key = "[a-z_]{0,4}(\\[([a-z0-9_]{0,4}|[0-9]{1,12}|-1|)\\]){0,12}\\]?";
    let pair = format!("{key}(=[a-z0-9%+\\[\\]]{{0,6}})?");
    prop::collection::vec(prop::string::string_regex(&pair).unwrap(), 0..40)
        .prop_map(|pairs| pairs.join("&"))
}

fn signature_header() -> impl Strategy<Value = String> {
    let part = prop_oneof![
        // Any i64: with `now` any i64 too, their difference overflows often.
        any::<i64>().prop_map(|t| format!("t={t}")),
        prop::string::string_regex(
            "(t=-?[0-9]{0,20}|v1=[0-9a-f]{0,70}|v0=[a-z]{0,4}|[a-z=,]{0,6})"
        )
        .unwrap(),
    ];
    prop::collection::vec(part, 0..8).prop_map(|parts| parts.join(","))
}

/// JSON shaped like an embed config: the documented keys with values of any type.
fn embed_config() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec![
        "service",
        "email",
        "customer_id",
        "hash",
        "session",
        "locale",
        "theme",
        "subscription_id",
        "handleResponse",
        "features",
        "plans",
        "return_url",
        "x",
    ]);
    let value = prop_oneof![
        Just("null".to_owned()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|n| format!("{n:?}")),
        "[ -~]{0,12}".prop_map(|s| serde_json::to_string(&s).unwrap()),
        Just("{\"mode\":\"dark\",\"vars\":{\"--x\":1}}".to_owned()),
        Just("[1,\"a\",{}]".to_owned()),
    ];
    prop::collection::vec((key, value), 0..10).prop_map(|pairs| {
        let body: Vec<String> = pairs
            .into_iter()
            .map(|(k, v)| format!("{}:{v}", serde_json::to_string(k).unwrap()))
            .collect();
        format!("{{{}}}", body.join(","))
    })
}

/// TOML shaped like a catalog: its tables and keys, values of any kind.
fn catalog_toml() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("[[plans]]".to_owned()),
        Just("[[services]]".to_owned()),
        Just("[[meters]]".to_owned()),
        Just("products = [{ id = \"p\", name = \"P\" }]".to_owned()),
        (
            prop::sample::select(vec![
                "id",
                "name",
                "currency",
                "interval",
                "interval_count",
                "trial_days",
                "mode",
                "plans",
                "allowed_origins",
                "key",
                "aggregation",
                "unit_amount",
            ]),
            prop_oneof![
                any::<i64>().prop_map(|n| n.to_string()),
                "[a-z]{0,8}".prop_map(|s| format!("\"{s}\"")),
                Just("[\"p\", 1]".to_owned()),
                Just("[{ product = \"p\", unit_amount = -1 }]".to_owned()),
            ],
        )
            .prop_map(|(k, v)| format!("{k} = {v}")),
    ];
    prop::collection::vec(line, 0..24).prop_map(|lines| lines.join("\n"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn forms_never_panic(form in form(), bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = parse_form(form.as_bytes());
        let _ = parse_form(&bytes);
    }

    #[test]
    fn signatures_never_panic(header in signature_header(), now in any::<i64>(), body in ".{0,20}") {
        let _ = signature::verify(Some(&header), body.as_bytes(), "whsec_test", now);
    }

    #[test]
    fn embed_configs_never_panic(json in embed_config(), text in ".{0,60}") {
        for input in [&json, &text] {
            if let Ok(value) = serde_json::from_str::<ConfigValue>(input) {
                let _ = EmbedConfig::from_value(value);
            }
        }
    }

    #[test]
    fn catalogs_never_panic(toml in catalog_toml(), text in ".{0,80}") {
        let _ = Catalog::from_toml(&toml);
        let _ = Catalog::from_toml(&text);
    }
}
