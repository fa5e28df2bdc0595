//! Teams: a manager and members, which define managers' visibility.

use crate::audit::write_audit;
use crate::db::{Conn, Row, built_query, query};
use crate::error::check_version;
use crate::list::{Kind, ListQuery, ListSpec, Page, paginate};
use crate::{Actor, Result, Store, StoreError, now};
use baton_model::records::{Team, TeamChanges};
use baton_model::{FieldErrors, TeamId, UserId};

const COLUMNS: &str = "x.id, x.name, x.manager_id, x.version, x.created_at, x.updated_at";

const LIST: ListSpec = ListSpec {
    from: "teams x",
    columns: COLUMNS,
    filters: &[
        ("id", "x.id", Kind::Int),
        ("manager_id", "x.manager_id", Kind::Int),
    ],
    sorts: &[
        ("id", "x.id", Kind::Int, false),
        ("name", "lower(x.name)", Kind::Text, false),
    ],
    search: &["x.name"],
    search_sort: Some("name"),
    archivable: false,
};

fn team_from_row(r: &Row) -> Result<Team> {
    Ok(Team {
        id: r.get("id")?,
        name: r.get("name")?,
        manager_id: r.get("manager_id")?,
        member_ids: Vec::new(),
        version: r.get("version")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
    })
}

/// Fills in the members of each team with one query.
async fn attach_members(conn: &mut Conn<'_>, teams: &mut [Team]) -> Result<()> {
    if teams.is_empty() {
        return Ok(());
    }
    let placeholders: Vec<String> = (1..=teams.len()).map(|i| format!("${i}")).collect();
    let rows = conn
        .fetch_all(
            built_query(format!(
                "SELECT team_id, user_id FROM team_members WHERE team_id IN ({}) ORDER BY user_id",
                placeholders.join(", ")
            ))
            .bind_all(teams.iter().map(|t| t.id.into())),
        )
        .await?;
    for r in rows {
        let team: TeamId = r.get("team_id")?;
        let user: UserId = r.get("user_id")?;
        if let Some(t) = teams.iter_mut().find(|t| t.id == team) {
            t.member_ids.push(user);
        }
    }
    Ok(())
}

async fn load_team(conn: &mut Conn<'_>, id: TeamId) -> Result<Option<Team>> {
    let Some(row) = conn
        .fetch_optional(
            built_query(format!("SELECT {COLUMNS} FROM teams x WHERE x.id = $1")).bind(id),
        )
        .await?
    else {
        return Ok(None);
    };
    let mut team = [team_from_row(&row)?];
    attach_members(conn, &mut team).await?;
    let [team] = team;
    Ok(Some(team))
}

async fn check_users(
    conn: &mut Conn<'_>,
    changes: &TeamChanges,
    errors: &mut FieldErrors,
) -> Result<()> {
    if let Some(Some(manager)) = changes.manager_id
        && !crate::refs::user_exists(conn, manager).await?
    {
        errors.add("manager_id", format!("there is no user {manager}"));
    }
    for (i, member) in changes.member_ids.iter().flatten().enumerate() {
        if !crate::refs::user_exists(conn, *member).await? {
            errors.add(
                format!("member_ids[{i}]"),
                format!("there is no user {member}"),
            );
        }
    }
    Ok(())
}

async fn name_taken(conn: &mut Conn<'_>, name: &str, except: Option<TeamId>) -> Result<bool> {
    Ok(conn
        .fetch_optional(
            query("SELECT 1 AS ok FROM teams WHERE lower(name) = lower($1) AND id <> $2")
                .bind(name)
                .bind(except.map_or(0, |t| t.0)),
        )
        .await?
        .is_some())
}

async fn replace_members(conn: &mut Conn<'_>, id: TeamId, members: &[UserId]) -> Result<()> {
    conn.execute(query("DELETE FROM team_members WHERE team_id = $1").bind(id))
        .await?;
    for member in members {
        conn.execute(
            query("INSERT INTO team_members (team_id, user_id) VALUES ($1, $2)")
                .bind(id)
                .bind(*member),
        )
        .await?;
    }
    Ok(())
}

