//! Portal configurations and hosted portal sessions.

use super::backend::on;
use super::stored::StoredConfiguration;
use super::{Store, StoreError, StoreResult};
use portico_wire::billing_portal::{Configuration, Flow};

/// Which slice of a list: Stripe's cursor parameters and filters.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub livemode: bool,
    pub active: Option<bool>,
    pub is_default: Option<bool>,
    pub limit: u32,
    pub starting_after: Option<String>,
    pub ending_before: Option<String>,
}

/// A hosted portal session as stored; its login token only as a digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalSessionRow {
    pub id: String,
    pub livemode: bool,
    pub configuration: String,
    pub customer: String,
    pub service: String,
    pub flow: Option<Flow>,
    pub locale: Option<String>,
    pub on_behalf_of: Option<String>,
    pub return_url: Option<String>,
    pub created: i64,
}

/// Why a hosted portal link does not open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkRefused {
    Unknown,
    Used,
    Expired,
}

pub(super) fn decode_configuration(body: &str) -> StoreResult<Configuration> {
    serde_json::from_str::<StoredConfiguration>(body)
        .map(Configuration::from)
        .map_err(|e| StoreError::Corrupt(format!("configuration: {e}")))
}

fn encode_configuration(configuration: &Configuration) -> StoreResult<String> {
    let stored = StoredConfiguration::try_from(configuration)
        .map_err(|e| StoreError::Corrupt(format!("configuration {}: {e}", configuration.id)))?;
    encode(&stored)
}

fn encode<T: serde::Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

impl Store {
    /// Creates `fresh` as the mode's default unless the mode has one already.
    pub async fn ensure_default_configuration(&self, fresh: &Configuration) -> StoreResult<()> {
        on!(pool self.pool, conn => sqlx::query(
            "INSERT INTO portal_configurations (id, livemode, active, is_default, body)
             SELECT $1, $2, TRUE, TRUE, $3 WHERE NOT EXISTS
               (SELECT 1 FROM portal_configurations WHERE livemode = $4 AND is_default)",
        )
        .bind(&fresh.id)
        .bind(fresh.livemode)
        .bind(encode_configuration(fresh)?)
        .bind(fresh.livemode)
        .execute(&mut *conn)
        .await.map(|done| done.rows_affected()))?;
        Ok(())
    }

