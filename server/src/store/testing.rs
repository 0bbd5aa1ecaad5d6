//! A database of one test's own, on the backend the test run asks for: SQLite at
//! the path the test gives (the default), or, with `PORTICO_TEST_DATABASE=postgres`,
//! a new database on the PostgreSQL server `PORTICO_TEST_POSTGRES_URL` names
//! (`cargo xtask test` sets both, and runs the store and API tests both ways).

use sqlx::Connection;
use std::path::Path;

/// The variable that picks the backend: `sqlite` (or unset) or `postgres`.
pub const BACKEND_VARIABLE: &str = "PORTICO_TEST_DATABASE";
/// The PostgreSQL server's URL, with a database the tests may connect to first.
pub const POSTGRES_URL_VARIABLE: &str = "PORTICO_TEST_POSTGRES_URL";

/// A database that is dropped with this value (on PostgreSQL; a SQLite file goes
/// with the test's temporary directory).
#[derive(Debug)]
pub struct TestDatabase {
    /// What `Store::open` and `portico serve --database` take.
    pub url: String,
    /// The server's URL and the database's name, to drop it.
    postgres: Option<(String, String)>,
}

impl TestDatabase {
    /// A new, empty database. Panics (it is for tests) if PostgreSQL was asked for
    /// and cannot be reached.
    pub async fn new(sqlite_path: &Path) -> Self {
        if !Self::postgres_requested() {
            return Self::sqlite(sqlite_path);
        }
        let server = std::env::var(POSTGRES_URL_VARIABLE).unwrap_or_else(|_| {
            panic!("{BACKEND_VARIABLE}=postgres needs {POSTGRES_URL_VARIABLE}")
        });
        Self::postgres(&server).await
    }

    /// The SQLite file at `path`, whatever the environment asks for.
    pub fn sqlite(path: &Path) -> Self {
        Self {
            url: path.display().to_string(),
            postgres: None,
        }
    }

    /// A new database on the PostgreSQL server at `server`, whatever the
    /// environment asks for.
    pub async fn postgres(server: &str) -> Self {
        let server = server.to_owned();
        let name = format!(
            "portico_test_{}",
            crate::auth::random_alphanumeric(16).to_ascii_lowercase()
        );
        let mut admin = sqlx::PgConnection::connect(&server)
            .await
            .unwrap_or_else(|e| panic!("connecting to {server}: {e}"));
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .unwrap_or_else(|e| panic!("creating database {name}: {e}"));
        let _ = admin.close().await;
        Self {
            url: with_database(&server, &name),
            postgres: Some((server, name)),
        }
    }

    /// Whether this test run is on PostgreSQL.
    pub fn postgres_requested() -> bool {
        std::env::var(BACKEND_VARIABLE).is_ok_and(|backend| backend == "postgres")
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some((server, name)) = self.postgres.take() else {
            return;
        };
        // Drop runs inside or outside a runtime: a thread of its own can block on
        // one of its own either way.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let mut admin = sqlx::PgConnection::connect(&server).await.ok()?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut admin)
                    .await
                    .ok()
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(_))) {
            eprintln!("note: test database {} was not dropped", self.url);
        }
    }
}

/// A pool on `database`, as `Store::open` takes it (a SQLite file's path or a
/// PostgreSQL URL), for a test's or a benchmark's own SQL. Panics if it cannot
/// connect.
pub async fn any_pool(database: &str) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    let url = if database.starts_with("postgres") {
        database.to_owned()
    } else {
        format!("sqlite://{database}")
    };
    sqlx::AnyPool::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("connecting to {url}: {e}"))
}

/// `server` (`postgres://user@host:port/db?options`) with its database replaced.
fn with_database(server: &str, name: &str) -> String {
    let (base, query) = server.split_once('?').unwrap_or((server, ""));
    let authority_end = base
        .find("://")
        .map(|scheme| scheme + 3)
        .and_then(|start| base[start..].find('/').map(|slash| start + slash))
        .unwrap_or(base.len());
    let mut url = format!("{}/{name}", &base[..authority_end]);
    if !query.is_empty() {
        url.push('?');
        url.push_str(query);
    }
    url
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_database_name_replaces_the_servers_and_keeps_its_options() {
        assert_eq!(
            super::with_database("postgres://u@h:5432/postgres?sslmode=disable", "t1"),
            "postgres://u@h:5432/t1?sslmode=disable"
        );
        assert_eq!(
            super::with_database("postgres://u@h", "t2"),
            "postgres://u@h/t2"
        );
    }
}