impl Store {
    /// One team with its members.
    pub async fn get_team(&self, _actor: &Actor, id: TeamId) -> Result<Team> {
        load_team(&mut self.reader(), id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// A page of teams with their members.
    pub async fn list_teams(&self, _actor: &Actor, list: &ListQuery) -> Result<Page<Team>> {
        let (sql, args) = paginate(&LIST, list, "TRUE", self.dialect())?;
        let rows = self
            .reader()
            .fetch_all(built_query(sql).bind_all(args))
            .await?;
        let mut page = Page::from_rows(&LIST, list, rows, team_from_row)?;
        attach_members(&mut self.reader(), &mut page.items).await?;
        Ok(page)
    }

    /// Creates a team (admins only; `None` for the system).
    pub async fn create_team(&self, actor: Option<&Actor>, changes: TeamChanges) -> Result<Team> {
        if let Some(actor) = actor {
            actor.ensure_admin()?;
        }
        let mut tx = self.begin().await?;
        let mut errors = FieldErrors::new();
        let name = changes.name.clone().unwrap_or_default();
        if name_taken(&mut tx.conn(), &name, None).await? {
            errors.add("name", "another team has this name");
        }
        check_users(&mut tx.conn(), &changes, &mut errors).await?;
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let at = now();
        let id: TeamId = tx
            .conn()
            .fetch_one(
                query(
                    "INSERT INTO teams (name, manager_id, version, created_at, updated_at) \
                     VALUES ($1, $2, 1, $3, $3) RETURNING id",
                )
                .bind(name)
                .bind(changes.manager_id.flatten())
                .bind(at),
            )
            .await?
            .get("id")?;
        replace_members(
            &mut tx.conn(),
            id,
            changes.member_ids.as_deref().unwrap_or_default(),
        )
        .await?;
        let after = load_team(&mut tx.conn(), id)
            .await?
            .ok_or(StoreError::NotFound)?;
        write_audit(
            &mut tx.conn(),
            actor.map(|a| a.user_id),
            "create",
            "team",
            id.0,
            None,
            Some(&after),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Changes a team (admins only), checking the version the caller read.
    pub async fn update_team(
        &self,
        actor: &Actor,
        id: TeamId,
        expected_version: i64,
        changes: TeamChanges,
    ) -> Result<Team> {
        actor.ensure_admin()?;
        let mut tx = self.begin().await?;
        let before = load_team(&mut tx.conn(), id)
            .await?
            .ok_or(StoreError::NotFound)?;
        check_version(expected_version, before.version)?;
        let mut errors = FieldErrors::new();
        if let Some(name) = &changes.name
            && name_taken(&mut tx.conn(), name, Some(id)).await?
        {
            errors.add("name", "another team has this name");
        }
        check_users(&mut tx.conn(), &changes, &mut errors).await?;
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let at = now();
        tx.conn()
            .execute(
                query(
                    "UPDATE teams SET name = $1, manager_id = $2, version = version + 1, updated_at = $3 \
                     WHERE id = $4 AND version = $5",
                )
                .bind(changes.name.clone().unwrap_or_else(|| before.name.clone()))
                .bind(changes.manager_id.unwrap_or(before.manager_id))
                .bind(at)
                .bind(id)
                .bind(expected_version),
            )
            .await?;
        if let Some(members) = &changes.member_ids {
            replace_members(&mut tx.conn(), id, members).await?;
        }
        let after = load_team(&mut tx.conn(), id)
            .await?
            .ok_or(StoreError::NotFound)?;
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "update",
            "team",
            id.0,
            Some(&before),
            Some(&after),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Deletes a team (admins only); refused while the team has quotas.
    pub async fn delete_team(
        &self,
        actor: &Actor,
        id: TeamId,
        expected_version: Option<i64>,
    ) -> Result<()> {
        actor.ensure_admin()?;
        let mut tx = self.begin().await?;
        let before = load_team(&mut tx.conn(), id)
            .await?
            .ok_or(StoreError::NotFound)?;
        check_version(expected_version, before.version)?;
        let has_quotas = tx
            .conn()
            .fetch_optional(query("SELECT 1 AS ok FROM quotas WHERE team_id = $1").bind(id))
            .await?
            .is_some();
        if has_quotas {
            return Err(StoreError::Conflict(
                "the team has quotas; delete them first".into(),
            ));
        }
        let at = now();
        tx.conn()
            .execute(query("DELETE FROM team_members WHERE team_id = $1").bind(id))
            .await?;
        tx.conn()
            .execute(query("DELETE FROM teams WHERE id = $1").bind(id))
            .await?;
        write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "delete",
            "team",
            id.0,
            Some(&before),
            None,
            at,
        )
        .await?;
        tx.commit().await
    }
}
