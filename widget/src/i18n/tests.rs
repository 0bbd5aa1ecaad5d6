use super::*;

fn placeholders(text: &str) -> Vec<&str> {
    let mut found: Vec<&str> = text
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect();
    found.sort_unstable();
    found
}

/// Each field as `(name, text)`, read from the struct's `Debug` output, so a
/// new field is checked without listing it here.
fn fields(text: &Text) -> Vec<(String, String)> {
    let debug = format!("{text:#?}");
    debug
        .lines()
        .filter_map(|line| {
            let (name, value) = line.trim().split_once(": ")?;
            let value = value
                .trim_end_matches(',')
                .strip_prefix('"')?
                .strip_suffix('"')?;
            Some((name.to_owned(), unescape(value)))
        })
        .collect()
}

/// Undoes `Debug`'s `\u{…}` escapes (it escapes combining marks such as Arabic
/// tanween); no text holds a quote or a backslash of its own.
fn unescape(debug: &str) -> String {
    let mut out = String::new();
    let mut rest = debug;
    while let Some(at) = rest.find("\\u{") {
        out.push_str(&rest[..at]);
        let end = rest[at..].find('}').expect("closing brace") + at;
        let code = u32::from_str_radix(&rest[at + 3..end], 16).expect("hex");
        out.push(char::from_u32(code).expect("a char"));
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

#[test]
fn every_language_fills_the_same_placeholders_as_english() {
    let english = fields(Locale::En.text());
    assert!(english.len() > 100, "read {} fields", english.len());
    for locale in Locale::ALL {
        let translated = fields(locale.text());
        assert_eq!(translated.len(), english.len(), "{locale:?}");
        for ((name, en), (_, text)) in english.iter().zip(&translated) {
            assert!(!text.trim().is_empty(), "{locale:?}.{name} is empty");
            assert_eq!(
                placeholders(text),
                placeholders(en),
                "{locale:?}.{name}: {text}"
            );
        }
    }
}

#[test]
fn negotiation_prefers_the_config_then_the_browser() {
    let browser = vec!["fr-CA".to_owned(), "en".to_owned()];
    assert_eq!(Locale::negotiate(Some("de-AT"), &browser), Locale::De);
    assert_eq!(Locale::negotiate(Some("AR"), &browser), Locale::Ar);
    assert_eq!(Locale::negotiate(Some("ja"), &browser), Locale::Fr);
    assert_eq!(
        Locale::negotiate(None, &["pt-BR".into(), "es-MX".into()]),
        Locale::Es
    );
    assert_eq!(Locale::negotiate(None, &[]), Locale::En);
    assert!(Locale::Ar.is_rtl() && !Locale::De.is_rtl());
}

#[test]
fn fill_replaces_every_placeholder() {
    assert_eq!(
        fill(
            Locale::En.text().next_invoice_on,
            &[("date", "Dec 22, 2026"), ("amount", "$45.00")]
        ),
        "Next invoice on Dec 22, 2026: $45.00"
    );
    assert_eq!(fill("{a}{a}", &[("a", "x")]), "xx");
}
