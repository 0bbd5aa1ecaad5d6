use super::backend::{Conn, Lock, Tx, on};
use super::stored::{StoredAddress, StoredTaxId};
use super::{Store, StoreError, StoreResult, new_suffix};
use portico_wire::CustomerRef;
use portico_wire::customer::{Address, TaxId};
use portico_wire::ids::CustomerId;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerRow {
    pub id: String,
    pub livemode: bool,
    /// The identity the portal is opened with (normalized); never edited.
    pub email: Option<String>,
    pub external_id: Option<String>,
    pub details: CustomerDetails,
    pub created: i64,
}

/// What the customer may edit (Stripe's `customer_update`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerDetails {
    pub name: Option<String>,
    /// Where invoices go, if not the identity's email.
    pub billing_email: Option<String>,
    pub address: Option<Address>,
    pub tax_id: Option<TaxId>,
}

impl CustomerRow {
    pub fn id(&self) -> CustomerId {
        CustomerId::parse(&self.id).unwrap_or_else(|| CustomerId::from_suffix(&self.id))
    }
}

#[derive(sqlx::FromRow)]
struct Record {
    id: String,
    livemode: bool,
    email: Option<String>,
    external_id: Option<String>,
    name: Option<String>,
    billing_email: Option<String>,
    address: Option<String>,
    tax_id: Option<String>,
    created: i64,
}

const COLUMNS: &str = "SELECT id, livemode, email, external_id, name, billing_email, address, tax_id, created FROM customers";

fn to_row(r: Record) -> StoreResult<CustomerRow> {
    let corrupt = |what: &str, e: serde_json::Error| {
        StoreError::Corrupt(format!("customer {}: {what}: {e}", r.id))
    };
    let address = match &r.address {
        Some(json) => Some(Address::from(
            serde_json::from_str::<StoredAddress>(json).map_err(|e| corrupt("address", e))?,
        )),
        None => None,
    };
    let tax_id = match &r.tax_id {
        Some(json) => Some(TaxId::from(
            serde_json::from_str::<StoredTaxId>(json).map_err(|e| corrupt("tax_id", e))?,
        )),
        None => None,
    };
    Ok(CustomerRow {
        id: r.id,
        livemode: r.livemode,
        email: r.email,
        external_id: r.external_id,
        details: CustomerDetails {
            name: r.name,
            billing_email: r.billing_email,
            address,
            tax_id,
        },
        created: r.created,
    })
}

/// Matches by normalized email, or by the integrator's id — or by our own `cus_` id,
/// since Billflow's `customer_id` is the provider's customer id.
/// What a write about a customer known by identity locks first: the identity,
/// since the customer may not exist yet ([`find_or_insert`]).
pub(super) fn identity_lock(livemode: bool, customer: &CustomerRef) -> String {
    match customer {
        CustomerRef::Email(email) => format!("customer:{livemode}:email:{}", email.normalized()),
        CustomerRef::CustomerId(id) => format!("customer:{livemode}:id:{id}"),
    }
}

/// The customer, inserted if new, with their row locked ([`Lock::Customer`]), in a
/// transaction that holds their [`identity_lock`]: two servers signing up one
/// new customer at once make one customer.
pub(super) async fn find_or_insert(
    tx: &mut Tx,
    livemode: bool,
    customer: &CustomerRef,
    now: i64,
) -> StoreResult<CustomerRow> {
    let row = match find(&mut tx.conn(), livemode, customer).await? {
        Some(existing) => existing,
        None => insert(&mut tx.conn(), livemode, customer, now).await?,
    };
    tx.lock(Lock::Customer(&row.id)).await?;
    Ok(row)
}

