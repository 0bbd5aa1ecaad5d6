use super::backend::{Lock, on};
use super::{LinkRefused, Store, StoreError, StoreResult};
use portico_wire::billing_portal::Configuration;

/// A portal session of the embedded widget. The customer may not exist yet: it is
/// created on first signup.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRow {
    pub service: String,
    pub email: Option<String>,
    pub external_id: Option<String>,
    pub subscription_id: Option<String>,
    pub livemode: bool,
    pub created: i64,
    pub expires_at: i64,
    /// The portal configuration (`bpc_…`); `None`: the service's, or the mode's default.
    pub configuration: Option<String>,
    /// Flexprice portal tokens: the session shows, and changes nothing.
    pub read_only: bool,
    /// The hosted portal session (`bps_…`) this was opened from.
    pub billing_portal_session: Option<String>,
}

#[derive(sqlx::FromRow)]
struct SessionAndConfiguration {
    #[sqlx(flatten)]
    session: SessionRow,
    configuration_body: Option<String>,
}

/// Whose sessions [`Store::revoke_sessions`] ends.
#[derive(Debug, Clone, Copy)]
pub enum Revocation<'a> {
    All,
    /// Every session of one mode (a rotated key's).
    Mode {
        livemode: bool,
    },
    Service {
        name: &'a str,
    },
    /// One customer's, by the identity their sessions were opened with (a session
    /// can exist before its customer does) and, once they exist, their portal links.
    Customer {
        livemode: bool,
        /// Normalized, as sessions keep it.
        email: Option<&'a str>,
        external_id: Option<&'a str>,
        /// The `cus_…`, if the customer exists.
        id: Option<&'a str>,
    },
}

impl Store {
    /// Ends the sessions of `whose` at once (every server reads them from here on
    /// each request), and makes their unopened portal links expire; returns how
    /// many sessions ended.
    pub async fn revoke_sessions(&self, whose: Revocation<'_>) -> StoreResult<u64> {
        let (sessions, links) = match whose {
            Revocation::All => ("1 = 1", "1 = 1"),
            Revocation::Mode { .. } => ("livemode = $1", "livemode = $1"),
            Revocation::Service { .. } => ("service = $1", "service = $1"),
            // A session names its customer as the page did: by email or by id.
            Revocation::Customer { .. } => (
                "livemode = $1 AND (email = $2 OR external_id = $3)",
                "customer = $1",
            ),
        };
        let mut tx = self.begin_write(Lock::Name("session-revocations")).await?;
        let sql = format!("DELETE FROM portal_sessions WHERE {sessions}");
        let conn = &mut tx.conn();
        let ended = on!(conn => {
        let query = match whose {
            Revocation::All => sqlx::query(&sql),
            Revocation::Mode { livemode } => sqlx::query(&sql).bind(livemode),
            Revocation::Service { name } => sqlx::query(&sql).bind(name),
            Revocation::Customer {
                livemode,
                email,
                external_id,
                ..
            } => sqlx::query(&sql)
                .bind(livemode)
                .bind(email)
                .bind(external_id),
        };
            query.execute(&mut *conn).await.map(|done| done.rows_affected())
        })?;
        let sql = format!(
            "UPDATE billing_portal_sessions SET login_expires_at = 0
             WHERE opened_at IS NULL AND {links}"
        );
        let conn = &mut tx.conn();
        on!(conn => {
        let query = match whose {
            Revocation::All => sqlx::query(&sql),
            Revocation::Mode { livemode } => sqlx::query(&sql).bind(livemode),
            Revocation::Service { name } => sqlx::query(&sql).bind(name),
            Revocation::Customer { id, .. } => sqlx::query(&sql).bind(id),
        };
            query.execute(&mut *conn).await.map(|_| ())
        })?;
        tx.commit().await?;
        Ok(ended)
    }

    pub async fn insert_session(
        &self,
        token_digest: &str,
        session: &SessionRow,
    ) -> StoreResult<()> {
        on!(pool self.pool, conn => sqlx::query(
            "INSERT INTO portal_sessions (token_digest, service, email, external_id, subscription_id, livemode, created, expires_at,
                configuration, read_only, billing_portal_session)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(token_digest)
        .bind(&session.service)
        .bind(&session.email)
        .bind(&session.external_id)
        .bind(&session.subscription_id)
        .bind(session.livemode)
        .bind(session.created)
        .bind(session.expires_at)
        .bind(&session.configuration)
        .bind(session.read_only)
        .bind(&session.billing_portal_session)
        .execute(&mut *conn)
        .await.map(|done| done.rows_affected()))?;
        Ok(())
    }

