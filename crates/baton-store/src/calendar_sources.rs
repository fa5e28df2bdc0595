//! External calendars: a person's Google, Outlook or Apple calendar, uploaded as a file or read
//! from its feed URL, whose events count as busy time and never move.
//!
//! A calendar from a URL is fetched again every so often (by whoever serves; see
//! [`Store::claim_due_calendar_feeds`]); a failed fetch keeps the copy from the last success in
//! use and records why. Fetching itself is not the store's business: callers hand in what they
//! fetched.

use crate::audit::write_audit;
use crate::calendar::own_or_coordinator;
use crate::db::{Row, query};
use crate::{Actor, Result, Store, StoreError, now};
use baton_calendar as engine;
use baton_model::UserId;
use baton_model::records::CalendarSource;
use chrono::{DateTime, TimeDelta, Utc};

/// The largest calendar file kept, uploaded or fetched.
pub const MAX_CALENDAR_BYTES: usize = 32 * 1024 * 1024;

/// The columns [`source_from`] reads.
macro_rules! columns {
    () => {
        "id, user_id, name, url, events, warnings, fetched_at, checked_at, last_error"
    };
}

/// A calendar read from a URL that is due to be fetched again, claimed by one caller.
#[derive(Debug, Clone)]
pub struct DueFeed {
    pub id: i64,
    pub url: String,
}

/// A calendar file read: how many events, and a warning per event with a problem.
struct Read {
    text: String,
    events: i64,
    warnings: Vec<String>,
}

/// Reads a calendar file, refusing one that is too large or not a calendar at all.
fn read(body: &[u8]) -> Result<Read> {
    if body.len() > MAX_CALENDAR_BYTES {
        return Err(StoreError::field(
            "file",
            format!(
                "is {} MB; a calendar may be at most {} MB",
                body.len().div_ceil(1 << 20),
                MAX_CALENDAR_BYTES >> 20
            ),
        ));
    }
    let calendar = engine::ics::parse(body)
        .map_err(|e| StoreError::field("file", format!("not an iCalendar file: {e}")))?;
    Ok(Read {
        text: String::from_utf8_lossy(body).into_owned(),
        events: i64::try_from(calendar.events.len()).unwrap_or(i64::MAX),
        warnings: calendar
            .warnings
            .iter()
            .map(|w| format!("{}: {}", w.uid, w.message))
            .collect(),
    })
}

fn source_from(r: &Row) -> Result<CalendarSource> {
    let warnings: String = r.get("warnings")?;
    let fetched_at: DateTime<Utc> = r.get("fetched_at")?;
    let checked_at: Option<DateTime<Utc>> = r.get("checked_at")?;
    Ok(CalendarSource {
        id: r.get("id")?,
        user_id: r.get("user_id")?,
        name: r.get("name")?,
        url: r.get("url")?,
        events: r.get("events")?,
        warnings: serde_json::from_str(&warnings).unwrap_or_default(),
        fetched_at,
        checked_at: checked_at.unwrap_or(fetched_at),
        last_error: r.get("last_error")?,
    })
}

