//! Who the customer is: the `hash` the host page's backend computed, and the
//! short-lived session token the widget gets in exchange for it.

use hmac::{Hmac, Mac};
use portico_wire::CustomerRef;
use rand::Rng;
use rand::distr::Alphanumeric;
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// A mode's secret key (`sk_test_…` / `sk_live_…`). It keys the identity HMAC.
#[derive(Clone)]
pub struct SecretKey(String);

impl SecretKey {
    pub fn new(value: String) -> Self {
        Self(value)
    }

    /// `sk_{mode}_` followed by 32 random alphanumerics.
    pub fn generate(live: bool) -> Self {
        Self(format!(
            "sk_{}_{}",
            if live { "live" } else { "test" },
            random_alphanumeric(32)
        ))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print a secret, not even in a debug dump.
        let prefix: String = self.0.chars().take(8).collect();
        write!(f, "SecretKey({prefix}…)")
    }
}

/// Hex HMAC-SHA256 of `message` keyed with `secret`: what an integrator computes.
pub fn sign(secret: &SecretKey, message: &str) -> String {
    let mut mac =
        HmacSha256::new_from_slice(secret.0.as_bytes()).expect("HMAC takes any key length");
    mac.update(message.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Whether `hash` signs one of the customer's signable forms: the email exactly as
/// passed or trimmed and lowercased, or the customer id. Hex case does not matter and
/// the comparison is constant-time.
pub fn verify_identity(secret: &SecretKey, customer: &CustomerRef, hash: &str) -> bool {
    let Ok(expected) = hex::decode(hash.trim()) else {
        return false;
    };
    // Check every form, so timing does not reveal which one matched.
    customer
        .signable_forms()
        .iter()
        .fold(false, |matched, form| {
            let mut mac =
                HmacSha256::new_from_slice(secret.0.as_bytes()).expect("HMAC takes any key length");
            mac.update(form.as_bytes());
            mac.verify_slice(&expected).is_ok() | matched
        })
}

/// A fresh session token: 256 bits of randomness, URL-safe.
pub fn new_session_token() -> String {
    format!("pst_{}", random_alphanumeric(43))
}

/// Tokens are stored only as their SHA-256, so a leaked database opens no session.
pub fn token_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn random_alphanumeric(len: usize) -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(value: &str) -> CustomerRef {
        CustomerRef::from_parts(Some(value), None).unwrap()
    }

    #[test]
    fn hmac_sha256_known_vectors() {
        // RFC 4231, test case 2.
        let key = SecretKey::new("Jefe".into());
        assert_eq!(
            sign(&key, "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Computed independently with `openssl dgst -sha256 -hmac sk_test_demo`.
        let demo = SecretKey::new("sk_test_demo".into());
        assert_eq!(
            sign(&demo, "ada@example.com"),
            "ac051452512c22a5c114d230e724ad33d15fae937aaa787cb13c83c010baaf33"
        );
    }

    #[test]
    fn verifies_exact_and_normalized_email_in_any_hex_case() {
        let key = SecretKey::new("sk_test_demo".into());
        let customer = email(" Ada@Example.com");
        let exact = sign(&key, " Ada@Example.com");
        let normalized = sign(&key, "ada@example.com");
        assert!(verify_identity(&key, &customer, &exact));
        assert!(verify_identity(&key, &customer, &normalized.to_uppercase()));
        assert!(!verify_identity(
            &key,
            &customer,
            &sign(&key, "eve@example.com")
        ));
        assert!(!verify_identity(
            &SecretKey::new("other".into()),
            &customer,
            &exact
        ));
        assert!(!verify_identity(&key, &customer, "not hex"));
    }

    #[test]
    fn verifies_customer_id() {
        let key = SecretKey::generate(true);
        assert!(key.expose().starts_with("sk_live_"));
        let customer = CustomerRef::from_parts(None, Some("user_42")).unwrap();
        assert!(verify_identity(&key, &customer, &sign(&key, "user_42")));
        assert!(!verify_identity(&key, &customer, &sign(&key, "user_43")));
    }

    #[test]
    fn tokens_are_random_and_stored_as_digests() {
        let (a, b) = (new_session_token(), new_session_token());
        assert_ne!(a, b);
        assert_eq!(token_digest(&a).len(), 64);
        assert_ne!(token_digest(&a), token_digest(&b));
        assert!(!format!("{:?}", SecretKey::new("sk_test_abcdefghijkl".into())).contains("ijkl"));
    }
}
