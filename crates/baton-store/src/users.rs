//! Users and their credentials.

use crate::audit::write_audit;
use crate::db::{Conn, Row, built_query, query};
use crate::error::check_version;
use crate::list::{Kind, ListQuery, ListSpec, Page, paginate};
use crate::{Actor, Result, Store, StoreError, now};
use baton_model::records::{User, UserChanges};
use baton_model::{Email, FieldErrors, Role, TimeZone, UserId};

const COLUMNS: &str =
    "x.id, x.email, x.name, x.role, x.time_zone, x.active, x.version, x.created_at, x.updated_at";

const LIST: ListSpec = ListSpec {
    from: "users x",
    columns: COLUMNS,
    filters: &[
        ("id", "x.id", Kind::Int),
        ("role", "x.role", Kind::Text),
        ("active", "x.active", Kind::Bool),
        ("email", "lower(x.email)", Kind::Text),
    ],
    sorts: &[
        ("id", "x.id", Kind::Int, false),
        ("name", "lower(x.name)", Kind::Text, false),
    ],
    search: &["x.name", "x.email"],
    search_sort: Some("name"),
    archivable: false,
};

fn user_from_row(r: &Row) -> Result<User> {
    Ok(User {
        id: r.get("id")?,
        email: r.parse("email")?,
        name: r.get("name")?,
        role: r.parse("role")?,
        time_zone: r.parse("time_zone")?,
        active: r.get("active")?,
        version: r.get("version")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
    })
}

pub(crate) async fn load_user(conn: &mut Conn<'_>, id: UserId) -> Result<Option<User>> {
    conn.fetch_optional(
        built_query(format!("SELECT {COLUMNS} FROM users x WHERE x.id = $1")).bind(id),
    )
    .await?
    .as_ref()
    .map(user_from_row)
    .transpose()
}

/// What signing in needs to know about a user.
pub struct Credentials {
    pub user_id: UserId,
    pub role: Role,
    pub active: bool,
    /// The PHC-format argon2 hash, if a password was ever set.
    pub password_hash: Option<String>,
}

async fn email_taken(conn: &mut Conn<'_>, email: &Email, except: Option<UserId>) -> Result<bool> {
    Ok(conn
        .fetch_optional(
            query("SELECT id FROM users WHERE lower(email) = lower($1) AND id <> $2")
                .bind(email)
                .bind(except.map_or(0, |u| u.0)),
        )
        .await?
        .is_some())
}

