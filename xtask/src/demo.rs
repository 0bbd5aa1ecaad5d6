//! `cargo xtask demo`: the backend on :8080 and the demo SaaS page on :8081, on
//! SQLite with the seeded catalog (`demo-host/catalog.toml`). Ctrl-C stops both.

use crate::util::{self, Result, command, root};
use std::io::Read;
use std::net::{SocketAddr, TcpStream};
use std::process::Child;
use std::time::{Duration, Instant};

const BACKEND: &str = "127.0.0.1:8080";
const HOST: &str = "127.0.0.1:8081";

pub fn run() -> Result {
    crate::setup::all()?;
    util::step("build the widget", || crate::widget::build().map(drop))?;
    util::step("build the backend and the demo host", || {
        util::cargo(&[
            "build",
            "--locked",
            "--package",
            "portico-server",
            "--package",
            "portico-demo-host",
        ])
    })?;
    for addr in [BACKEND, HOST] {
        if TcpStream::connect(addr).is_ok() {
            return Err(format!(
                "{addr} is already in use: is another demo running?"
            ));
        }
    }

    let data = root().join(".data");
    std::fs::create_dir_all(&data).map_err(|e| format!("{}: {e}", data.display()))?;
    let secret = demo_secret(&data.join("demo-test-secret-key"))?;
    let bin = root().join("target/debug");
    let backend = command(&bin.join("portico").display().to_string())
        .args([
            "serve",
            "--listen",
            BACKEND,
            "--catalog",
            "demo-host/catalog.toml",
            "--assets",
            "dist",
        ])
        .arg("--database")
        .arg(data.join("demo.db"))
        .env("PORTICO_TEST_SECRET_KEY", &secret)
        .spawn()
        .map_err(|e| format!("cannot start the backend: {e}"))?;
    let mut children = Children(vec![backend]);
    let host = command(&bin.join("portico-demo-host").display().to_string())
        .args(["--listen", HOST, "--backend", &format!("http://{BACKEND}")])
        .arg("--service")
        .arg(format!("acme={secret}"))
        .arg("--seed-presets")
        .spawn()
        .map_err(|e| format!("cannot start the demo host: {e}"))?;
    children.0.push(host);

    for addr in [BACKEND, HOST] {
        wait_healthy(addr)?;
    }
    println!("\nPortico demo is running.");
    println!("  Demo SaaS page:  http://localhost:8081   (embeds the widget with one script tag)");
    println!("  Backend:         http://{BACKEND}       (serves /portico.js and /v1/embed/…)");
    println!("  Database:        .data/demo.db (SQLite)");
    println!("Press Ctrl-C to stop.");
    children.wait_any();
    Err("a demo process exited".into())
}

/// The demo's test-mode key: made once, kept in `.data/` (ignored by git).
fn demo_secret(path: &std::path::Path) -> Result<String> {
    if let Ok(existing) = std::fs::read_to_string(path) {
        return Ok(existing.trim().to_owned());
    }
    let mut random = [0u8; 16];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut random))
        .map_err(|e| format!("cannot read /dev/urandom: {e}"))?;
    let key = format!(
        "sk_test_demo{}",
        random
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    std::fs::write(path, &key).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(key)
}

fn wait_healthy(addr: &str) -> Result {
    let addr: SocketAddr = addr.parse().expect("valid address");
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(30) {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(format!("nothing listens on {addr} after 30 s"))
}

/// Child processes that are killed when the demo ends, however it ends.
struct Children(Vec<Child>);

impl Children {
    fn wait_any(&mut self) {
        loop {
            if self
                .0
                .iter_mut()
                .any(|c| c.try_wait().ok().flatten().is_some())
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Children {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