pub(super) async fn find(
    conn: &mut Conn<'_>,
    livemode: bool,
    customer: &CustomerRef,
) -> StoreResult<Option<CustomerRow>> {
    let record: Option<Record> = match customer {
        CustomerRef::Email(email) => {
            on!(conn => sqlx::query_as(&format!("{COLUMNS} WHERE livemode = $1 AND email = $2"))
                .bind(livemode)
                .bind(email.normalized())
                .fetch_optional(&mut *conn)
                .await)?
        }
        // The host's own id, and nothing else: never another customer's `cus_…`.
        CustomerRef::CustomerId(id) => {
            on!(conn => sqlx::query_as(&format!("{COLUMNS} WHERE livemode = $1 AND external_id = $2"))
                .bind(livemode)
                .bind(id)
                .fetch_optional(&mut *conn)
                .await)?
        }
    };
    record.map(to_row).transpose()
}

pub(super) async fn find_by_id(conn: &mut Conn<'_>, id: &str) -> StoreResult<Option<CustomerRow>> {
    let record: Option<Record> = on!(conn => sqlx::query_as(&format!("{COLUMNS} WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await)?;
    record.map(to_row).transpose()
}

pub(super) async fn by_id(conn: &mut Conn<'_>, id: &str) -> StoreResult<CustomerRow> {
    let record: Record = on!(conn => sqlx::query_as(&format!("{COLUMNS} WHERE id = $1"))
        .bind(id)
        .fetch_one(&mut *conn)
        .await)?;
    to_row(record)
}

pub(super) async fn insert(
    conn: &mut Conn<'_>,
    livemode: bool,
    customer: &CustomerRef,
    now: i64,
) -> StoreResult<CustomerRow> {
    let row = CustomerRow {
        id: CustomerId::from_suffix(&new_suffix()).to_string(),
        livemode,
        email: customer.email().map(|e| e.normalized()),
        external_id: customer.customer_id().map(str::to_owned),
        details: CustomerDetails::default(),
        created: now,
    };
    on!(conn => sqlx::query(
        "INSERT INTO customers (id, livemode, email, external_id, created) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&row.id)
    .bind(row.livemode)
    .bind(&row.email)
    .bind(&row.external_id)
    .bind(row.created)
    .execute(&mut *conn)
    .await.map(|done| done.rows_affected()))?;
    Ok(row)
}

impl Store {
    pub async fn find_customer(
        &self,
        livemode: bool,
        customer: &CustomerRef,
    ) -> StoreResult<Option<CustomerRow>> {
        let mut pooled = self.pool.acquire().await?;
        let conn = &mut pooled.conn();
        find(conn, livemode, customer).await
    }

    /// Replaces the customer's editable details (creating the customer if new).
    pub async fn update_customer(
        &self,
        livemode: bool,
        customer: &CustomerRef,
        now: i64,
        update: impl FnOnce(&mut CustomerDetails),
    ) -> StoreResult<CustomerRow> {
        let identity = identity_lock(livemode, customer);
        let mut tx = self.begin_write(Lock::Name(&identity)).await?;
        let mut row = find_or_insert(&mut tx, livemode, customer, now).await?;
        update(&mut row.details);
        let address = row
            .details
            .address
            .as_ref()
            .map(|address| serde_json::to_string(&StoredAddress::from(address)))
            .transpose();
        let tax_id = row
            .details
            .tax_id
            .as_ref()
            .map(|tax_id| serde_json::to_string(&StoredTaxId::from(tax_id)))
            .transpose();
        let (address, tax_id) = match (address, tax_id) {
            (Ok(a), Ok(t)) => (a, t),
            (Err(e), _) | (_, Err(e)) => {
                return Err(StoreError::Corrupt(format!("customer details: {e}")));
            }
        };
        on!(tx, conn => sqlx::query("UPDATE customers SET name = $1, billing_email = $2, address = $3, tax_id = $4 WHERE id = $5")
            .bind(&row.details.name)
            .bind(&row.details.billing_email)
            .bind(address)
            .bind(tax_id)
            .bind(&row.id)
            .execute(&mut *conn)
            .await.map(|done| done.rows_affected()))?;
        tx.commit().await?;
        Ok(row)
    }
}