impl Store {
    /// Adds an external calendar to a person's busy time: their own, or anyone's for an admin
    /// or coordinator. A file that is not a calendar, or larger than [`MAX_CALENDAR_BYTES`],
    /// is refused; a problem in one event is a warning naming it. `url` is where it was
    /// fetched from, when it was: it is fetched again from there.
    pub async fn add_calendar_source(
        &self,
        actor: &Actor,
        user: UserId,
        name: &str,
        url: Option<&str>,
        body: &[u8],
    ) -> Result<CalendarSource> {
        own_or_coordinator(actor, user, "add someone else's calendar")?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(StoreError::field("name", "must be 1 to 100 characters"));
        }
        let read = read(body)?;
        let mut tx = self.begin().await?;
        if !crate::refs::user_exists(&mut tx.conn(), user).await? {
            return Err(StoreError::NotFound);
        }
        let at = now();
        let row = tx
            .conn()
            .fetch_one(
                query(concat!(
                    "INSERT INTO calendar_sources (user_id, name, url, body, events, warnings, \
                     fetched_at, checked_at, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $7) RETURNING ",
                    columns!(),
                    ""
                ))
                .bind(user)
                .bind(name)
                .bind(url)
                .bind(read.text)
                .bind(read.events)
                .bind(serde_json::to_string(&read.warnings).unwrap_or_default())
                .bind(at),
            )
            .await?;
        let source = source_from(&row)?;
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "create",
            "calendar_source",
            source.id,
            None,
            Some(&source),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(source)
    }

    /// A person's external calendars: one's own, or anyone's for an admin or coordinator (a
    /// feed URL is a secret of its owner's).
    pub async fn calendar_sources(
        &self,
        actor: &Actor,
        user: UserId,
    ) -> Result<Vec<CalendarSource>> {
        own_or_coordinator(actor, user, "see someone else's calendars")?;
        self.reader()
            .fetch_all(
                query(concat!(
                    "SELECT ",
                    columns!(),
                    " FROM calendar_sources WHERE user_id = $1 ORDER BY id"
                ))
                .bind(user),
            )
            .await?
            .iter()
            .map(source_from)
            .collect()
    }

    /// One external calendar, to its owner or an admin or coordinator.
    pub async fn calendar_source(&self, actor: &Actor, id: i64) -> Result<CalendarSource> {
        let source = self
            .reader()
            .fetch_optional(
                query(concat!(
                    "SELECT ",
                    columns!(),
                    " FROM calendar_sources WHERE id = $1"
                ))
                .bind(id),
            )
            .await?
            .as_ref()
            .map(source_from)
            .transpose()?
            .ok_or(StoreError::NotFound)?;
        if own_or_coordinator(actor, source.user_id, "").is_err() {
            return Err(StoreError::NotFound);
        }
        Ok(source)
    }

    /// Removes an external calendar: its events stop blocking time.
    pub async fn remove_calendar_source(&self, actor: &Actor, id: i64) -> Result<()> {
        let source = self.calendar_source(actor, id).await?;
        let mut tx = self.begin().await?;
        tx.conn()
            .execute(query("DELETE FROM calendar_sources WHERE id = $1").bind(id))
            .await?;
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "delete",
            "calendar_source",
            id,
            Some(&source),
            None::<&CalendarSource>,
            now(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Claims the calendars read from a URL that were last tried more than `every` ago: each is
    /// marked as tried now, so that of several servers only one fetches it.
    pub async fn claim_due_calendar_feeds(&self, every: TimeDelta) -> Result<Vec<DueFeed>> {
        let at = now();
        let due = self
            .reader()
            .fetch_all(
                query(
                    "SELECT id, url, COALESCE(checked_at, fetched_at) AS checked_at \
                     FROM calendar_sources WHERE url IS NOT NULL \
                     AND COALESCE(checked_at, fetched_at) < $1 ORDER BY id",
                )
                .bind(at - every),
            )
            .await?;
        let mut claimed = Vec::new();
        for row in due {
            let id: i64 = row.get("id")?;
            let seen: DateTime<Utc> = row.get("checked_at")?;
            let mut tx = self.begin().await?;
            let won = tx
                .conn()
                .execute(
                    query(
                        "UPDATE calendar_sources SET checked_at = $1 \
                         WHERE id = $2 AND COALESCE(checked_at, fetched_at) = $3",
                    )
                    .bind(at)
                    .bind(id)
                    .bind(seen),
                )
                .await?;
            tx.commit().await?;
            if won == 1 {
                claimed.push(DueFeed {
                    id,
                    url: row.get("url")?,
                });
            }
        }
        Ok(claimed)
    }

    /// Keeps what fetching a calendar's URL gave: the new copy when it is a calendar (audited
    /// when it changed), or else the reason, keeping the last good copy in use. `actor` is who
    /// asked, or `None` for the periodic refresh.
    pub async fn record_calendar_fetch(
        &self,
        actor: Option<&Actor>,
        id: i64,
        fetched: std::result::Result<Vec<u8>, String>,
    ) -> Result<CalendarSource> {
        let at = now();
        let mut tx = self.begin().await?;
        let row = tx
            .conn()
            .fetch_optional(
                query(concat!(
                    "SELECT ",
                    columns!(),
                    ", body FROM calendar_sources WHERE id = $1"
                ))
                .bind(id),
            )
            .await?
            .ok_or(StoreError::NotFound)?;
        let before = source_from(&row)?;
        let old_body: String = row.get("body")?;
        let read = fetched.and_then(|body| {
            read(&body).map_err(|e| match e {
                StoreError::Invalid(errors) => errors.to_string(),
                other => other.to_string(),
            })
        });
        let row = match read {
            Ok(read) if read.text == old_body => {
                tx.conn()
                    .fetch_one(
                        query(concat!(
                            "UPDATE calendar_sources SET checked_at = $1, last_error = NULL \
                             WHERE id = $2 RETURNING ",
                            columns!(),
                            ""
                        ))
                        .bind(at)
                        .bind(id),
                    )
                    .await?
            }
            Ok(read) => {
                tx.conn()
                    .fetch_one(
                        query(concat!(
                            "UPDATE calendar_sources SET body = $1, events = $2, warnings = $3, \
                             fetched_at = $4, checked_at = $4, last_error = NULL \
                             WHERE id = $5 RETURNING ",
                            columns!(),
                            ""
                        ))
                        .bind(read.text)
                        .bind(read.events)
                        .bind(serde_json::to_string(&read.warnings).unwrap_or_default())
                        .bind(at)
                        .bind(id),
                    )
                    .await?
            }
            Err(reason) => {
                tx.conn()
                    .fetch_one(
                        query(concat!(
                            "UPDATE calendar_sources SET checked_at = $1, last_error = $2 \
                             WHERE id = $3 RETURNING ",
                            columns!(),
                            ""
                        ))
                        .bind(at)
                        .bind(reason)
                        .bind(id),
                    )
                    .await?
            }
        };
        let after = source_from(&row)?;
        if after.fetched_at != before.fetched_at {
            write_audit(
                &mut tx.conn(),
                actor.map(|a| a.user_id),
                "update",
                "calendar_source",
                id,
                Some(&before),
                Some(&after),
                at,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(after)
    }
}