    /// The session for a token digest, if it exists and has not expired at `now`.
    pub async fn live_session(
        &self,
        token_digest: &str,
        now: i64,
    ) -> StoreResult<Option<SessionRow>> {
        let row = on!(pool self.pool, conn => sqlx::query_as(
            "SELECT service, email, external_id, subscription_id, livemode, created, expires_at,
                configuration, read_only, billing_portal_session
             FROM portal_sessions WHERE token_digest = $1 AND expires_at > $2",
        )
        .bind(token_digest)
        .bind(now)
        .fetch_optional(&mut *conn)
        .await)?;
        Ok(row)
    }

    /// [`Self::live_session`] and, in the same statement, the configuration its
    /// portal uses when the service names none: the session's own if it exists in
    /// the session's mode, else the mode's default. One statement instead of two
    /// on every widget request.
    pub async fn live_session_and_configuration(
        &self,
        token_digest: &str,
        now: i64,
    ) -> StoreResult<Option<(SessionRow, Configuration)>> {
        let row: Option<SessionAndConfiguration> = on!(pool self.pool, conn => sqlx::query_as(
            "SELECT s.service, s.email, s.external_id, s.subscription_id, s.livemode, s.created,
                s.expires_at, s.configuration, s.read_only, s.billing_portal_session,
                COALESCE(
                    (SELECT c.body FROM portal_configurations c
                     WHERE c.id = s.configuration AND c.livemode = s.livemode),
                    (SELECT c.body FROM portal_configurations c
                     WHERE c.livemode = s.livemode AND c.is_default)
                ) AS configuration_body
             FROM portal_sessions s WHERE s.token_digest = $1 AND s.expires_at > $2",
        )
        .bind(token_digest)
        .bind(now)
        .fetch_optional(&mut *conn)
        .await)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let body = row.configuration_body.ok_or_else(|| {
            StoreError::Corrupt("no default portal configuration for the session's mode".into())
        })?;
        Ok(Some((
            row.session,
            super::portal::decode_configuration(&body)?,
        )))
    }

    /// Gives the session of `token_digest` a one-time page link, unused until
    /// `expires_at`.
    pub async fn add_session_login(
        &self,
        token_digest: &str,
        login_digest: &str,
        expires_at: i64,
    ) -> StoreResult<()> {
        on!(pool self.pool, conn => sqlx::query(
            "UPDATE portal_sessions SET login_digest = $1, login_expires_at = $2
             WHERE token_digest = $3",
        )
        .bind(login_digest)
        .bind(expires_at)
        .bind(token_digest)
        .execute(&mut *conn)
        .await.map(|done| done.rows_affected()))?;
        Ok(())
    }

    /// Marks a session's page link used and returns the session, if the link is
    /// unused and unexpired and the session live at `now`; otherwise says why not.
    pub async fn open_session_login(
        &self,
        login_digest: &str,
        now: i64,
    ) -> StoreResult<Result<SessionRow, LinkRefused>> {
        let opened: Option<SessionRow> = on!(pool self.pool, conn => sqlx::query_as(
            "UPDATE portal_sessions SET login_opened_at = $1
             WHERE login_digest = $2 AND login_opened_at IS NULL AND login_expires_at > $3
               AND expires_at > $4
             RETURNING service, email, external_id, subscription_id, livemode, created,
                expires_at, configuration, read_only, billing_portal_session",
        )
        .bind(now)
        .bind(login_digest)
        .bind(now)
        .bind(now)
        .fetch_optional(&mut *conn)
        .await)?;
        if let Some(session) = opened {
            return Ok(Ok(session));
        }
        let why = self
            .link_refusal(
                "SELECT login_opened_at FROM portal_sessions WHERE login_digest = $1",
                login_digest,
            )
            .await?;
        Ok(Err(why))
    }

    /// Removes sessions that expired before `now`; returns how many.
    pub async fn purge_expired_sessions(&self, now: i64) -> StoreResult<u64> {
        let done = on!(pool self.pool, conn => sqlx::query("DELETE FROM portal_sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(&mut *conn)
            .await.map(|done| done.rows_affected()))?;
        Ok(done)
    }
}
