//! Who sees what, as SQL.
//!
//! Every query over accounts, contacts, deals, activities and quotas starts with the `scope`
//! common table expression — the set of user ids whose records the actor reaches, bound to `$1`
//! = the actor's id — and puts the entity's predicate in its `WHERE`. That keeps visibility inside
//! the query, so pagination, counts and search never see a row the actor may not.
//!
//! | role | reach |
//! |---|---|
//! | admin, coordinator | everything |
//! | manager | records owned by members of the teams they manage, recursively (a manager of managers sees the subtree), and their own |
//! | rep | their own records, plus the accounts of their deals and the contacts of those accounts and deals |
//! | finance | all deals and quotas; no accounts, contacts or activities |

use crate::Actor;
use baton_model::Role;

/// How far an actor reaches for one kind of record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Every record.
    All,
    /// Records owned by the users in `scope`.
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

/// The `WITH` clause defining `scope(user_id)` for the actor bound as `$1`.
///
/// A manager's scope is themselves plus every member of a team they manage, recursively; anyone
/// else's is themselves. The clause is always present so that `$1` is always the actor.
pub(crate) fn scope_cte(actor: &Actor) -> &'static str {
    match actor.role {
        Role::Manager => {
            "WITH RECURSIVE scope(user_id) AS (\
                SELECT CAST($1 AS BIGINT) \
                UNION SELECT m.user_id FROM team_members m \
                JOIN teams t ON t.id = m.team_id \
                JOIN scope s ON s.user_id = t.manager_id) "
        }
        _ => "WITH scope(user_id) AS (SELECT CAST($1 AS BIGINT)) ",
    }
}

const IN_SCOPE: &str = "IN (SELECT user_id FROM scope)";

/// Accounts a scoped actor reaches: owned, or the account of a deal they reach.
fn scoped_account_ids() -> String {
    format!(
        "SELECT va.id FROM accounts va WHERE va.owner_id {IN_SCOPE} \
         UNION SELECT vd.account_id FROM deals vd WHERE vd.owner_id {IN_SCOPE} \
         AND vd.account_id IS NOT NULL"
    )
}

/// The predicate selecting the rows of `entity` (table alias `a`) that `actor` may see.
pub(crate) fn visible(actor: &Actor, entity: Entity, a: &str) -> String {
    match reach(actor, entity) {
        Reach::All => "TRUE".into(),
        Reach::Nothing => "FALSE".into(),
        Reach::Scoped => match entity {
            Entity::Deal => format!("{a}.owner_id {IN_SCOPE}"),
            Entity::Account => format!(
                "({a}.owner_id {IN_SCOPE} OR {a}.id IN (SELECT vd.account_id FROM deals vd \
                 WHERE vd.owner_id {IN_SCOPE}))"
            ),
            Entity::Contact => format!(
                "({a}.owner_id {IN_SCOPE} OR {a}.account_id IN ({accounts}) OR {a}.id IN \
                 (SELECT vdc.contact_id FROM deal_contacts vdc JOIN deals vd ON vd.id = \
                 vdc.deal_id WHERE vd.owner_id {IN_SCOPE}))",
                accounts = scoped_account_ids()
            ),
            Entity::Activity => format!(
                "({a}.owner_id {IN_SCOPE} OR {a}.deal_id IN (SELECT vd.id FROM deals vd WHERE \
                 vd.owner_id {IN_SCOPE}) OR {a}.account_id IN ({accounts}))",
                accounts = scoped_account_ids()
            ),
            Entity::Quota => format!(
                "({a}.user_id {IN_SCOPE} OR {a}.team_id IN (SELECT vt.id FROM teams vt WHERE \
                 vt.manager_id {IN_SCOPE}) OR {a}.team_id IN (SELECT vm.team_id FROM \
                 team_members vm WHERE vm.user_id = $1))"
            ),
        },
    }
}

/// The predicate selecting the visible rows of `entity` that `actor` may also change: admins and
/// coordinators change everything they see; managers and reps what is owned in their scope.
pub(crate) fn editable(actor: &Actor, entity: Entity, a: &str) -> String {
    match (actor.role, reach(actor, entity)) {
        (Role::Finance, _) | (_, Reach::Nothing) => "FALSE".into(),
        (_, Reach::All) => "TRUE".into(),
        (_, Reach::Scoped) => format!("{a}.owner_id {IN_SCOPE}"),
    }
}
