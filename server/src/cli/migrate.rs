//! `portico migrate`: a SQLite database copied into a new PostgreSQL database, to
//! run several servers on it.

use clap::Args;
use portico_server::store::{self, Store};

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The SQLite database: a file path or a `sqlite://` URL.
    #[arg(long)]
    from: String,
    /// The PostgreSQL database (`postgres://…`), created beforehand and holding no
    /// customer; its schema is made here.
    #[arg(long)]
    to: String,
}

pub async fn migrate(args: MigrateArgs) -> Result<(), String> {
    if !store::is_postgres_url(&args.to) {
        return Err(format!("--to must be a postgres:// URL, not `{}`", args.to));
    }
    if !std::path::Path::new(args.from.trim_start_matches("sqlite://")).exists() {
        return Err(format!("--from: no SQLite database at `{}`", args.from));
    }
    let source = Store::open(&args.from)
        .await
        .map_err(|e| format!("--from: {e}"))?;
    let target = Store::open(&args.to)
        .await
        .map_err(|e| format!("--to: {e}"))?;
    let copied = source
        .copy_into(&target)
        .await
        .map_err(|e| format!("migrate: {e}"))?;
    for (table, rows) in &copied {
        eprintln!("  {table:<24} {rows:>10} rows");
    }
    eprintln!(
        "portico: copied {} rows into the PostgreSQL database. Its servers take the secret \
         keys by environment (PORTICO_TEST_SECRET_KEY, PORTICO_LIVE_SECRET_KEY): \
         `portico keys show --database {}` prints this database's.",
        copied.iter().map(|(_, rows)| rows).sum::<usize>(),
        args.from
    );
    Ok(())
}
