//! Reading the figures a customer sees: waiting for the portal to show exactly
//! what a test computed by hand, and dates written as the portal writes them.

use crate::browser::{Page, WAIT};
use serde_json::Value;
use std::time::{Duration, Instant};

impl Page {
    /// Waits until `script` (a `return` of what the portal shows) gives exactly
    /// `expected`, and fails with both if it never does.
    pub async fn until_equal(&self, script: &str, expected: Value) {
        let started = Instant::now();
        loop {
            let shown = self.script(script).await;
            if shown == expected || started.elapsed() > WAIT {
                assert_eq!(shown, expected, "what the portal shows");
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// Today's date in UTC, the day the billing engine dates what a test does now.
pub fn today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

/// The UTC day of a Unix time.
pub fn day_of(unix_seconds: i64) -> jiff::civil::Date {
    jiff::Timestamp::from_second(unix_seconds)
        .expect("a time")
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

/// A day as the portal writes dates in English (`Intl`'s medium style, in UTC):
/// `Dec 7, 2026`.
pub fn medium_date(date: jiff::civil::Date) -> String {
    date.strftime("%b %-d, %Y").to_string()
}
