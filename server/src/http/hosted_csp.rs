//! The hosted portal's Content-Security-Policy: nothing but its own scripts
//! (by nonce) and the wasm, framed only by the service's origins; and, with the
//! Stripe provider only, what Stripe.js needs for card entry.

use axum::http::{HeaderValue, header};
use axum::response::Response;

/// What the page must admit beyond itself for the provider's card entry:
/// nothing for the built-in form; for Stripe.js its script, the frames of its
/// card Element and the API it calls (Stripe's documented CSP), or the origin
/// of a Stripe.js stand-in that serves all three.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct CardSources {
    script: Vec<String>,
    frame: Vec<String>,
    connect: Vec<String>,
}

pub(super) fn card_sources(entry: &portico_wire::embed::CardEntry) -> CardSources {
    let portico_wire::embed::CardEntry::StripeJs { js_url, .. } = entry else {
        return CardSources::default();
    };
    let Some(origin) = url::Url::parse(js_url)
        .ok()
        .map(|u| u.origin().ascii_serialization())
        .filter(|o| o != "null")
    else {
        return CardSources::default();
    };
    if origin == "https://js.stripe.com" {
        return CardSources {
            script: vec![origin.clone()],
            frame: vec![origin, "https://hooks.stripe.com".to_owned()],
            connect: vec!["https://api.stripe.com".to_owned()],
        };
    }
    CardSources {
        script: vec![origin.clone()],
        frame: vec![origin.clone()],
        connect: vec![origin],
    }
}

/// Adds the card entry's sources to the page's CSP (only the Stripe provider
/// has any).
pub(super) fn with_card_sources(mut response: Response, card: &CardSources) -> Response {
    if card == &CardSources::default() {
        return response;
    }
    let Some(csp) = response
        .headers()
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
    else {
        return response;
    };
    let join = |sources: &[String]| sources.join(" ");
    let csp = csp
        .replacen(
            "script-src 'self'",
            &format!("script-src 'self' {}", join(&card.script)),
            1,
        )
        .replacen(
            "connect-src 'self'",
            &format!("connect-src 'self' {}", join(&card.connect)),
            1,
        )
        .replacen(
            "base-uri",
            &format!("frame-src {}; base-uri", join(&card.frame)),
            1,
        );
    if let Ok(value) = HeaderValue::from_str(&csp) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, value);
    }
    response
}

/// No framing but by the service's own origins, no scripts but ours, no referrer
/// (the URL may carry a token), nothing cached.
pub(super) fn secure_headers(
    mut response: Response,
    frame_ancestors: &str,
    nonce: Option<&str>,
) -> Response {
    let nonce = nonce.map(|n| format!(" 'nonce-{n}'")).unwrap_or_default();
    let csp = format!(
        "default-src 'none'; script-src 'self'{nonce} 'wasm-unsafe-eval'; style-src 'self'{nonce}; \
         connect-src 'self'; img-src 'self' data:; font-src 'self'; base-uri 'none'; form-action 'none'; \
         frame-ancestors {frame_ancestors}"
    );
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, csp.as_str()),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::CACHE_CONTROL, "no-store"),
    ] {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(name, value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use portico_wire::embed::CardEntry;

    fn stripe_js(js_url: &str) -> CardEntry {
        CardEntry::StripeJs {
            publishable_key: "pk_test_x".into(),
            js_url: js_url.into(),
        }
    }

    #[test]
    fn the_built_in_card_form_admits_nothing_more() {
        assert_eq!(card_sources(&CardEntry::Builtin), CardSources::default());
    }

    #[test]
    fn stripe_js_admits_stripe_s_script_frames_and_api() {
        let sources = card_sources(&stripe_js("https://js.stripe.com/v3/"));
        assert_eq!(sources.script, ["https://js.stripe.com"]);
        assert_eq!(
            sources.frame,
            ["https://js.stripe.com", "https://hooks.stripe.com"]
        );
        assert_eq!(sources.connect, ["https://api.stripe.com"]);
    }

    #[test]
    fn a_stand_in_is_admitted_by_its_origin_only() {
        let sources = card_sources(&stripe_js("http://127.0.0.1:8420/js.stripe.com/v3/"));
        assert_eq!(sources.script, ["http://127.0.0.1:8420"]);
        assert_eq!(sources.frame, ["http://127.0.0.1:8420"]);
        assert_eq!(sources.connect, ["http://127.0.0.1:8420"]);
    }

    #[test]
    fn the_sources_land_in_the_policy() {
        let page = secure_headers(Response::default(), "'none'", Some("n0nce"));
        let sources = card_sources(&stripe_js("https://js.stripe.com/v3/"));
        let page = with_card_sources(page, &sources);
        let csp = page.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap();
        assert!(
            csp.contains("script-src 'self' https://js.stripe.com 'nonce-n0nce'"),
            "{csp}"
        );
        assert!(
            csp.contains("connect-src 'self' https://api.stripe.com;"),
            "{csp}"
        );
        assert!(
            csp.contains("frame-src https://js.stripe.com https://hooks.stripe.com; base-uri"),
            "{csp}"
        );
    }
}
