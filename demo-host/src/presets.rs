//! The demo's scenario presets: customers in the states worth looking at, created
//! through Portico's own APIs (the widget API and the test clock), once.

use serde_json::{Value, json};

/// `(preset, email, what the page says about it)`.
pub const PRESETS: [(&str, &str, &str); 5] = [
    ("new", "", "a new customer: the pricing view"),
    (
        "subscriber",
        "subscriber@example.com",
        "an active Scale subscription with 12 seats, its first invoice partly paid from prepaid credits",
    ),
    (
        "multi",
        "history@example.com",
        "a canceled Starter and an active yearly Team subscription",
    ),
    (
        "past_due",
        "pastdue@example.com",
        "a renewal that failed: past due, retrying",
    ),
    (
        "declined",
        "declined@example.com",
        "a card on file that declines every charge",
    ),
];

/// The email a preset opens the portal as; a fresh one for `new`.
pub fn email_for(preset: &str) -> Option<String> {
    match preset {
        "new" => Some(format!("new-{}@example.com", rand::random::<u32>())),
        other => PRESETS
            .iter()
            .find(|(name, ..)| *name == other)
            .map(|(_, email, _)| (*email).to_owned()),
    }
}

struct Seeder {
    http: reqwest::Client,
    backend: String,
    service: String,
    origin: String,
    secret_key: String,
}

const CARD_OK: &str = "4242424242424242";
const CARD_DECLINES_CHARGES: &str = "4000000000000341";

impl Seeder {
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Value,
    ) -> Result<Value, String> {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.backend))
            .header("origin", &self.origin)
            .json(&body);
        if let Some(token) = token {
            request = request.header("x-session-token", token);
        }
        let response = request.send().await.map_err(|e| format!("{path}: {e}"))?;
        let status = response.status();
        let body: Value = response.json().await.map_err(|e| format!("{path}: {e}"))?;
        if status.is_success() {
            Ok(body)
        } else {
            Err(format!("{path}: {status} {body}"))
        }
    }

    async fn session(&self, email: &str) -> Result<String, String> {
        let body = json!({ "service": self.service, "email": email });
        let session = self
            .call(reqwest::Method::POST, "/v1/embed/sessions", None, body)
            .await?;
        Ok(session["token"].as_str().unwrap_or_default().to_owned())
    }

    async fn card(&self, token: &str, number: &str) -> Result<Value, String> {
        let card = json!({ "number": number, "exp_month": 12, "exp_year": 2035, "cvc": "123" });
        self.call(
            reqwest::Method::POST,
            "/v1/embed/payment_methods",
            Some(token),
            card,
        )
        .await
    }

    async fn post(&self, token: &str, path: &str, body: Value) -> Result<Value, String> {
        self.call(
            reqwest::Method::POST,
            &format!("/v1/embed{path}"),
            Some(token),
            body,
        )
        .await
    }

    /// Creates one preset's customer unless it already has a subscription or a card.
    async fn seed(&self, preset: &str, email: &str) -> Result<(), String> {
        let token = self.session(email).await?;
        let portal = self
            .call(
                reqwest::Method::GET,
                "/v1/embed/portal",
                Some(&token),
                Value::Null,
            )
            .await?;
        let seeded = portal["subscriptions"]
            .as_array()
            .is_some_and(|s| !s.is_empty())
            || !portal["payment_method"].is_null();
        if seeded {
            return Ok(());
        }
        match preset {
            "subscriber" => {
                // The card creates the customer; the wallet, filled before the signup,
                // pays part of the first invoice.
                self.card(&token, CARD_OK).await?;
                let wallet = self.wallet(email, "usd").await?;
                let in_90_days = unix_now()? + 90 * 86_400;
                self.grant(
                    &wallet,
                    "welcome",
                    json!({ "credits": "25.00", "reason": "promotional", "priority": 0,
                            "expires_at": in_90_days, "description": "Welcome offer" }),
                )
                .await?;
                self.grant(
                    &wallet,
                    "pack",
                    json!({ "credits": "100.00", "reason": "purchased", "priority": 1,
                            "description": "Credit pack" }),
                )
                .await?;
                self.post(
                    &token,
                    "/subscriptions",
                    json!({ "plan": "scale", "quantity": { "seat": 12 } }),
                )
                .await?;
                // A top-up after the signup leaves a balance for the next invoice.
                self.grant(
                    &wallet,
                    "top-up",
                    json!({ "credits": "40.00", "reason": "purchased", "priority": 1,
                            "description": "Top-up" }),
                )
                .await?;
            }
            "multi" => {
                self.card(&token, CARD_OK).await?;
                let first = self
                    .post(&token, "/subscriptions", json!({ "plan": "starter" }))
                    .await?;
                let id = first["subscription"]["id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                // The portal cancels at the period end; a month on this customer's
                // clock ends the subscription.
                self.post(
                    &token,
                    &format!("/subscriptions/{id}/cancel"),
                    json!({ "feedback": "missing_features" }),
                )
                .await?;
                self.advance(email, 32 * 86_400).await?;
                self.post(
                    &token,
                    &format!("/subscriptions/{id}/resubscribe"),
                    json!({ "plan": "team-yearly", "quantity": { "seat": 4 } }),
                )
                .await?;
            }
            "past_due" => {
                self.card(&token, CARD_OK).await?;
                self.post(&token, "/subscriptions", json!({ "plan": "starter" }))
                    .await?;
                self.card(&token, CARD_DECLINES_CHARGES).await?;
                // A month on this customer's test clock: the renewal is tried and fails.
                self.advance(email, 32 * 86_400).await?;
            }
            "declined" => {
                self.card(&token, CARD_DECLINES_CHARGES).await?;
            }
            _ => {}
        }
        Ok(())
    }
}

