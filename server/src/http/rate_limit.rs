//! Rate limits on what a stranger can make the server do: exchange identities for
//! sessions, and the expensive reads and previews of a session. Each is limited
//! per client IP and per service (GCRA, by `governor`); past a limit the answer is
//! `429 rate_limit` with `Retry-After`. Limits are on by default; loopback clients
//! are exempt only when a flag says so (local tests and demos).

use super::AppError;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;

/// Requests per minute (each also the burst); `None` turns that limit off.
#[derive(Debug, Clone)]
pub struct RateLimitConfig {
    pub sessions_per_ip: Option<NonZeroU32>,
    pub sessions_per_service: Option<NonZeroU32>,
    pub expensive_per_ip: Option<NonZeroU32>,
    pub expensive_per_service: Option<NonZeroU32>,
    /// Requests from 127.0.0.1 and ::1 are not counted (tests, demos).
    pub exempt_loopback: bool,
    /// A header a trusted proxy sets to the client's IP (`x-forwarded-for`: its
    /// last address, the one the proxy saw); `None`: the peer's address.
    pub client_ip_header: Option<String>,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self {
            sessions_per_ip: NonZeroU32::new(60),
            sessions_per_service: NonZeroU32::new(6_000),
            expensive_per_ip: NonZeroU32::new(300),
            expensive_per_service: NonZeroU32::new(12_000),
            exempt_loopback: false,
            client_ip_header: None,
        }
    }
}

/// Which budget a request spends.
#[derive(Debug, Clone, Copy)]
pub enum Budget {
    /// `POST /v1/embed/sessions`.
    Sessions,
    /// Previews, usage, wallets, invoice PDFs: the reads that cost the most.
    Expensive,
}

/// A route layer's mark: requests to this route spend the expensive budget.
#[derive(Debug, Clone, Copy)]
pub struct Expensive;

#[derive(Debug)]
pub struct RateLimits {
    sessions_per_ip: Option<DefaultKeyedRateLimiter<IpAddr>>,
    sessions_per_service: Option<DefaultKeyedRateLimiter<String>>,
    expensive_per_ip: Option<DefaultKeyedRateLimiter<IpAddr>>,
    expensive_per_service: Option<DefaultKeyedRateLimiter<String>>,
    exempt_loopback: bool,
    client_ip_header: Option<String>,
}

impl RateLimits {
    pub fn new(config: &RateLimitConfig) -> Self {
        fn keyed<K: std::hash::Hash + Eq + Clone>(
            per_minute: Option<NonZeroU32>,
        ) -> Option<DefaultKeyedRateLimiter<K>> {
            per_minute.map(|n| governor::RateLimiter::keyed(Quota::per_minute(n)))
        }
        Self {
            sessions_per_ip: keyed(config.sessions_per_ip),
            sessions_per_service: keyed(config.sessions_per_service),
            expensive_per_ip: keyed(config.expensive_per_ip),
            expensive_per_service: keyed(config.expensive_per_service),
            exempt_loopback: config.exempt_loopback,
            client_ip_header: config.client_ip_header.clone(),
        }
    }

    /// Spends one request of `budget` for the request's client and `service`.
    pub fn spend(
        &self,
        peer: Peer,
        headers: &HeaderMap,
        budget: Budget,
        service: &str,
    ) -> Result<(), AppError> {
        let Some(client) = self.client_ip(peer.0, headers) else {
            // No peer (an in-process call): nothing to count it against.
            return Ok(());
        };
        if self.exempt_loopback && client.is_loopback() {
            return Ok(());
        }
        let (per_ip, per_service, what) = match budget {
            Budget::Sessions => (
                &self.sessions_per_ip,
                &self.sessions_per_service,
                "new sessions",
            ),
            Budget::Expensive => (
                &self.expensive_per_ip,
                &self.expensive_per_service,
                "requests of this kind",
            ),
        };
        if let Some(limiter) = per_ip {
            check(
                limiter.check_key(&client),
                &format!("Too many {what} from your address"),
            )?;
        }
        if let Some(limiter) = per_service {
            let key = service.to_owned();
            check(
                limiter.check_key(&key),
                &format!("Too many {what} for the service `{service}`"),
            )?;
        }
        Ok(())
    }

