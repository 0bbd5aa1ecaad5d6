//! The crash test: a client drives mutations (signups, plan and seat changes,
//! cancels, resumes, cards and wallet grants with an `Idempotency-Key`; usage
//! events with an `event_id`) at `portico serve` while the server is killed with
//! SIGKILL at random points and restarted on the same database. Every request that
//! got no answer is retried with the same key (or event id) until it gets one. Then `crash_checks` finds each acknowledged mutation in
//! the database exactly once, the invoice numbers gapless, every invoice equal to
//! its lines and every wallet equal to its transactions.
//!
//! With PostgreSQL (`PORTICO_TEST_DATABASE=postgres`) the same run also goes to
//! three servers on one database, each request's retries to the next server, as
//! behind a load balancer, while one of them is killed now and then.
//!
//! The short runs are part of `cargo xtask test`; the long ones (1,000 mutations,
//! more kills) are `#[ignore]`d and run by `cargo xtask bench`.

use crate::crash_checks::{self, Acknowledged, Kind};
use crate::serve::{assets, file, free_port};
use portico_server::store::testing::TestDatabase;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

pub const TEST_KEY: &str = "sk_test_crash-test-fixture";
const LIVE_KEY: &str = "sk_live_crash-test-fixture";
pub const ORIGIN: &str = "https://app.example.com";
const CUSTOMERS: usize = 12;

const CATALOG: &str = r#"
products = [{ id = "app", name = "App" }, { id = "seats", name = "Seats", unit_label = "seat" }]

[[plans]]
id = "solo"
name = "Solo"
currency = "usd"
interval = "month"
items = [{ product = "app", unit_amount = 700 }]

[[plans]]
id = "team"
name = "Team"
currency = "usd"
interval = "month"
items = [{ product = "app", unit_amount = 2000 }, { product = "seats", unit_amount = 500 }]

[[services]]
name = "crash"
mode = "test"
allowed_origins = ["https://app.example.com"]
plans = ["solo", "team"]
meters = ["api_calls"]

[[meters]]
key = "api_calls"
name = "API calls"
unit = "calls"
"#;

/// A `portico serve` that the test kills and starts again on one database.
struct Server {
    dir: PathBuf,
    /// The SQLite file's path or the PostgreSQL URL.
    database: String,
    /// Which of the run's servers this is, for its logs.
    index: usize,
    port: u16,
    child: Option<Child>,
    starts: usize,
}