    pub async fn insert_configuration(&self, configuration: &Configuration) -> StoreResult<()> {
        on!(pool self.pool, conn => sqlx::query(
            "INSERT INTO portal_configurations (id, livemode, active, is_default, body) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&configuration.id)
        .bind(configuration.livemode)
        .bind(configuration.active)
        .bind(configuration.is_default)
        .bind(encode_configuration(configuration)?)
        .execute(&mut *conn)
        .await.map(|done| done.rows_affected()))?;
        Ok(())
    }

    pub async fn save_configuration(&self, configuration: &Configuration) -> StoreResult<()> {
        on!(pool self.pool, conn => sqlx::query("UPDATE portal_configurations SET active = $1, body = $2 WHERE id = $3")
            .bind(configuration.active)
            .bind(encode_configuration(configuration)?)
            .bind(&configuration.id)
            .execute(&mut *conn)
            .await.map(|done| done.rows_affected()))?;
        Ok(())
    }

    /// The configuration with this id, in whichever mode it lives.
    pub async fn configuration(&self, id: &str) -> StoreResult<Option<Configuration>> {
        let row: Option<(String,)> = on!(pool self.pool, conn => sqlx::query_as("SELECT body FROM portal_configurations WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await)?;
        row.map(|(body,)| decode_configuration(&body)).transpose()
    }

    pub async fn default_configuration(&self, livemode: bool) -> StoreResult<Configuration> {
        let (body,): (String,) = on!(pool self.pool, conn => sqlx::query_as(
            "SELECT body FROM portal_configurations WHERE livemode = $1 AND is_default",
        )
        .bind(livemode)
        .fetch_one(&mut *conn)
        .await)?;
        decode_configuration(&body)
    }

    /// One page, newest first, and whether more follow in the paging direction.
    pub async fn list_configurations(
        &self,
        query: &ListQuery,
    ) -> StoreResult<(Vec<Configuration>, bool)> {
        let mut pooled = self.pool.acquire().await?;
        let conn = &mut pooled.conn();
        let mut cursors = [None, None];
        for (cursor, id) in cursors
            .iter_mut()
            .zip([&query.starting_after, &query.ending_before])
        {
            if let Some(id) = id {
                let seq: Option<(i64,)> = on!(conn => sqlx::query_as(
                    "SELECT seq FROM portal_configurations WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(&mut *conn)
                .await)?;
                *cursor = seq.map(|(seq,)| seq);
            }
        }
        let [after, before] = cursors;
        // `ending_before` pages backwards: the nearest newer objects, then reversed.
        let backwards = before.is_some();
        let sql = format!(
            "SELECT body FROM portal_configurations
             WHERE livemode = $1
               AND ($2 IS NULL OR active = $2)
               AND ($3 IS NULL OR is_default = $3)
               AND ($4 IS NULL OR seq < $4)
               AND ($5 IS NULL OR seq > $5)
             ORDER BY seq {} LIMIT $6",
            if backwards { "ASC" } else { "DESC" }
        );
        let rows: Vec<(String,)> = on!(conn => sqlx::query_as(&sql)
            .bind(query.livemode)
            .bind(query.active)
            .bind(query.is_default)
            .bind(after)
            .bind(before)
            .bind(i64::from(query.limit) + 1)
            .fetch_all(&mut *conn)
            .await)?;
        let has_more = rows.len() > query.limit as usize;
        let mut page = rows
            .into_iter()
            .take(query.limit as usize)
            .map(|(body,)| decode_configuration(&body))
            .collect::<StoreResult<Vec<_>>>()?;
        if backwards {
            page.reverse();
        }
        Ok((page, has_more))
    }

    pub async fn insert_portal_session(
        &self,
        session: &PortalSessionRow,
        login_digest: &str,
        login_expires_at: i64,
    ) -> StoreResult<()> {
        on!(pool self.pool, conn => sqlx::query(
            "INSERT INTO billing_portal_sessions (id, livemode, configuration, customer, service, flow,
                locale, on_behalf_of, return_url, created, login_digest, login_expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(&session.id)
        .bind(session.livemode)
        .bind(&session.configuration)
        .bind(&session.customer)
        .bind(&session.service)
        .bind(session.flow.as_ref().map(encode).transpose()?)
        .bind(&session.locale)
        .bind(&session.on_behalf_of)
        .bind(&session.return_url)
        .bind(session.created)
        .bind(login_digest)
        .bind(login_expires_at)
        .execute(&mut *conn)
        .await.map(|done| done.rows_affected()))?;
        Ok(())
    }

    /// Marks the login link used and returns its session, if it is unused and
    /// unexpired at `now`; otherwise says why not.
    pub async fn open_portal_link(
        &self,
        login_digest: &str,
        now: i64,
    ) -> StoreResult<Result<PortalSessionRow, LinkRefused>> {
        let opened: Option<SessionRecord> = on!(pool self.pool, conn => sqlx::query_as(
            "UPDATE billing_portal_sessions SET opened_at = $1
             WHERE login_digest = $2 AND opened_at IS NULL AND login_expires_at > $3
             RETURNING id, livemode, configuration, customer, service, flow, locale, on_behalf_of, return_url, created",
        )
        .bind(now)
        .bind(login_digest)
        .bind(now)
        .fetch_optional(&mut *conn)
        .await)?;
        if let Some(record) = opened {
            return record.into_row().map(Ok);
        }
        let why = self
            .link_refusal(
                "SELECT opened_at FROM billing_portal_sessions WHERE login_digest = $1",
                login_digest,
            )
            .await?;
        Ok(Err(why))
    }

    /// Why a login link did not open, given `opened_at`, the query of when the link
    /// with this digest was opened (if it exists; `NULL` if not yet).
    pub(super) async fn link_refusal(
        &self,
        opened_at: &str,
        login_digest: &str,
    ) -> StoreResult<LinkRefused> {
        let state: Option<(Option<i64>,)> = on!(pool self.pool, conn => sqlx::query_as(opened_at)
            .bind(login_digest)
            .fetch_optional(&mut *conn)
            .await)?;
        Ok(match state {
            None => LinkRefused::Unknown,
            Some((Some(_),)) => LinkRefused::Used,
            Some((None,)) => LinkRefused::Expired,
        })
    }

    pub async fn portal_session(&self, id: &str) -> StoreResult<Option<PortalSessionRow>> {
        let record: Option<SessionRecord> = on!(pool self.pool, conn => sqlx::query_as(
            "SELECT id, livemode, configuration, customer, service, flow, locale, on_behalf_of, return_url, created
             FROM billing_portal_sessions WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *conn)
        .await)?;
        record.map(SessionRecord::into_row).transpose()
    }
}

#[derive(sqlx::FromRow)]
struct SessionRecord {
    id: String,
    livemode: bool,
    configuration: String,
    customer: String,
    service: String,
    flow: Option<String>,
    locale: Option<String>,
    on_behalf_of: Option<String>,
    return_url: Option<String>,
    created: i64,
}

impl SessionRecord {
    fn into_row(self) -> StoreResult<PortalSessionRow> {
        let flow = self
            .flow
            .map(|json| serde_json::from_str(&json))
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("portal session flow: {e}")))?;
        Ok(PortalSessionRow {
            id: self.id,
            livemode: self.livemode,
            configuration: self.configuration,
            customer: self.customer,
            service: self.service,
            flow,
            locale: self.locale,
            on_behalf_of: self.on_behalf_of,
            return_url: self.return_url,
            created: self.created,
        })
    }
}
