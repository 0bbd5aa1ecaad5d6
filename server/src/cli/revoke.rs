//! `portico sessions revoke`: ends portal sessions at once, on every server that
//! shares the database (each reads its sessions from it on every request).

use super::{Database, ModeArg, open};
use clap::Args;
use portico_server::catalog::Mode;
use portico_server::store::Revocation;
use portico_wire::CustomerRef;

#[derive(Debug, Args)]
#[group(required = true, multiple = false, id = "whose")]
pub struct RevokeArgs {
    /// One customer's sessions: a `cus_…`, an email or your id for them (with `--mode`).
    #[arg(long, group = "whose")]
    customer: Option<String>,
    /// Every session of one service.
    #[arg(long, group = "whose")]
    service: Option<String>,
    /// Every session of every customer.
    #[arg(long, group = "whose")]
    all: bool,
    /// The customer's mode.
    #[arg(long, value_enum, default_value = "test")]
    mode: ModeArg,
    #[command(flatten)]
    database: Database,
}

pub async fn revoke(args: RevokeArgs) -> Result<(), String> {
    let store = open(&args.database).await?;
    let livemode = Mode::from(args.mode).is_live();
    let database = |e| format!("database: {e}");
    // The customer's row if they exist, and the identity sessions name them by.
    let (row, reference) = match &args.customer {
        Some(reference) if reference.starts_with("cus_") => {
            let row = store
                .customer(reference)
                .await
                .map_err(database)?
                .filter(|row| row.livemode == livemode)
                .ok_or_else(|| {
                    format!(
                        "--customer: no {} mode customer `{reference}`",
                        mode_name(livemode)
                    )
                })?;
            (Some(row), None)
        }
        Some(reference) => {
            let by = if reference.contains('@') {
                CustomerRef::from_parts(Some(reference), None)
            } else {
                CustomerRef::from_parts(None, Some(reference))
            }
            .map_err(|e| format!("--customer: {e}"))?;
            let row = store.find_customer(livemode, &by).await.map_err(database)?;
            (row, Some(by))
        }
        None => (None, None),
    };
    let email = match (&row, &reference) {
        (Some(row), _) => row.email.clone(),
        (None, Some(by)) => by.email().map(|e| e.normalized()),
        (None, None) => None,
    };
    let external_id = match (&row, &reference) {
        (Some(row), _) => row.external_id.clone(),
        (None, Some(by)) => by.customer_id().map(str::to_owned),
        (None, None) => None,
    };
    let whose = match (&args.customer, &args.service) {
        (Some(_), _) => Revocation::Customer {
            livemode,
            email: email.as_deref(),
            external_id: external_id.as_deref(),
            id: row.as_ref().map(|row| row.id.as_str()),
        },
        (None, Some(name)) => Revocation::Service { name },
        (None, None) => Revocation::All,
    };
    let ended = store.revoke_sessions(whose).await.map_err(database)?;
    println!("{ended}");
    eprintln!("portico: {ended} session(s) ended; their unopened portal links no longer open");
    Ok(())
}

fn mode_name(livemode: bool) -> &'static str {
    if livemode { "live" } else { "test" }
}
