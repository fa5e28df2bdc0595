//! Who sees what, as SQL.
//!
//! Every query over accounts, contacts, deals, activities and quotas puts the predicate of the
//! actor's [`Scope`] in its `WHERE`, so pagination, counts and search never see a row the actor
//! may not. The scope is resolved once per call into the list of user ids whose records the
//! actor reaches, written into the SQL as integer literals (`x.owner_id IN (7, 12, 31)`): they
//! come from the database, never from the request, and a literal list lets both query planners
//! use the `(owner_id, …)` indexes, which a subquery hid from SQLite's.
//!
//! | role | reach |
//! |---|---|
//! | admin, coordinator | everything |
//! | manager | records owned by themselves and by members of the teams they manage, recursively (a manager of managers sees the subtree) |
//! | rep | their own records, plus the accounts of their deals and the contacts of those accounts and deals |
//! | finance | all deals and quotas; no accounts, contacts or activities |

use crate::db::{Conn, query};
use crate::{Actor, Result};
use baton_model::{Role, UserId};
use std::fmt::Write;

/// How far an actor reaches for one kind of record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Every record.
    All,
    /// Records owned by the users of the scope.
    Scoped,
    /// No record.
    Nothing,
}

/// The kinds of record visibility applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Account,
    Contact,
    Deal,
    Activity,
    Quota,
}

/// How far `actor` reaches for records of `entity`.
pub fn reach(actor: &Actor, entity: Entity) -> Reach {
    match (actor.role, entity) {
        (Role::Admin | Role::Coordinator, _) | (Role::Finance, Entity::Deal | Entity::Quota) => {
            Reach::All
        }
        (Role::Manager | Role::Rep, _) => Reach::Scoped,
        (Role::Finance, _) => Reach::Nothing,
    }
}

/// `IN (7, 12, 31)` over user ids read from the database (never from a request).
pub(crate) fn in_list(users: &[UserId]) -> String {
    let mut list = String::from("IN (");
    for (i, user) in users.iter().enumerate() {
        if i > 0 {
            list.push_str(", ");
        }
        let _ = write!(list, "{}", user.0);
    }
    list.push(')');
    list
}

/// An actor with the users whose records they reach, resolved for one store call.
#[derive(Debug, Clone)]
pub(crate) struct Scope {
    pub actor: Actor,
    /// The actor and, for a manager, every member of the teams they manage, recursively.
    users: Vec<UserId>,
}

impl Scope {
    /// Resolves the actor's scope: one recursive query for a manager, none for anyone else.
    pub(crate) async fn of(conn: &mut Conn<'_>, actor: &Actor) -> Result<Scope> {
        let users = if actor.role == Role::Manager {
            conn.fetch_all(
                query(
                    "WITH RECURSIVE scope(user_id) AS (SELECT CAST($1 AS BIGINT) \
                     UNION SELECT m.user_id FROM team_members m \
                     JOIN teams t ON t.id = m.team_id \
                     JOIN scope s ON s.user_id = t.manager_id) \
                     SELECT user_id FROM scope ORDER BY user_id",
                )
                .bind(actor.user_id),
            )
            .await?
            .iter()
            .map(|r| r.get("user_id"))
            .collect::<Result<Vec<UserId>>>()?
        } else {
            vec![actor.user_id]
        };
        Ok(Scope {
            actor: *actor,
            users,
        })
    }

    /// How many users' records the scope reaches.
    pub(crate) fn owners(&self) -> usize {
        self.users.len()
    }

    /// Whether `user` is in the scope.
    pub(crate) fn contains(&self, user: UserId) -> bool {
        self.users.contains(&user)
    }

    /// `IN (…)` over the scope's user ids.
    fn in_users(&self) -> String {
        in_list(&self.users)
    }

    /// Whether the actor sees every record of `entity`.
    pub(crate) fn sees_all(&self, entity: Entity) -> bool {
        matches!(reach(&self.actor, entity), Reach::All)
    }

    /// Accounts a scoped actor reaches: owned, or the account of a deal they reach.
    fn account_ids(&self) -> String {
        let users = self.in_users();
        format!(
            "SELECT va.id FROM accounts va WHERE va.owner_id {users} \
             UNION SELECT vd.account_id FROM deals vd WHERE vd.owner_id {users} \
             AND vd.account_id IS NOT NULL"
        )
    }

