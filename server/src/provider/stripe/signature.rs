//! `Stripe-Signature` verification for inbound webhooks: `t=<unix>,v1=<hex>[,v1=…]`,
//! each `v1` the HMAC-SHA256 of `"{t}.{raw body}"` keyed with the endpoint's signing
//! secret. Several `v1` appear while a secret is being rolled; any one may match.
//! Other schemes (`v0`) are ignored, as Stripe's own libraries do.
#![warn(clippy::arithmetic_side_effects)]

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How far the signed timestamp may be from now, either way: Stripe's default.
pub const TOLERANCE_SECONDS: i64 = 300;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the `Stripe-Signature` header is missing")]
    Missing,
    #[error("the `Stripe-Signature` header has no `t=` timestamp")]
    NoTimestamp,
    #[error("the `Stripe-Signature` header has no `v1=` signature")]
    NoSignature,
    #[error(
        "the signature's timestamp is {age} s from now, outside the {TOLERANCE_SECONDS} s tolerance"
    )]
    Stale { age: i64 },
    #[error("no `v1` signature matches the body signed with this endpoint's secret")]
    Mismatch,
}

/// Checks `header` against `body` at `now` (Unix seconds) and returns the signed
/// timestamp. Comparison is constant-time (`Mac::verify_slice`).
pub fn verify(
    header: Option<&str>,
    body: &[u8],
    secret: &str,
    now: i64,
) -> Result<i64, SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => timestamp = value.parse::<i64>().ok(),
            Some(("v1", value)) => signatures.extend(hex::decode(value).ok()),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::NoTimestamp)?;
    if signatures.is_empty() {
        return Err(SignatureError::NoSignature);
    }
    // Saturating: the timestamp is the sender's, and `now - i64::MIN` overflows.
    let age = now.saturating_sub(timestamp);
    if age.unsigned_abs() > TOLERANCE_SECONDS.unsigned_abs() {
        return Err(SignatureError::Stale { age });
    }
    let mac = signed_payload_mac(secret, timestamp, body);
    // Every candidate is checked, so the time taken does not say which matched.
    let matched = signatures.iter().fold(false, |found, candidate| {
        mac.clone().verify_slice(candidate).is_ok() | found
    });
    if matched {
        Ok(timestamp)
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// The header Stripe would send for `body` at `timestamp`: for tests and for the
/// test peer's deliveries.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mac = signed_payload_mac(secret, timestamp, body);
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

fn signed_payload_mac(secret: &str, timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test_secret";
    const BODY: &[u8] = br#"{"id":"evt_1","type":"invoice.paid"}"#;
    const NOW: i64 = 1_767_225_600;

    #[test]
    fn extreme_timestamps_are_stale_not_an_overflow() {
        // `t=-9223372036854775808` made `now - t` overflow: a panic in debug builds.
        for t in [i64::MIN, i64::MAX, i64::MIN + 1] {
            let header = format!("t={t},v1=00");
            assert!(
                matches!(
                    verify(Some(&header), b"{}", "whsec_x", 1_767_225_600),
                    Err(SignatureError::Stale { .. })
                ),
                "{t}"
            );
        }
    }

    #[test]
    fn a_valid_signature_verifies() {
        let header = sign(SECRET, NOW, BODY);
        assert_eq!(verify(Some(&header), BODY, SECRET, NOW + 10), Ok(NOW));
    }

    #[test]
    fn matches_stripes_documented_construction() {
        // HMAC-SHA256("whsec_test_secret", "1767225600.{body}"), computed independently
        // with `openssl dgst -sha256 -hmac`.
        let header = sign(SECRET, NOW, BODY);
        assert_eq!(
            header,
            "t=1767225600,v1=4bdb5c9d159e353341cd503699ef7836d66ab07344a66bb2fa07de092c7a7d5d"
        );
    }

    #[test]
    fn a_wrong_secret_does_not_verify() {
        let header = sign("whsec_other", NOW, BODY);
        assert_eq!(
            verify(Some(&header), BODY, SECRET, NOW),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn a_stale_or_future_timestamp_is_refused() {
        let header = sign(SECRET, NOW, BODY);
        assert_eq!(
            verify(Some(&header), BODY, SECRET, NOW + 301),
            Err(SignatureError::Stale { age: 301 })
        );
        assert_eq!(
            verify(Some(&header), BODY, SECRET, NOW - 301),
            Err(SignatureError::Stale { age: -301 })
        );
        assert_eq!(verify(Some(&header), BODY, SECRET, NOW + 300), Ok(NOW));
    }

    #[test]
    fn a_tampered_body_does_not_verify() {
        let header = sign(SECRET, NOW, BODY);
        let tampered = br#"{"id":"evt_1","type":"invoice.paid "}"#;
        assert_eq!(
            verify(Some(&header), tampered, SECRET, NOW),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn a_tampered_timestamp_does_not_verify() {
        let header = sign(SECRET, NOW, BODY).replace(&NOW.to_string(), &(NOW + 1).to_string());
        assert_eq!(
            verify(Some(&header), BODY, SECRET, NOW),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn any_of_several_v1_signatures_may_match() {
        let good = sign(SECRET, NOW, BODY);
        let good_v1 = good.split_once(",v1=").unwrap().1;
        let old = sign("whsec_old", NOW, BODY);
        let old_v1 = old.split_once(",v1=").unwrap().1;
        let both = format!("t={NOW},v1={old_v1},v0=abc,v1={good_v1}");
        assert_eq!(verify(Some(&both), BODY, SECRET, NOW), Ok(NOW));
        let neither = format!("t={NOW},v1={old_v1},v1=00ff");
        assert_eq!(
            verify(Some(&neither), BODY, SECRET, NOW),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn malformed_headers_name_what_is_missing() {
        assert_eq!(
            verify(None, BODY, SECRET, NOW),
            Err(SignatureError::Missing)
        );
        assert_eq!(
            verify(Some("v1=00"), BODY, SECRET, NOW),
            Err(SignatureError::NoTimestamp)
        );
        assert_eq!(
            verify(Some(&format!("t={NOW},v0=00")), BODY, SECRET, NOW),
            Err(SignatureError::NoSignature)
        );
        assert_eq!(
            verify(Some(&format!("t={NOW},v1=not-hex")), BODY, SECRET, NOW),
            Err(SignatureError::NoSignature)
        );
    }
}
