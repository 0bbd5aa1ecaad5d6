use super::{Store, StoreResult, new_suffix};
use portico_wire::CustomerRef;
use portico_wire::ids::CustomerId;
use sqlx::SqliteConnection;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CustomerRow {
    pub id: String,
    pub livemode: bool,
    pub email: Option<String>,
    pub external_id: Option<String>,
    pub name: Option<String>,
    pub created: i64,
}

impl CustomerRow {
    pub fn id(&self) -> CustomerId {
        CustomerId::parse(&self.id).unwrap_or_else(|| CustomerId::from_suffix(&self.id))
    }
}

/// Matches by normalized email, or by the integrator's id — or by our own `cus_` id,
/// since Billflow's `customer_id` is the provider's customer id.
pub(super) async fn find(
    conn: &mut SqliteConnection,
    livemode: bool,
    customer: &CustomerRef,
) -> StoreResult<Option<CustomerRow>> {
    const COLUMNS: &str = "SELECT id, livemode, email, external_id, name, created FROM customers";
    let row = match customer {
        CustomerRef::Email(email) => {
            sqlx::query_as(&format!("{COLUMNS} WHERE livemode = ? AND email = ?"))
                .bind(livemode)
                .bind(email.normalized())
                .fetch_optional(&mut *conn)
                .await?
        }
        CustomerRef::CustomerId(id) => {
            sqlx::query_as(&format!(
                "{COLUMNS} WHERE livemode = ? AND (external_id = ? OR id = ?)"
            ))
            .bind(livemode)
            .bind(id)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
        }
    };
    Ok(row)
}

pub(super) async fn insert(
    conn: &mut SqliteConnection,
    livemode: bool,
    customer: &CustomerRef,
    now: i64,
) -> StoreResult<CustomerRow> {
    let row = CustomerRow {
        id: CustomerId::from_suffix(&new_suffix()).to_string(),
        livemode,
        email: customer.email().map(|e| e.normalized()),
        external_id: customer.customer_id().map(str::to_owned),
        name: None,
        created: now,
    };
    sqlx::query("INSERT INTO customers (id, livemode, email, external_id, name, created) VALUES (?, ?, ?, ?, ?, ?)")
        .bind(&row.id)
        .bind(row.livemode)
        .bind(&row.email)
        .bind(&row.external_id)
        .bind(&row.name)
        .bind(row.created)
        .execute(&mut *conn)
        .await?;
    Ok(row)
}

impl Store {
    pub async fn find_customer(
        &self,
        livemode: bool,
        customer: &CustomerRef,
    ) -> StoreResult<Option<CustomerRow>> {
        let mut conn = self.pool.acquire().await?;
        find(&mut conn, livemode, customer).await
    }
}
