//! Script tag to an interactive portal, against a hand-written vanilla-JS page that
//! does the same work (`demo-host/src/load_time.rs`), in one run: headless Chromium
//! on loopback, throttled to "Slow 4G" with a 4× slower CPU, every visit a first
//! visit. A benchmark, so ignored; `cargo xtask bench` runs it. It prints the
//! medians and their ratio and asserts nothing about time.

use portico_e2e::{StackOptions, Throttling, run};

const RUNS: usize = 10;

#[tokio::test]
#[ignore = "a benchmark: `cargo xtask bench` runs it"]
async fn script_tag_to_interactive_portal_against_vanilla_javascript() {
    run(
        "load_time",
        StackOptions::default(),
        |page, stack| async move {
            page.throttle(Throttling::SLOW_4G_4X_CPU).await;
            let (mut portal, mut vanilla) = (Vec::new(), Vec::new());
            // Alternating, so that both pages see the same machine over time.
            for visit in 0..RUNS {
                for (kind, times) in [("vanilla", &mut vanilla), ("portal", &mut portal)] {
                    let email = format!("load-{kind}-{visit}@example.com");
                    page.goto(&format!("{}/load/{kind}?email={email}", stack.host))
                        .await;
                    let at = page
                        .wait_script("return window.interactiveAt || null;")
                        .await;
                    times.push(at.as_f64().expect("a time in milliseconds"));
                }
            }
            let (portal, vanilla) = (median(&mut portal), median(&mut vanilla));
            let figure = format!(
                "script tag to interactive (Slow 4G, 4x CPU, median of {RUNS}): {:.2}x vanilla JS \
                 (portal {portal:.0} ms, vanilla {vanilla:.0} ms)",
                portal / vanilla
            );
            println!("{figure}");
            portico_e2e::record_figure(&figure);
        },
    )
    .await;
}

fn median(times: &mut [f64]) -> f64 {
    times.sort_by(f64::total_cmp);
    let middle = times.len() / 2;
    if times.len().is_multiple_of(2) {
        (times[middle - 1] + times[middle]) / 2.0
    } else {
        times[middle]
    }
}
