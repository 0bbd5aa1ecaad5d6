use crate::stack::{Stack, StackOptions, spawn_stack};
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::{Element, ShadowRoot};
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tempfile::TempDir;
use tokio::process::{Child, Command};

pub(crate) const WAIT: Duration = Duration::from_secs(20);

/// Headless Chromium behind its own ChromeDriver, with a fresh profile.
#[derive(Debug)]
pub struct Browser {
    client: Client,
    driver: Child,
    _profile: TempDir,
}

impl Browser {
    pub async fn launch() -> Self {
        let chromedriver =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let port = free_port();
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {chromedriver} ({e}): `cargo xtask test` installs it")
            });
        let profile = tempfile::tempdir().expect("profile dir");
        let args = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1280,900",
            &format!("--user-data-dir={}", profile.path().display()),
        ];
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({ "binary": chromium, "args": args }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        let client = loop {
            match ClientBuilder::native()
                .capabilities(capabilities.clone())
                .connect(&url)
                .await
            {
                Ok(client) => break client,
                Err(error) if started.elapsed() > WAIT => {
                    panic!("ChromeDriver did not start: {error}")
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        };
        Self {
            client,
            driver,
            _profile: profile,
        }
    }

    pub async fn close(mut self) {
        let _ = self.client.close().await;
        let _ = self.driver.kill().await;
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// Runs one end-to-end test against a fresh stack and browser. If it fails, a
/// screenshot and the host page's state are saved under `target/e2e-artifacts/`.
pub async fn run<F, Fut>(name: &str, options: StackOptions, test: F)
where
    F: FnOnce(Page, Arc<Stack>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let stack = Arc::new(spawn_stack(options).await);
    let browser = Browser::launch().await;
    let page = Page {
        client: browser.client.clone(),
    };
    let outcome = tokio::spawn(test(page.clone(), stack)).await;
    if outcome.is_err() {
        page.save_artifacts(name).await;
    }
    browser.close().await;
    if let Err(error) = outcome {
        std::panic::resume_unwind(error.into_panic());
    }
}

/// The demo host's page, seen as a person and the host page's script see it.
#[derive(Debug, Clone)]
pub struct Page {
    pub(crate) client: Client,
}

impl Page {
    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.expect("navigate");
    }

    /// The widget's shadow root, once the widget has attached it.
    async fn embed_root(&self) -> ShadowRoot {
        let host = self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css("#portico-embed"))
            .await
            .expect("embed host");
        let started = Instant::now();
        loop {
            match host.shadow_root().await {
                Ok(root) => return root,
                Err(_) if started.elapsed() < WAIT => {
                    tokio::time::sleep(Duration::from_millis(100)).await
                }
                Err(error) => panic!("the widget never attached its shadow root: {error}"),
            }
        }
    }

    /// Waits for `[data-testid=…]` inside the widget.
    pub async fn widget(&self, testid: &str) -> Element {
        self.in_widget(&format!("[data-testid=\"{testid}\"]")).await
    }

    /// Waits for the first element matching a CSS `selector` inside the widget,
    /// for what the widget does not label itself (Stripe.js's inputs).
    pub async fn in_widget(&self, selector: &str) -> Element {
        let started = Instant::now();
        loop {
            if let Ok(element) = self.embed_root().await.find(Locator::Css(selector)).await {
                return element;
            }
            if started.elapsed() > WAIT {
                panic!("the widget never showed {selector}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The text of a widget element. If the widget re-rendered between finding it
    /// and reading it (a refresh replaces its nodes), the new one is read.
    pub async fn widget_text(&self, testid: &str) -> String {
        let started = Instant::now();
        loop {
            match self.widget(testid).await.text().await {
                Ok(text) => return text,
                Err(error) if error.is_stale_element_reference() && started.elapsed() < WAIT => {}
                Err(error) => panic!("text of `{testid}`: {error}"),
            }
        }
    }

    /// Clicks like a person: WebDriver checks the element is visible and enabled.
    /// If the widget re-rendered between finding the element and clicking it (a
    /// refresh after an action replaces its nodes), the new one is clicked, as a
    /// person would.
    pub async fn click(&self, testid: &str) {
        let started = Instant::now();
        loop {
            match self.widget(testid).await.click().await {
                Ok(()) => return,
                Err(error) if error.is_stale_element_reference() && started.elapsed() < WAIT => {}
                Err(error) => panic!("click `{testid}`: {error}"),
            }
        }
    }

    /// Types into a field, like a person.
    pub async fn type_into(&self, testid: &str, text: &str) {
        type_like_a_person(self.widget(testid).await, text).await;
    }

    /// Types into the field a CSS `selector` finds inside the widget.
    pub async fn type_into_selector(&self, selector: &str, text: &str) {
        type_like_a_person(self.in_widget(selector).await, text).await;
    }

    /// Clicks twice in the same task, faster than any person: a double click that
    /// must not act twice.
    pub async fn double_click(&self, testid: &str) {
        let element = self.widget(testid).await;
        let element = serde_json::to_value(&element).expect("element reference");
        self.client
            .execute("arguments[0].click(); arguments[0].click();", vec![element])
            .await
            .expect("double click");
    }

    /// Waits until the widget's `testid` element's text contains `needle`.
    pub async fn wait_text(&self, testid: &str, needle: &str) -> String {
        let started = Instant::now();
        loop {
            let text = self.widget_text(testid).await;
            if text.contains(needle) {
                return text;
            }
            if started.elapsed() > WAIT {
                panic!("`{testid}` never said `{needle}`; it says `{text}`");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Every payload with this `event` name so far.
    pub async fn events_named(&self, name: &str) -> Vec<Value> {
        self.events()
            .await
            .into_iter()
            .filter(|e| e["event"] == name)
            .collect()
    }

    /// Runs `script` in the host page and returns what it returns.
    pub async fn script(&self, script: &str) -> Value {
        self.eval(script).await
    }

    /// Runs `script` in the host page; it calls its last argument with the result
    /// (`const done = arguments[arguments.length - 1]`), for promises.
    pub async fn script_async(&self, script: &str) -> Value {
        self.client
            .execute_async(script, vec![])
            .await
            .expect("async script runs")
    }

    /// Waits until `script` (an expression's `return`) gives something other than
    /// `null`, `false` or `undefined`, and returns it.
    pub async fn wait_script(&self, script: &str) -> Value {
        let started = Instant::now();
        loop {
            let value = self.eval(script).await;
            if !value.is_null() && value != Value::Bool(false) {
                return value;
            }
            if started.elapsed() > WAIT {
                panic!("`{script}` never held");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn eval(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .expect("script runs")
    }

    /// Every payload the host page's `handleResponse` received, oldest first.
    pub async fn events(&self) -> Vec<Value> {
        match self.eval("return window.porticoEvents || [];").await {
            Value::Array(events) => events,
            other => panic!("window.porticoEvents is not an array: {other}"),
        }
    }

    /// Waits for the first `handleResponse` payload with this `event` name.
    pub async fn event(&self, name: &str) -> Value {
        let started = Instant::now();
        loop {
            if let Some(event) = self.events().await.into_iter().find(|e| e["event"] == name) {
                return event;
            }
            if started.elapsed() > WAIT {
                panic!(
                    "the host page never received `{name}`; it got {:?}",
                    self.events().await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// What the host page's on-page event log shows, newest first.
    pub async fn event_log(&self) -> Vec<String> {
        let items = self
            .client
            .find_all(Locator::Css("#event-log li"))
            .await
            .expect("event log");
        let mut names = Vec::new();
        for item in items {
            names.push(
                item.attr("data-event")
                    .await
                    .expect("attribute")
                    .unwrap_or_default(),
            );
        }
        names
    }

    /// Uncaught errors and unhandled rejections the host page saw.
    pub async fn host_errors(&self) -> Vec<Value> {
        match self
            .eval("return window.hostErrors || ['hostErrors missing'];")
            .await
        {
            Value::Array(errors) => errors,
            other => vec![other],
        }
    }

    pub async fn host_flag(&self, name: &str) -> Value {
        self.eval(&format!("return window.{name};")).await
    }

    /// Runs axe-core on the portal (shadow root included) for WCAG 2.1 A and AA and
    /// returns its violations, each as `{ id, impact, help, targets }`.
    pub async fn axe_violations(&self) -> Vec<Value> {
        let source = std::fs::read_to_string(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../tools/node_modules/axe-core/axe.min.js"),
        )
        .expect("axe-core is installed by `cargo xtask setup` (tools/package.json)");
        self.client
            .execute(
                &format!("if (!window.axe) {{ {source} }} return true;"),
                vec![],
            )
            .await
            .expect("inject axe-core");
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document.getElementById('portico-embed'),
                     { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
                   .then(r => done(r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                                                            targets: v.nodes.map(n => n.target) }))))
                   .catch(e => done([{ id: 'axe-failed', help: String(e) }]));",
                vec![],
            )
            .await
            .expect("run axe-core");
        match result {
            Value::Array(violations) => violations,
            other => vec![other],
        }
    }

    /// Presses `key` on whatever has focus, as a keyboard does.
    pub async fn press(&self, key: Key) {
        let value = char::from(key);
        let actions = KeyActions::new("keyboard".to_owned())
            .then(KeyAction::Down { value })
            .then(KeyAction::Up { value });
        self.client
            .perform_actions(actions)
            .await
            .expect("press a key");
    }

    /// The `data-testid` of what has focus inside the portal, if anything there does.
    pub async fn focused(&self) -> Option<String> {
        self.eval(
            "const active = document.getElementById('portico-embed').shadowRoot.activeElement;
             return active ? (active.dataset.testid || active.tagName) : null;",
        )
        .await
        .as_str()
        .map(str::to_owned)
    }

    /// Tabs forward until the portal's `testid` element has focus.
    pub async fn tab_to(&self, testid: &str) {
        for _ in 0..60 {
            if self.focused().await.as_deref() == Some(testid) {
                return;
            }
            self.press(Key::Tab).await;
        }
        panic!("Tab never reached `{testid}`");
    }

    /// Resizes the window to `width` × `height` CSS pixels.
    pub async fn resize(&self, width: u32, height: u32) {
        self.client
            .set_window_size(width, height)
            .await
            .expect("resize the window");
    }

    /// Saves a screenshot of the page as `target/e2e-artifacts/{name}.png`, kept for
    /// people to look at; returns its size in bytes.
    pub async fn keep_screenshot(&self, name: &str) -> usize {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/e2e-artifacts");
        std::fs::create_dir_all(&dir).expect("artifacts directory");
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::write(dir.join(format!("{name}.png")), &png).expect("save screenshot");
        png.len()
    }

    async fn save_artifacts(&self, name: &str) {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/e2e-artifacts");
        let _ = std::fs::create_dir_all(&dir);
        if let Ok(png) = self.client.screenshot().await {
            let path = dir.join(format!("{name}.png"));
            if std::fs::write(&path, png).is_ok() {
                eprintln!("screenshot of the failed page: {}", path.display());
            }
        }
        let state = self
            .eval(
                "const host = document.querySelector('#portico-embed'); \
             return { events: window.porticoEvents, errors: window.hostErrors, url: location.href, \
             widget: host && host.shadowRoot ? host.shadowRoot.innerHTML : null };",
            )
            .await;
        let _ = std::fs::write(dir.join(format!("{name}.json")), state.to_string());
    }
}

async fn type_like_a_person(field: Element, text: &str) {
    field.clear().await.expect("clear");
    field.send_keys(text).await.expect("type");
}