    /// Forgets clients idle long enough to be back at a full budget, so the maps
    /// do not grow with every address ever seen.
    pub fn forget_idle(&self) {
        for limiter in [&self.sessions_per_ip, &self.expensive_per_ip]
            .into_iter()
            .flatten()
        {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
        for limiter in [&self.sessions_per_service, &self.expensive_per_service]
            .into_iter()
            .flatten()
        {
            limiter.retain_recent();
        }
    }

    fn client_ip(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        let Some(name) = &self.client_ip_header else {
            return peer;
        };
        headers
            .get(name.as_str())
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.rsplit(',').next())
            .and_then(|last| last.trim().parse().ok())
            .or(peer)
    }
}

/// The address the connection came from (absent for in-process calls).
pub fn peer(parts: &Parts) -> Option<IpAddr> {
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip())
}

/// The connection's address, for a handler that spends a budget itself.
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub Option<IpAddr>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(peer(parts)))
    }
}

fn check(
    outcome: Result<(), governor::NotUntil<governor::clock::QuantaInstant>>,
    message: &str,
) -> Result<(), AppError> {
    outcome.map_err(|not_until| {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        // Whole seconds, rounded up and at least one: a client that waits that long
        // gets through.
        let retry_after = wait
            .as_secs()
            .saturating_add(u64::from(wait.subsec_nanos() > 0))
            .max(1);
        AppError::RateLimited {
            retry_after,
            message: format!("{message}; retry after {retry_after} s."),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts_from(ip: &str, header: Option<&str>) -> (Peer, HeaderMap) {
        let mut headers = HeaderMap::new();
        if let Some(value) = header {
            headers.insert("x-forwarded-for", value.parse().unwrap());
        }
        (Peer(Some(ip.parse().unwrap())), headers)
    }

    fn spend(limits: &RateLimits, (peer, headers): (Peer, HeaderMap)) -> Result<(), AppError> {
        limits.spend(peer, &headers, Budget::Sessions, "acme")
    }

    fn two_a_minute(exempt_loopback: bool) -> RateLimits {
        RateLimits::new(&RateLimitConfig {
            sessions_per_ip: NonZeroU32::new(2),
            exempt_loopback,
            client_ip_header: Some("x-forwarded-for".into()),
            ..RateLimitConfig::default()
        })
    }

    #[test]
    fn a_client_past_its_budget_waits_and_others_go_on() {
        let limits = two_a_minute(false);
        let one = || parts_from("203.0.113.7", None);
        assert!(spend(&limits, one()).is_ok());
        assert!(spend(&limits, one()).is_ok());
        match spend(&limits, one()) {
            Err(AppError::RateLimited { retry_after, .. }) => {
                assert!((1..=30).contains(&retry_after), "{retry_after}");
            }
            other => panic!("expected a 429, got {other:?}"),
        }
        assert!(spend(&limits, parts_from("203.0.113.8", None)).is_ok());
    }

    #[test]
    fn the_proxy_header_names_the_client_and_loopback_is_exempt_only_by_flag() {
        let limits = two_a_minute(false);
        // Behind the proxy at 10.0.0.1, two clients.
        for _ in 0..2 {
            let parts = parts_from("10.0.0.1", Some("198.51.100.1, 192.0.2.9"));
            assert!(spend(&limits, parts).is_ok());
        }
        assert!(spend(&limits, parts_from("10.0.0.1", Some("192.0.2.9"))).is_err());
        assert!(spend(&limits, parts_from("10.0.0.1", Some("192.0.2.10"))).is_ok());

        for (exempt, passes) in [(false, 2), (true, 10)] {
            let limits = two_a_minute(exempt);
            let passed = (0..10)
                .filter(|_| spend(&limits, parts_from("127.0.0.1", None)).is_ok())
                .count();
            assert_eq!(passed, passes, "exempt: {exempt}");
        }
    }
}
