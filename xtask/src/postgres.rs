//! A PostgreSQL for the tests: the one `PORTICO_TEST_POSTGRES_URL` names, else one
//! already answering on 127.0.0.1:5432, else a throwaway cluster of our own under
//! `target/postgres` (or the temporary directory, for a checkout the unprivileged
//! user cannot reach), started here (and installed from Debian's `postgresql` if
//! the machine has none). The tests create a database each on it.

use crate::util::{Result, command, output, root, run};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The variable the tests read the server's URL from.
pub const URL_VARIABLE: &str = "PORTICO_TEST_POSTGRES_URL";
/// Our own cluster's port: not 5432, so that it never shadows a real server.
const OWN_PORT: u16 = 54329;
/// The unprivileged user our cluster runs as when we are root (PostgreSQL refuses
/// to run as root); Debian's package creates it.
const OWN_USER: &str = "postgres";

/// The URL of a running PostgreSQL the tests may create databases on.
pub fn ensure() -> Result<String> {
    if let Ok(url) = std::env::var(URL_VARIABLE) {
        println!("    ok: PostgreSQL from {URL_VARIABLE}");
        return Ok(url);
    }
    // A server on the standard port is used only if the tests may log in to it as
    // `postgres` without a password (Debian's own cluster asks for one over TCP).
    let standard = "postgres://postgres@127.0.0.1:5432/postgres";
    if answers(5432) && logs_in(standard) {
        println!("    ok: PostgreSQL on 127.0.0.1:5432");
        return Ok(standard.into());
    }
    let url = format!("postgres://postgres@127.0.0.1:{OWN_PORT}/postgres");
    if answers(OWN_PORT) {
        println!("    ok: PostgreSQL on 127.0.0.1:{OWN_PORT} (target/postgres)");
        return Ok(url);
    }
    let bin = binaries().map_or_else(install, Ok)?;
    start_own_cluster(&bin)?;
    Ok(url)
}

/// Whether `psql` logs in at `url` and runs a query.
fn logs_in(url: &str) -> bool {
    output("psql", &["-w", url, "-At", "-c", "SELECT 1"]).is_some_and(|out| out.trim() == "1")
}

fn answers(port: u16) -> bool {
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    TcpStream::connect_timeout(&address, Duration::from_millis(300)).is_ok()
}

/// The newest installed server's `bin` directory (`/usr/lib/postgresql/15/bin`).
fn binaries() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| Some(entry.ok()?.path().join("bin")))
        .filter(|bin| bin.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop()
}

fn install() -> Result<PathBuf> {
    println!("    installing PostgreSQL (Debian's postgresql)");
    crate::setup::apt_install(&["postgresql"])?;
    binaries().ok_or_else(|| "postgresql installed, but no initdb under /usr/lib/postgresql".into())
}

fn as_root() -> bool {
    output("id", &["-u"]).is_some_and(|uid| uid.trim() == "0")
}

/// Runs a PostgreSQL program, as [`OWN_USER`] when we are root.
fn postgres_program(bin: &Path, program: &str, args: &[&str]) -> Result {
    let program = bin.join(program).display().to_string();
    let mut cmd = if as_root() {
        let mut cmd = command("runuser");
        cmd.args(["-u", OWN_USER, "--", &program]);
        cmd
    } else {
        command(&program)
    };
    run(cmd.args(args))
}

/// Where our cluster lives: `target/postgres`, owned by [`OWN_USER`] when we are
/// root. A checkout that user cannot reach (under `/root`, mode 0700, say) gets
/// one in the system's temporary directory instead.
fn cluster_directory() -> Result<PathBuf> {
    let in_target = root().join("target/postgres");
    if !as_root() {
        create(&in_target)?;
        return Ok(in_target);
    }
    for base in [in_target, std::env::temp_dir().join("portico-postgres")] {
        create(&base)?;
        run(command("chown").args(["-R", OWN_USER, &base.display().to_string()]))?;
        let reachable = command("runuser")
            .args(["-u", OWN_USER, "--", "test", "-w"])
            .arg(&base)
            .status()
            .is_ok_and(|status| status.success());
        if reachable {
            return Ok(base);
        }
    }
    Err(format!(
        "no directory the {OWN_USER} user can write for the test cluster"
    ))
}

fn create(dir: &Path) -> Result {
    std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))
}

fn start_own_cluster(bin: &Path) -> Result {
    let started = Instant::now();
    let base = cluster_directory()?;
    let data = base.join("data");
    let data_arg = data.display().to_string();
    if !data.join("PG_VERSION").exists() {
        postgres_program(
            bin,
            "initdb",
            &[
                "-D",
                &data_arg,
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        )?;
    }
    // A throwaway cluster: durability is traded for speed, and the tests' many
    // databases and several servers need more connections than the default 100.
    let options = format!(
        "-p {OWN_PORT} -c listen_addresses=127.0.0.1 -c unix_socket_directories={} \
         -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=500",
        base.display()
    );
    let log = base.join("server.log").display().to_string();
    postgres_program(
        bin,
        "pg_ctl",
        &["-D", &data_arg, "-o", &options, "-l", &log, "-w", "start"],
    )?;
    println!(
        "    ok: PostgreSQL started on 127.0.0.1:{OWN_PORT} ({}, {:.1?})",
        base.display(),
        started.elapsed()
    );
    Ok(())
}