impl Server {
    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    async fn start(&mut self) {
        self.starts += 1;
        let log = self
            .dir
            .join(format!("serve-{}-{}.log", self.index, self.starts));
        let dir = self.dir.display().to_string();
        let child = Command::new(env!("CARGO_BIN_EXE_portico"))
            .arg("serve")
            .args(["--database", &self.database])
            .args(["--catalog", &format!("{dir}/catalog.toml")])
            .args(["--assets", &format!("{dir}/dist")])
            .args(["--listen", &format!("127.0.0.1:{}", self.port)])
            .args(["--test-secret-key", TEST_KEY, "--live-secret-key", LIVE_KEY])
            .arg("--limit-exempt-loopback")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("start portico serve");
        self.child = Some(child);
        let client = reqwest::Client::new();
        for _ in 0..400 {
            if client
                .get(format!("{}/health", self.base()))
                .send()
                .await
                .is_ok()
            {
                return;
            }
            if let Some(status) = self.child.as_mut().unwrap().try_wait().unwrap() {
                panic!("serve exited with {status}: {}", read(&log));
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("serve did not answer: {}", read(&log));
    }

    /// SIGKILL: no shutdown, no flush, whatever was in flight is cut off.
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// One customer as the client knows it: their session, wallet and subscription.
#[derive(Debug, Default)]
pub struct Customer {
    pub email: String,
    pub token: String,
    pub wallet: String,
    pub subscription: Option<String>,
}

/// Sends `request` until a server answers it; a refused connection (the server is
/// down) or an answer of `idempotency_key_in_use` is retried with the same key, on
/// the next server when there are several (as a load balancer would).
/// Returns the status, the body and how many times it was sent.
async fn until_answered(build: impl Fn(usize) -> reqwest::RequestBuilder) -> (u16, Value, usize) {
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    for attempt in 1.. {
        assert!(
            std::time::Instant::now() < deadline,
            "no answer in two minutes: the server did not come back"
        );
        match build(attempt).timeout(Duration::from_secs(30)).send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                let Ok(text) = response.text().await else {
                    continue;
                };
                let body: Value = serde_json::from_str(&text).unwrap_or(Value::String(text));
                if status == 409 && body["error"]["code"] == "idempotency_key_in_use" {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
                return (status, body, attempt);
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
    unreachable!()
}

/// The next mutation for `customer`, chosen by `rng`, sent until answered.
async fn mutate(
    client: &reqwest::Client,
    bases: &[String],
    first: usize,
    customer: &mut Customer,
    key: String,
    rng: &mut StdRng,
) -> Acknowledged {
    // The request's first attempt goes to server `first`, each retry to the next.
    let url = |path: &str| {
        let path = path.to_owned();
        move |attempt: usize| format!("{}{path}", bases[(first + attempt) % bases.len()])
    };
    let embed = |path: &str, body: Value| {
        let (url, token, key) = (url(path), customer.token.clone(), key.clone());
        move |attempt| {
            client
                .post(url(attempt))
                .header("origin", ORIGIN)
                .header("x-session-token", &token)
                .header("idempotency-key", &key)
                .json(&body)
        }
    };
    let admin = |path: &str, body: Value| {
        let (url, key) = (url(path), key.clone());
        move |attempt| {
            client
                .post(url(attempt))
                .bearer_auth(TEST_KEY)
                .header("idempotency-key", &key)
                .json(&body)
        }
    };
    let roll = rng.random_range(0..100);
    let (kind, (status, body, attempts)) = match (&customer.subscription, roll) {
        (_, 0..10) => {
            let card = json!({"number": "4242424242424242", "exp_month": 12, "exp_year": 2040, "cvc": "123"});
            (
                Kind::Card,
                until_answered(embed("/v1/embed/payment_methods", card)).await,
            )
        }
        (_, 10..30) => {
            let event = json!({"event_id": key, "customer": customer.email, "meter": "api_calls",
                "quantity": rng.random_range(1..1_000)});
            (
                Kind::Usage,
                until_answered(admin("/v1/events", event)).await,
            )
        }
        (_, 30..45) => {
            let grant = json!({"credits": rng.random_range(1..50), "reason": "purchased"});
            let path = format!("/v1/wallets/{}/credits", customer.wallet);
            (Kind::Grant, until_answered(admin(&path, grant)).await)
        }
        (None, _) | (_, 45..52) => {
            let plan = if rng.random_bool(0.5) { "solo" } else { "team" };
            let signup = json!({"plan": plan});
            (
                Kind::Signup,
                until_answered(embed("/v1/embed/subscriptions", signup)).await,
            )
        }
        (Some(id), 52..80) => {
            let change = if rng.random_bool(0.5) {
                json!({"plan": if rng.random_bool(0.5) { "solo" } else { "team" }})
            } else {
                json!({"plan": "team", "quantity": rng.random_range(1..20)})
            };
            let path = format!("/v1/embed/subscriptions/{id}/change");
            (Kind::Change, until_answered(embed(&path, change)).await)
        }
        (Some(id), 80..90) => {
            let path = format!("/v1/embed/subscriptions/{id}/cancel");
            let cancel = json!({"at_period_end": true});
            (Kind::Cancel, until_answered(embed(&path, cancel)).await)
        }
        (Some(id), _) => {
            let path = format!("/v1/embed/subscriptions/{id}/resume");
            (Kind::Resume, until_answered(embed(&path, json!({}))).await)
        }
    };
    if kind == Kind::Signup && status == 201 {
        customer.subscription = body["subscription"]["id"].as_str().map(str::to_owned);
    }
    Acknowledged {
        customer: customer.email.clone(),
        kind,
        key,
        status,
        body,
        attempts,
    }
}

/// The run's shape: how many mutations, how many servers share the database, and
/// how many times one of them is killed.
#[derive(Debug, Clone, Copy)]
pub struct Run {
    pub mutations: usize,
    pub servers: usize,
    pub kills: usize,
    pub seed: u64,
}

pub async fn crash_test(run: Run) {
    let dir = tempfile::tempdir().unwrap();
    if run.servers > 1 && !TestDatabase::postgres_requested() {
        eprintln!("skipped: several servers need PostgreSQL (PORTICO_TEST_DATABASE=postgres)");
        return;
    }
    let database = TestDatabase::new(&dir.path().join("crash.db")).await;
    file(dir.path(), "catalog.toml", CATALOG);
    assets(dir.path());
    let mut servers: Vec<Server> = (0..run.servers)
        .map(|index| Server {
            dir: dir.path().to_owned(),
            database: database.url.clone(),
            index,
            port: free_port(),
            child: None,
            starts: 0,
        })
        .collect();
    for server in &mut servers {
        server.start().await;
    }
    let bases: Arc<[String]> = servers.iter().map(Server::base).collect();
    let client = reqwest::Client::new();
    crash_checks::invoice_every_change(&client, &bases[0]).await;
    let mut customers = Vec::new();
    for i in 0..CUSTOMERS {
        let base = &bases[i % bases.len()];
        customers
            .push(crash_checks::set_up_customer(&client, base, &format!("c{i}@crash.test")).await);
    }

    // The killer: at random points of the run (so that requests are in flight),
    // SIGKILL one server and start it again on the same port.
    let progress = Arc::new(AtomicUsize::new(0));
    let killer = {
        let mut rng = StdRng::seed_from_u64(run.seed ^ 0x5eed);
        let mut points: Vec<usize> = (0..run.kills)
            .map(|_| rng.random_range(1..run.mutations))
            .collect();
        points.sort_unstable();
        let progress = progress.clone();
        tokio::spawn(async move {
            for point in points {
                while progress.load(Ordering::Relaxed) < point {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
                tokio::time::sleep(Duration::from_micros(rng.random_range(0..3_000))).await;
                let server = &mut servers[rng.random_range(0..run.servers)];
                server.kill();
                tokio::time::sleep(Duration::from_millis(rng.random_range(0..50))).await;
                server.start().await;
            }
            servers
        })
    };
    let per_customer = run.mutations.div_ceil(CUSTOMERS);
    let mut workers = Vec::new();
    // Each worker owns one customer, and hands it back with its answers. Its
    // requests go round the servers, as from behind a load balancer.
    for (i, mut customer) in customers.into_iter().enumerate() {
        let (client, bases) = (client.clone(), bases.clone());
        let progress = progress.clone();
        let mut rng = StdRng::seed_from_u64(run.seed.wrapping_add(i as u64));
        workers.push(tokio::spawn(async move {
            let mut acknowledged = Vec::new();
            for step in 0..per_customer {
                let key = format!("crash-{i}-{step}");
                let first = i + step;
                acknowledged
                    .push(mutate(&client, &bases, first, &mut customer, key, &mut rng).await);
                progress.fetch_add(1, Ordering::Relaxed);
            }
            (customer, acknowledged)
        }));
    }
    let (mut customers, mut acknowledged) = (Vec::new(), Vec::new());
    for worker in workers {
        let (customer, answers) = worker.await.unwrap();
        customers.push(customer);
        acknowledged.extend(answers);
    }
    let servers = killer.await.unwrap();
    let report = crash_checks::check(
        &client,
        &servers[0].base(),
        &database.url,
        &customers,
        &acknowledged,
    )
    .await;
    let starts: usize = servers.iter().map(|server| server.starts).sum();
    println!(
        "crash test: {} server(s) on {}, {} kills, {starts} server starts, {report}",
        run.servers,
        if database.url.starts_with("postgres") {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        run.kills,
    );
    // Else the kills all fell between requests, and nothing was tested.
    assert!(report.retried > 0, "no request was cut off by a kill");
    drop(servers);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keyed_mutations_survive_kill_9_exactly_once() {
    crash_test(Run {
        mutations: 300,
        servers: 1,
        kills: 5,
        seed: 17,
    })
    .await;
}

/// Three servers on one PostgreSQL database, one of them killed now and then.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_servers_one_killed_act_exactly_once() {
    crash_test(Run {
        mutations: 300,
        servers: 3,
        kills: 5,
        seed: 18,
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "the long crash test: cargo xtask bench runs it"]
async fn keyed_mutations_survive_kill_9_exactly_once_long() {
    crash_test(Run {
        mutations: 1_000,
        servers: 1,
        kills: 20,
        seed: 1_000,
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "the long multi-server crash test: cargo xtask bench runs it"]
async fn three_servers_one_killed_act_exactly_once_long() {
    crash_test(Run {
        mutations: 1_000,
        servers: 3,
        kills: 20,
        seed: 1_001,
    })
    .await;
}
