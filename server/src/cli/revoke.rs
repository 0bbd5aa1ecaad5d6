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
    let mode = Mode::from(args.mode);
    let livemode = mode.is_live();
    let database = |e| format!("database: {e}");
    // The identity the customer's sessions name them by (from their row if they
    // exist: sessions come before the customer does), and their `cus_…`.
    let customer = match &args.customer {
        Some(reference) if reference.starts_with("cus_") => {
            let row = store
                .customer(reference)
                .await
                .map_err(database)?
                .filter(|row| row.livemode == livemode)
                .ok_or_else(|| {
                    format!("--customer: no {} mode customer `{reference}`", mode.name())
                })?;
            Some((row.email, row.external_id, Some(row.id)))
        }
        Some(reference) => {
            let by =
                CustomerRef::from_reference(reference).map_err(|e| format!("--customer: {e}"))?;
            Some(
                match store.find_customer(livemode, &by).await.map_err(database)? {
                    Some(row) => (row.email, row.external_id, Some(row.id)),
                    None => (
                        by.email().map(|email| email.normalized()),
                        by.customer_id().map(str::to_owned),
                        None,
                    ),
                },
            )
        }
        None => None,
    };
    let whose = match (&customer, &args.service) {
        (Some((email, external_id, id)), _) => Revocation::Customer {
            livemode,
            email: email.as_deref(),
            external_id: external_id.as_deref(),
            id: id.as_deref(),
        },
        (None, Some(name)) => Revocation::Service { name },
        (None, None) => Revocation::All,
    };
    let ended = store.revoke_sessions(whose).await.map_err(database)?;
    println!("{ended}");
    eprintln!("portico: {ended} session(s) ended; their unopened portal links no longer open");
    Ok(())
}