impl Store {
    /// One user. Every signed-in user may read the user list (to pick owners).
    pub async fn get_user(&self, _actor: &Actor, id: UserId) -> Result<User> {
        load_user(&mut self.reader(), id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// A page of users.
    pub async fn list_users(&self, _actor: &Actor, list: &ListQuery) -> Result<Page<User>> {
        let (sql, args) = paginate(&LIST, list, "TRUE", self.dialect())?;
        let rows = self
            .reader()
            .fetch_all(built_query(sql).bind_all(args))
            .await?;
        Page::from_rows(&LIST, list, rows, user_from_row)
    }

    /// Creates a user (admins only). `password_hash` is the argon2 hash of their first password.
    pub async fn create_user(
        &self,
        actor: Option<&Actor>,
        changes: UserChanges,
        password_hash: Option<String>,
    ) -> Result<User> {
        if let Some(actor) = actor {
            actor.ensure_admin()?;
        }
        let mut tx = self.begin().await?;
        let (Some(email), Some(name), Some(role)) = (changes.email, changes.name, changes.role)
        else {
            return Err(StoreError::field(
                "email",
                "email, name and role are required",
            ));
        };
        if email_taken(&mut tx.conn(), &email, None).await? {
            return Err(StoreError::field(
                "email",
                "is already used by another user",
            ));
        }
        let at = now();
        let tz = match changes.time_zone {
            Some(tz) => tz,
            None => crate::org::load_org(&mut tx.conn())
                .await
                .map_or(TimeZone::UTC, |o| o.time_zone),
        };
        let id: UserId = tx
            .conn()
            .fetch_one(
                query(
                    "INSERT INTO users (email, name, role, time_zone, active, version, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, 1, $6, $6) RETURNING id",
                )
                .bind(&email)
                .bind(name)
                .bind(role)
                .bind(tz.name())
                .bind(changes.active.unwrap_or(true))
                .bind(at),
            )
            .await?
            .get("id")?;
        if let Some(hash) = password_hash {
            set_password(&mut tx.conn(), id, &hash).await?;
        }
        let after = load_user(&mut tx.conn(), id)
            .await?
            .ok_or(StoreError::NotFound)?;
        write_audit(
            &mut tx.conn(),
            actor.map(|a| a.user_id),
            "create",
            "user",
            id.0,
            None,
            Some(&after),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Changes a user (admins only), checking the version the caller read.
    pub async fn update_user(
        &self,
        actor: &Actor,
        id: UserId,
        expected_version: i64,
        changes: UserChanges,
        password_hash: Option<String>,
    ) -> Result<User> {
        actor.ensure_admin()?;
        let mut tx = self.begin().await?;
        let before = load_user(&mut tx.conn(), id)
            .await?
            .ok_or(StoreError::NotFound)?;
        check_version(expected_version, before.version)?;
        let mut errors = FieldErrors::new();
        if let Some(email) = &changes.email
            && email_taken(&mut tx.conn(), email, Some(id)).await?
        {
            errors.add("email", "is already used by another user");
        }
        if id == actor.user_id
            && (changes.active == Some(false) || changes.role.is_some_and(|r| r != Role::Admin))
        {
            errors.add(
                "role",
                "you cannot demote or deactivate yourself; ask another admin",
            );
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let at = now();
        tx.conn()
            .execute(
                query(
                    "UPDATE users SET email = $1, name = $2, role = $3, time_zone = $4, active = $5, \
                     version = version + 1, updated_at = $6 WHERE id = $7 AND version = $8",
                )
                .bind(changes.email.as_ref().unwrap_or(&before.email))
                .bind(changes.name.clone().unwrap_or_else(|| before.name.clone()))
                .bind(changes.role.unwrap_or(before.role))
                .bind(changes.time_zone.unwrap_or(before.time_zone).name())
                .bind(changes.active.unwrap_or(before.active))
                .bind(at)
                .bind(id)
                .bind(expected_version),
            )
            .await?;
        if let Some(hash) = password_hash {
            set_password(&mut tx.conn(), id, &hash).await?;
            write_audit::<()>(
                &mut tx.conn(),
                Some(actor.user_id),
                "set_password",
                "user",
                id.0,
                None,
                None,
                at,
            )
            .await?;
        }
        if changes.active == Some(false) {
            // A deactivated user's sessions and tokens stop working at once.
            tx.conn()
                .execute(query("DELETE FROM sessions WHERE user_id = $1").bind(id))
                .await?;
        }
        let after = load_user(&mut tx.conn(), id)
            .await?
            .ok_or(StoreError::NotFound)?;
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "update",
            "user",
            id.0,
            Some(&before),
            Some(&after),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Looks up a user for signing in, by email, ignoring case.
    pub async fn credentials(&self, email: &str) -> Result<Option<Credentials>> {
        let row = self
            .reader()
            .fetch_optional(
                query(
                    "SELECT u.id, u.role, u.active, c.password_hash FROM users u \
                     LEFT JOIN user_credentials c ON c.user_id = u.id \
                     WHERE lower(u.email) = lower($1)",
                )
                .bind(email.trim()),
            )
            .await?;
        row.map(|r| {
            Ok(Credentials {
                user_id: r.get("id")?,
                role: r.parse("role")?,
                active: r.get("active")?,
                password_hash: r.get("password_hash")?,
            })
        })
        .transpose()
    }

    /// Finds a user by email.
    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>> {
        self.reader()
            .fetch_optional(
                built_query(format!(
                    "SELECT {COLUMNS} FROM users x WHERE lower(x.email) = lower($1)"
                ))
                .bind(email.trim()),
            )
            .await?
            .as_ref()
            .map(user_from_row)
            .transpose()
    }
}

async fn set_password(conn: &mut Conn<'_>, id: UserId, hash: &str) -> Result<()> {
    conn.execute(
        query(
            "INSERT INTO user_credentials (user_id, password_hash, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id) DO UPDATE SET password_hash = excluded.password_hash, \
             updated_at = excluded.updated_at",
        )
        .bind(id)
        .bind(hash)
        .bind(now()),
    )
    .await?;
    Ok(())
}
