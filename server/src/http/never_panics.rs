//! Every parser of untrusted input returns an error, never a panic, whatever it is
//! given: bracket-notation forms, the Stripe-Signature header, the embed config, the
//! catalog TOML and the API-key header. Inputs are the committed seed corpus
//! (`server/fuzz/corpus/<target>/`, one file per input: past crashes and edge
//! cases) and proptest's: arbitrary bytes, and generators shaped like each format
//! so the deep paths are reached too.

use super::untrusted::{self, TARGETS};
use proptest::prelude::*;

/// Each entry point, by the corpus directory of its inputs.
fn run(target: &str, input: &[u8]) {
    let (_, entry) = TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .unwrap_or_else(|| panic!("a corpus directory without an entry point: {target}"));
    entry(input);
}

#[test]
fn the_committed_corpus_never_panics() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let mut inputs = 0;
    for target in std::fs::read_dir(&root).unwrap() {
        let target = target.unwrap();
        let name = target.file_name().into_string().unwrap();
        for input in std::fs::read_dir(target.path()).unwrap() {
            run(&name, &std::fs::read(input.unwrap().path()).unwrap());
            inputs += 1;
        }
    }
    assert!(inputs >= 25, "the corpus is there: {inputs} inputs");
}

#[test]
fn every_target_has_a_seed_corpus() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    for (name, _) in TARGETS {
        let seeds = std::fs::read_dir(root.join(name)).map_or(0, |dir| dir.count());
        assert!(seeds >= 4, "fuzz/corpus/{name} holds {seeds} seeds");
    }
}

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
        untrusted::form(form.as_bytes());
        untrusted::form(&bytes);
    }

    #[test]
    fn session_headers_never_panic(token in ".{0,40}", origin in ".{0,40}", key in ".{0,40}", identity in ".{0,40}") {
        let lines = [token, origin, key, identity].join("\n");
        untrusted::session_header(lines.as_bytes());
    }

    #[test]
    fn signatures_never_panic(header in signature_header(), now in any::<i64>(), body in ".{0,20}") {
        untrusted::stripe_signature(format!("{header}\n{body}").as_bytes());
        let _ = crate::provider::stripe::signature::verify(Some(&header), body.as_bytes(), "whsec_test", now);
    }

    #[test]
    fn embed_configs_never_panic(json in embed_config(), text in ".{0,60}") {
        untrusted::embed_config(json.as_bytes());
        untrusted::embed_config(text.as_bytes());
    }

    #[test]
    fn catalogs_never_panic(toml in catalog_toml(), text in ".{0,80}") {
        untrusted::catalog(toml.as_bytes());
        untrusted::catalog(text.as_bytes());
    }
}

#[test]
fn the_session_header_target_checks_origins_against_a_real_service() {
    // Else the target would only ever reach the `None` arm.
    assert!(untrusted::origin_checked_service().is_some());
}
