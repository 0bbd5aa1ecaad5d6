//! Where the page is: the address bar, for tests that follow redirects.

use crate::browser::{Page, WAIT};
use std::time::{Duration, Instant};

impl Page {
    /// The address bar, now.
    pub async fn url(&self) -> String {
        self.client
            .current_url()
            .await
            .expect("current URL")
            .to_string()
    }

    /// Waits until the address bar satisfies `done`, and returns it.
    pub async fn wait_url(&self, done: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let url = self.url().await;
            if done(&url) {
                return url;
            }
            if started.elapsed() > WAIT {
                panic!("the page never reached the expected URL; it is at {url}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}