    /// The predicate selecting the rows of `entity` (table alias `a`) the actor may see.
    pub(crate) fn visible(&self, entity: Entity, a: &str) -> String {
        let users = self.in_users();
        match reach(&self.actor, entity) {
            Reach::All => "TRUE".into(),
            Reach::Nothing => "FALSE".into(),
            Reach::Scoped => match entity {
                Entity::Deal => format!("{a}.owner_id {users}"),
                Entity::Account => format!(
                    "({a}.owner_id {users} OR {a}.id IN (SELECT vd.account_id FROM deals vd \
                     WHERE vd.owner_id {users}))"
                ),
                Entity::Contact => format!(
                    "({a}.owner_id {users} OR {a}.account_id IN ({accounts}) OR {a}.id IN \
                     (SELECT vdc.contact_id FROM deal_contacts vdc JOIN deals vd ON vd.id = \
                     vdc.deal_id WHERE vd.owner_id {users}))",
                    accounts = self.account_ids()
                ),
                Entity::Activity => format!(
                    "({a}.owner_id {users} OR {a}.deal_id IN (SELECT vd.id FROM deals vd WHERE \
                     vd.owner_id {users}) OR {a}.account_id IN ({accounts}))",
                    accounts = self.account_ids()
                ),
                Entity::Quota => format!(
                    "({a}.user_id {users} OR {a}.team_id IN (SELECT vt.id FROM teams vt WHERE \
                     vt.manager_id {users}) OR {a}.team_id IN (SELECT vm.team_id FROM \
                     team_members vm WHERE vm.user_id = {me}))",
                    me = self.actor.user_id.0
                ),
            },
        }
    }

    /// The predicate on a user id `column` (a record's owner, or a person) saying whether the
    /// actor reaches that user's records of `entity`: what a report over owners counts.
    pub(crate) fn reaches_owner(&self, entity: Entity, column: &str) -> String {
        match reach(&self.actor, entity) {
            Reach::All => "TRUE".into(),
            Reach::Nothing => "FALSE".into(),
            Reach::Scoped => format!("{column} {}", self.in_users()),
        }
    }

    /// The same rule as [`Scope::visible`], written as tests of the row itself (correlated
    /// `EXISTS` instead of lists of ids built first), for queries that walk rows in the order of
    /// another index and stop at a limit: Today's deals gone quiet, overdue tasks, meetings,
    /// data rules and latest changes.
    /// The planner cannot reach rows through it, and checking the few rows walked costs a
    /// primary-key or index probe each, where building the lists of a manager's team costs
    /// tens of milliseconds.
    pub(crate) fn visible_per_row(&self, entity: Entity, a: &str) -> String {
        let users = self.in_users();
        match (reach(&self.actor, entity), entity) {
            // The unary plus keeps the planner off the owner indexes.
            (Reach::Scoped, Entity::Deal) => format!("+{a}.owner_id {users}"),
            (Reach::Scoped, Entity::Account) => format!(
                "({a}.owner_id {users} OR EXISTS (SELECT 1 FROM deals vd WHERE \
                 vd.account_id = {a}.id AND vd.owner_id {users}))"
            ),
            (Reach::Scoped, Entity::Contact) => format!(
                "({a}.owner_id {users} OR {} OR EXISTS (SELECT 1 FROM deal_contacts vdc \
                 JOIN deals vd ON vd.id = vdc.deal_id WHERE vdc.contact_id = {a}.id \
                 AND vd.owner_id {users}))",
                self.account_visible_by_id(&format!("{a}.account_id"))
            ),
            (Reach::Scoped, Entity::Activity) => format!(
                "({a}.owner_id {users} OR {} OR {})",
                self.deal_visible_by_id(&format!("{a}.deal_id")),
                self.account_visible_by_id(&format!("{a}.account_id"))
            ),
            _ => self.visible(entity, a),
        }
    }

    /// Whether the deal whose id is in `column` exists and the actor may see it: one probe of
    /// the primary key, or of `(owner_id, id)` per user of the scope.
    pub(crate) fn deal_visible_by_id(&self, column: &str) -> String {
        match reach(&self.actor, Entity::Deal) {
            Reach::All => format!("EXISTS (SELECT 1 FROM deals vd WHERE vd.id = {column})"),
            Reach::Scoped => format!(
                "EXISTS (SELECT 1 FROM deals vd WHERE vd.id = {column} AND vd.owner_id {})",
                self.in_users()
            ),
            Reach::Nothing => "FALSE".into(),
        }
    }

    /// Whether the account whose id is in `column` exists and the actor may see it: a probe of
    /// the primary key, and for a scoped actor of its deals by account.
    pub(crate) fn account_visible_by_id(&self, column: &str) -> String {
        match reach(&self.actor, Entity::Account) {
            Reach::All => format!("EXISTS (SELECT 1 FROM accounts va WHERE va.id = {column})"),
            Reach::Scoped => {
                let users = self.in_users();
                format!(
                    "(EXISTS (SELECT 1 FROM accounts va WHERE va.id = {column} AND va.owner_id {users}) \
                     OR EXISTS (SELECT 1 FROM deals vd WHERE vd.account_id = {column} \
                     AND vd.owner_id {users}))"
                )
            }
            Reach::Nothing => "FALSE".into(),
        }
    }

    /// The predicate selecting the visible rows of `entity` that the actor may also change:
    /// admins and coordinators change everything they see; managers and reps what is owned in
    /// their scope; finance nothing.
    pub(crate) fn editable(&self, entity: Entity, a: &str) -> String {
        match (self.actor.role, reach(&self.actor, entity)) {
            (Role::Finance, _) | (_, Reach::Nothing) => "FALSE".into(),
            (_, Reach::All) => "TRUE".into(),
            (_, Reach::Scoped) => format!("{a}.owner_id {}", self.in_users()),
        }
    }
}