impl Seeder {
    /// Calls the admin API with the secret key; `idempotency_key` makes a retried
    /// seeding grant once.
    async fn admin(
        &self,
        method: reqwest::Method,
        path: &str,
        idempotency_key: Option<&str>,
        body: Option<Value>,
    ) -> Result<Value, String> {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.backend))
            .bearer_auth(&self.secret_key);
        if let Some(key) = idempotency_key {
            request = request.header("idempotency-key", key);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.map_err(|e| format!("{path}: {e}"))?;
        let status = response.status();
        let body: Value = response.json().await.map_err(|e| format!("{path}: {e}"))?;
        if status.is_success() {
            Ok(body)
        } else {
            Err(format!("{path}: {status} {body}"))
        }
    }

    /// The customer's wallet in `currency`, created if they have none (a seeding
    /// that failed halfway may have created it).
    async fn wallet(&self, email: &str, currency: &str) -> Result<String, String> {
        let list = self
            .admin(
                reqwest::Method::GET,
                &format!("/v1/wallets?customer={email}"),
                None,
                None,
            )
            .await?;
        let existing = list["data"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|w| w["currency"] == currency);
        let wallet = match existing {
            Some(wallet) => wallet.clone(),
            None => {
                self.admin(
                    reqwest::Method::POST,
                    "/v1/wallets",
                    None,
                    Some(json!({ "customer": email, "currency": currency })),
                )
                .await?
            }
        };
        wallet["id"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("a wallet without an id: {wallet}"))
    }

    /// Grants credits once: `name` keys the grant.
    async fn grant(&self, wallet: &str, name: &str, body: Value) -> Result<Value, String> {
        let key = format!("demo-seed-{wallet}-{name}");
        self.admin(
            reqwest::Method::POST,
            &format!("/v1/wallets/{wallet}/credits"),
            Some(&key),
            Some(body),
        )
        .await
    }

    /// Moves this customer's test clock forward; what falls due runs.
    async fn advance(&self, email: &str, seconds: i64) -> Result<(), String> {
        let advance = self
            .http
            .post(format!(
                "{}/v1/test_helpers/test_clocks/advance",
                self.backend
            ))
            .bearer_auth(&self.secret_key)
            .json(&json!({ "customer": email, "advance_by": seconds }))
            .send()
            .await
            .map_err(|e| format!("test clock: {e}"))?;
        if advance.status().is_success() {
            Ok(())
        } else {
            Err(format!("test clock: {}", advance.status()))
        }
    }
}

fn unix_now() -> Result<i64, String> {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|e| e.to_string())?
        .as_secs()
        .try_into()
        .map_err(|_| "the clock is past 2262".to_owned())
}

impl Seeder {
    /// Thirty days of usage for every preset customer with a subscription.
    async fn usage(&self) -> Result<(), String> {
        let now = unix_now()?;
        for email in [
            "subscriber@example.com",
            "history@example.com",
            "pastdue@example.com",
        ] {
            let events = crate::usage::history(email, now);
            crate::usage::send(&self.http, &self.backend, &self.secret_key, events).await?;
        }
        Ok(())
    }
}

/// Seeds one preset of `service` (`origin` is the page's, as the widget API wants
/// it): how a test reaches a preset's customer without seeding them all.
pub async fn seed_one(
    backend: &str,
    service: &str,
    origin: &str,
    secret_key: &str,
    preset: &str,
) -> Result<(), String> {
    let email = email_for(preset).ok_or_else(|| format!("no preset `{preset}`"))?;
    let seeder = Seeder {
        http: reqwest::Client::new(),
        backend: backend.trim_end_matches('/').to_owned(),
        service: service.to_owned(),
        origin: origin.to_owned(),
        secret_key: secret_key.to_owned(),
    };
    seeder.seed(preset, &email).await
}

/// Seeds every preset of `service`, retrying while the backend starts.
pub async fn seed_all(backend: String, service: String, origin: String, secret_key: String) {
    let seeder = Seeder {
        http: reqwest::Client::new(),
        backend: backend.trim_end_matches('/').to_owned(),
        service,
        origin,
        secret_key,
    };
    for attempt in 0..30 {
        let mut failed = None;
        for (preset, email, _) in PRESETS.iter().filter(|(_, email, _)| !email.is_empty()) {
            if let Err(error) = seeder.seed(preset, email).await {
                failed = Some(error);
                break;
            }
        }
        if failed.is_none() {
            failed = seeder.usage().await.err();
        }
        match failed {
            None => return println!("demo host: scenario presets ready, with 30 days of usage"),
            Some(error) if attempt == 29 => {
                return eprintln!("demo host: could not seed the presets: {error}");
            }
            Some(_) => tokio::time::sleep(std::time::Duration::from_secs(1)).await,
        }
    }
}
