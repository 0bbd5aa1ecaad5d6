//! `portico serve`'s provider flags: the built-in engine, or Stripe and its keys.

use clap::Args;

/// Who holds the billing. With `stripe`, the secret and publishable keys are required.
#[derive(Debug, Args)]
pub struct StripeArgs {
    /// `local` (the built-in engine on SQLite) or `stripe`.
    #[arg(long, env = "PORTICO_PROVIDER", default_value = "local")]
    provider: String,
    #[arg(long, env = "STRIPE_SECRET_KEY", hide_env_values = true)]
    stripe_secret_key: Option<String>,
    #[arg(long, env = "STRIPE_PUBLISHABLE_KEY")]
    stripe_publishable_key: Option<String>,
    /// The signing secret (`whsec_…`) of the webhook endpoint `/v1/stripe/webhooks`.
    #[arg(long, env = "STRIPE_WEBHOOK_SECRET", hide_env_values = true)]
    stripe_webhook_secret: Option<String>,
    #[arg(long, env = "STRIPE_API_BASE", default_value = portico_server::provider::stripe::client::STRIPE_API_BASE)]
    stripe_api_base: String,
    /// Where the widget loads Stripe.js from.
    #[arg(
        long,
        env = "STRIPE_JS_URL",
        default_value = "https://js.stripe.com/v3/"
    )]
    stripe_js_url: String,
    /// `stripe`, or `localstripe` for the test peer (see README, "Using Stripe").
    #[arg(long, env = "PORTICO_STRIPE_PEER", default_value = "stripe")]
    stripe_peer: String,
}

impl StripeArgs {
    pub fn provider(self) -> Result<portico_server::provider::ProviderConfig, String> {
        use portico_server::provider::{ProviderConfig, stripe};
        match self.provider.as_str() {
            "local" => Ok(ProviderConfig::Local),
            "stripe" => Ok(ProviderConfig::Stripe(stripe::StripeConfig {
                secret_key: self
                    .stripe_secret_key
                    .ok_or("--provider stripe needs STRIPE_SECRET_KEY (or --stripe-secret-key)")?,
                publishable_key: self.stripe_publishable_key.ok_or(
                    "--provider stripe needs STRIPE_PUBLISHABLE_KEY (or --stripe-publishable-key)",
                )?,
                webhook_secret: self.stripe_webhook_secret,
                api_base: self.stripe_api_base,
                js_url: self.stripe_js_url,
                dialect: stripe::dialect::Dialect::parse(&self.stripe_peer)
                    .ok_or("PORTICO_STRIPE_PEER must be `stripe` or `localstripe`")?,
            })),
            other => Err(format!(
                "--provider must be `local` or `stripe`, not `{other}`"
            )),
        }
    }
}
