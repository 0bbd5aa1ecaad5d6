//! How every portal action runs: one at a time, asked of the host first (`pre_*`),
//! sent with an Idempotency-Key that a retry of the same request reuses, with the
//! session renewed once if it expired. The actions themselves are in `actions`.

use super::Portal;
use crate::api::Client;
use crate::events::random_id;
use leptos::prelude::*;
use leptos::task::spawn_local;
use portico_wire::ErrorCode;
use portico_wire::event::{ErrorResponse, EventName, Intent};
use std::future::Future;

impl Portal {
    /// Calls the backend with the session token, renewing the session once if it
    /// expired; a second expiry is reported as it is.
    pub(super) async fn authed<T, F, Fut>(self, call: F) -> Result<T, ErrorResponse>
    where
        F: Fn(Client, String) -> Fut,
        Fut: Future<Output = Result<T, ErrorResponse>>,
    {
        let client = self.client.get_value();
        let token = self.token.get_untracked().unwrap_or_default();
        match call(client.clone(), token).await {
            Err(error) if error.code == ErrorCode::SessionExpired => {
                let Some(config) = self.config.get_value() else {
                    return Err(error);
                };
                let session = client.exchange(&config).await?;
                self.token.try_set(Some(session.token.clone()));
                call(client, session.token).await
            }
            other => other,
        }
    }

    /// The key for a request: the failed attempt's key when this is its retry,
    /// a new one otherwise.
    fn idempotency_key(self, signature: &str) -> String {
        if let Some((last, key)) = self.attempt.get_value()
            && last == signature
        {
            return key;
        }
        let key = random_id("idem_");
        self.attempt
            .set_value(Some((signature.to_owned(), key.clone())));
        key
    }

    /// Keeps `again` as what the inline error's "Try again" runs.
    pub(super) fn remember(self, again: impl Fn() + 'static) {
        self.retry.set_value(Some(std::rc::Rc::new(again)));
    }

    /// Runs one action. `signature` identifies the request (so its retry reuses the
    /// key); `ask` is the `pre_*` event and its intent; `done` applies the result.
    pub(super) fn run<T, F, Fut>(
        self,
        busy: String,
        signature: String,
        ask: Option<(EventName, Intent)>,
        call: F,
        done: impl FnOnce(T) + 'static,
    ) where
        T: 'static,
        F: Fn(Client, String, String) -> Fut + 'static,
        Fut: Future<Output = Result<T, ErrorResponse>> + 'static,
    {
        if self.busy.get_untracked().is_some() {
            return; // one action at a time: a double click does not act twice
        }
        self.busy.set(Some(busy));
        self.action_error.set(None);
        self.notice.set(None);
        let emitter = self.emitter.get_value();
        let livemode = self.livemode();
        spawn_local(async move {
            if let Some((event, intent)) = ask
                && let Err(why) = emitter.ask(event, intent, livemode).await
            {
                self.busy.try_set(None);
                // The customer reads that nothing changed; the developer reads why.
                web_sys::console::info_1(&format!("Portico: {event:?} vetoed: {why}").into());
                self.notice.try_set(Some(self.t().vetoed.to_owned()));
                return;
            }
            let key = self.idempotency_key(&signature);
            let result = self
                .authed(|client, token| call(client, token, key.clone()))
                .await;
            self.busy.try_set(None);
            match result {
                Ok(value) => {
                    self.attempt.set_value(None);
                    done(value);
                }
                Err(error) => {
                    // The action was applied before the server stopped: its key is
                    // spent, and only a fresh state shows what it did.
                    if error.code == ErrorCode::IdempotencyKeyApplied {
                        self.attempt.set_value(None);
                        self.refresh();
                    }
                    self.report(&error);
                    self.action_error.try_set(Some(error));
                }
            }
        });
    }
}
