//! Finding likely duplicates among the live accounts or contacts the actor may see, and
//! dismissing a group as "not duplicates".
//!
//! The records are read once as a lean projection (id and the compared fields) with the
//! visibility predicate in the SQL, keyed in one pass in Rust (the keys strip legal suffixes and
//! punctuation, which SQL cannot say portably), and the records sharing a key are joined into
//! groups with a union-find. Time and memory grow with the number of records, not its square:
//! only records that share a key are ever paired.

use super::ensure_merger;
use crate::db::{Conn, Row, built_query, id_list, query};
use crate::visibility::{Entity, Scope};
use crate::{Actor, Result, Store, StoreError, now};
use baton_model::duplicates::{
    DuplicateGroup, DuplicateReason, DuplicateRecord, DuplicateRule, MergeEntity, company_name_key,
    domain_key, email_key, person_name_key,
};
use std::collections::{BTreeMap, HashMap, HashSet};

/// A group before its records are read in full: the ids, oldest first, and why.
#[derive(Debug, Clone)]
struct GroupIds {
    reasons: Vec<DuplicateReason>,
    ids: Vec<i64>,
}

/// What records share: a rule, the account for names at an account, and the key.
type Key = (DuplicateRule, Option<i64>, String);

/// Groups records sharing a key, leaving out pairs dismissed as "not duplicates".
struct Grouping {
    index: HashMap<i64, usize>,
    ids: Vec<i64>,
    parent: Vec<usize>,
}

impl Grouping {
    fn new() -> Grouping {
        Grouping {
            index: HashMap::new(),
            ids: Vec::new(),
            parent: Vec::new(),
        }
    }

    fn node(&mut self, id: i64) -> usize {
        *self.index.entry(id).or_insert_with(|| {
            self.ids.push(id);
            self.parent.push(self.parent.len());
            self.parent.len() - 1
        })
    }

    fn root(&mut self, mut n: usize) -> usize {
        while self.parent[n] != n {
            self.parent[n] = self.parent[self.parent[n]];
            n = self.parent[n];
        }
        n
    }

    /// Joins the records of each key, pair by pair unless a pair was dismissed; a pair already
    /// joined through others costs one lookup.
    fn join(&mut self, keys: &HashMap<Key, Vec<i64>>, dismissed: &HashSet<(i64, i64)>) {
        for ids in keys.values().filter(|ids| ids.len() > 1) {
            let nodes: Vec<usize> = ids.iter().map(|&id| self.node(id)).collect();
            for i in 1..ids.len() {
                for j in 0..i {
                    let (a, b) = (self.root(nodes[i]), self.root(nodes[j]));
                    if a != b && !dismissed.contains(&pair(ids[i], ids[j])) {
                        self.parent[a] = b;
                    }
                }
            }
        }
    }

    /// The groups of two or more records, each with the keys at least two of its records share.
    fn groups(mut self, keys: HashMap<Key, Vec<i64>>) -> Vec<GroupIds> {
        let mut by_root: BTreeMap<usize, GroupIds> = BTreeMap::new();
        for n in 0..self.ids.len() {
            let root = self.root(n);
            by_root
                .entry(root)
                .or_insert_with(|| GroupIds {
                    reasons: Vec::new(),
                    ids: Vec::new(),
                })
                .ids
                .push(self.ids[n]);
        }
        let mut keys: Vec<(Key, Vec<i64>)> =
            keys.into_iter().filter(|(_, v)| v.len() > 1).collect();
        keys.sort();
        for ((rule, _, value), ids) in keys {
            let mut per_root: HashMap<usize, usize> = HashMap::new();
            for id in ids {
                let root = self.root(self.index[&id]);
                *per_root.entry(root).or_default() += 1;
            }
            for (root, n) in per_root {
                let reason = DuplicateReason {
                    rule,
                    value: value.clone(),
                };
                if let Some(group) = by_root.get_mut(&root)
                    && n > 1
                    && !group.reasons.contains(&reason)
                {
                    group.reasons.push(reason);
                }
            }
        }
        let mut groups: Vec<GroupIds> = by_root
            .into_values()
            .filter(|g| g.ids.len() > 1 && !g.reasons.is_empty())
            .map(|mut g| {
                g.ids.sort_unstable();
                g
            })
            .collect();
        groups.sort_by_key(|g| g.ids[0]);
        groups
    }
}

/// A pair of ids, smaller first, as dismissals are stored.
fn pair(a: i64, b: i64) -> (i64, i64) {
    (a.min(b), a.max(b))
}

fn add_key(keys: &mut HashMap<Key, Vec<i64>>, key: Option<Key>, id: i64) {
    if let Some(key) = key {
        keys.entry(key).or_default().push(id);
    }
}

/// The keys of the live records of `entity` the actor may see.
async fn keys_of(
    conn: &mut Conn<'_>,
    scope: &Scope,
    entity: MergeEntity,
) -> Result<HashMap<Key, Vec<i64>>> {
    let mut keys: HashMap<Key, Vec<i64>> = HashMap::new();
    match entity {
        MergeEntity::Account => {
            let rows = conn
                .fetch_all(built_query(format!(
                    "SELECT x.id, x.name, x.domain FROM accounts x \
                     WHERE x.archived_at IS NULL AND {} ORDER BY x.id",
                    scope.visible(Entity::Account, "x")
                )))
                .await?;
            for r in &rows {
                let id: i64 = r.get("id")?;
                let name: String = r.get("name")?;
                let domain: Option<String> = r.get("domain")?;
                let name = company_name_key(&name).map(|k| (DuplicateRule::Name, None, k));
                add_key(&mut keys, name, id);
                let domain = domain
                    .as_deref()
                    .and_then(domain_key)
                    .map(|k| (DuplicateRule::Domain, None, k));
                add_key(&mut keys, domain, id);
            }
        }
        MergeEntity::Contact => {
            let rows = conn
                .fetch_all(built_query(format!(
                    "SELECT x.id, x.account_id, x.first_name, x.last_name, x.email FROM contacts x \
                     WHERE x.archived_at IS NULL AND {} ORDER BY x.id",
                    scope.visible(Entity::Contact, "x")
                )))
                .await?;
            for r in &rows {
                let id: i64 = r.get("id")?;
                let account: Option<i64> = r.get("account_id")?;
                let first: Option<String> = r.get("first_name")?;
                let last: String = r.get("last_name")?;
                let email: Option<String> = r.get("email")?;
                let email = email
                    .as_deref()
                    .and_then(email_key)
                    .map(|k| (DuplicateRule::Email, None, k));
                add_key(&mut keys, email, id);
                if let Some(account) = account {
                    let name = person_name_key(first.as_deref(), &last)
                        .map(|k| (DuplicateRule::NameAtAccount, Some(account), k));
                    add_key(&mut keys, name, id);
                }
            }
        }
    }
    Ok(keys)
}

async fn dismissed(conn: &mut Conn<'_>, entity: MergeEntity) -> Result<HashSet<(i64, i64)>> {
    conn.fetch_all(
        query("SELECT low_id, high_id FROM duplicate_dismissals WHERE entity = $1")
            .bind(entity.as_str()),
    )
    .await?
    .iter()
    .map(|r| Ok((r.get("low_id")?, r.get("high_id")?)))
    .collect()
}

/// Reads the records of `ids` with what a reviewer compares, counting only the deals, contacts
/// and activities the actor may see.
async fn records(
    conn: &mut Conn<'_>,
    scope: &Scope,
    entity: MergeEntity,
    ids: &[i64],
) -> Result<HashMap<i64, DuplicateRecord>> {
    let deals = scope.visible(Entity::Deal, "d");
    let activities = scope.visible(Entity::Activity, "ac");
    let sql = match entity {
        MergeEntity::Account => format!(
            "SELECT x.id, x.name, x.domain, x.industry, NULL AS email, NULL AS phone, NULL AS title, \
             NULL AS account_id, NULL AS account_name, x.owner_id, u.name AS owner_name, x.version, \
             x.created_at, \
             (SELECT COUNT(*) FROM deals d WHERE d.account_id = x.id AND d.archived_at IS NULL \
              AND {deals}) AS deals, \
             (SELECT COUNT(*) FROM contacts c WHERE c.account_id = x.id AND c.archived_at IS NULL \
              AND {contacts}) AS contacts, \
             (SELECT COUNT(*) FROM activities ac WHERE ac.account_id = x.id \
              AND ac.archived_at IS NULL AND {activities}) AS activities \
             FROM accounts x JOIN users u ON u.id = x.owner_id WHERE x.id IN {ids}",
            contacts = scope.visible(Entity::Contact, "c"),
            ids = id_list(ids.iter().copied()),
        ),
        MergeEntity::Contact => format!(
            "SELECT x.id, COALESCE(x.first_name || ' ', '') || x.last_name AS name, NULL AS domain, \
             NULL AS industry, x.email, x.phone, x.title, x.account_id, a.name AS account_name, \
             x.owner_id, u.name AS owner_name, x.version, x.created_at, \
             (SELECT COUNT(*) FROM deal_contacts dc JOIN deals d ON d.id = dc.deal_id \
              WHERE dc.contact_id = x.id AND d.archived_at IS NULL AND {deals}) AS deals, \
             NULL AS contacts, \
             (SELECT COUNT(*) FROM activities ac WHERE ac.contact_id = x.id \
              AND ac.archived_at IS NULL AND {activities}) AS activities \
             FROM contacts x JOIN users u ON u.id = x.owner_id \
             LEFT JOIN accounts a ON a.id = x.account_id WHERE x.id IN {ids}",
            ids = id_list(ids.iter().copied()),
        ),
    };
    conn.fetch_all(built_query(sql))
        .await?
        .iter()
        .map(|r| {
            let record = record(r)?;
            Ok((record.id, record))
        })
        .collect()
}

fn record(r: &Row) -> Result<DuplicateRecord> {
    Ok(DuplicateRecord {
        id: r.get("id")?,
        name: r.get("name")?,
        domain: r.get("domain")?,
        industry: r.get("industry")?,
        email: r.get("email")?,
        phone: r.get("phone")?,
        title: r.get("title")?,
        account_id: r.get("account_id")?,
        account_name: r.get("account_name")?,
        owner_id: r.get("owner_id")?,
        owner_name: r.get("owner_name")?,
        version: r.get("version")?,
        created_at: r.get("created_at")?,
        deals: r.get("deals")?,
        contacts: r.get("contacts")?,
        activities: r.get("activities")?,
    })
}

/// The most records one review or dismissal may name.
pub(crate) const MAX_GROUP: usize = 20;

impl Store {
    /// The groups of likely duplicate `entity` records among the live ones the actor may see,
    /// `offset` groups skipped and at most `limit` returned, with how many there are in all.
    /// A group never holds a record the actor may not see, and pairs dismissed as "not
    /// duplicates" are not joined.
    pub async fn duplicate_groups(
        &self,
        actor: &Actor,
        entity: MergeEntity,
        offset: usize,
        limit: usize,
    ) -> Result<(usize, Vec<DuplicateGroup>)> {
        let mut conn = self.reader();
        let scope = Scope::of(&mut conn, actor).await?;
        let keys = keys_of(&mut conn, &scope, entity).await?;
        let dismissed = dismissed(&mut conn, entity).await?;
        let mut grouping = Grouping::new();
        grouping.join(&keys, &dismissed);
        let all = grouping.groups(keys);
        let total = all.len();
        let page: Vec<GroupIds> = all.into_iter().skip(offset).take(limit).collect();
        let ids: Vec<i64> = page.iter().flat_map(|g| g.ids.iter().copied()).collect();
        let mut found = records(&mut conn, &scope, entity, &ids).await?;
        let groups = page
            .into_iter()
            .map(|g| DuplicateGroup {
                entity,
                reasons: g.reasons,
                records: g.ids.iter().filter_map(|id| found.remove(id)).collect(),
            })
            .filter(|g| g.records.len() > 1)
            .collect();
        Ok((total, groups))
    }

    /// Records that every pair of `ids` is "not duplicates", so that they are never grouped
    /// again. Admins and coordinators, on records they see.
    pub async fn dismiss_duplicates(
        &self,
        actor: &Actor,
        entity: MergeEntity,
        ids: &[i64],
    ) -> Result<()> {
        let mut distinct = ids.to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() < 2 || ids.len() > MAX_GROUP {
            return Err(StoreError::field(
                "ids",
                format!("name from 2 to {MAX_GROUP} different {}", entity.plural()),
            ));
        }
        let mut tx = self.begin().await?;
        let scope = Scope::of(&mut tx.conn(), actor).await?;
        let (table, visible) = match entity {
            MergeEntity::Account => ("accounts", scope.visible(Entity::Account, "x")),
            MergeEntity::Contact => ("contacts", scope.visible(Entity::Contact, "x")),
        };
        let seen = tx
            .conn()
            .fetch_all(built_query(format!(
                "SELECT x.id FROM {table} x WHERE x.id IN {} AND {visible}",
                id_list(distinct.iter().copied())
            )))
            .await?
            .len();
        if seen < distinct.len() {
            return Err(StoreError::NotFound);
        }
        ensure_merger(actor)?;
        let at = now();
        for (i, &low) in distinct.iter().enumerate() {
            for &high in &distinct[i + 1..] {
                tx.conn()
                    .execute(
                        query(
                            "INSERT INTO duplicate_dismissals \
                             (entity, low_id, high_id, actor_id, dismissed_at) \
                             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                        )
                        .bind(entity.as_str())
                        .bind(low)
                        .bind(high)
                        .bind(actor.user_id)
                        .bind(at),
                    )
                    .await?;
            }
        }
        crate::audit::write_audit(
            &mut tx.conn(),
            Some(actor.user_id),
            "dismiss_duplicates",
            entity.as_str(),
            distinct[0],
            None,
            Some(&serde_json::json!({ "not_duplicates": distinct })),
            at,
        )
        .await?;
        tx.commit().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(list: &[(&str, &[i64])]) -> HashMap<Key, Vec<i64>> {
        list.iter()
            .map(|(k, ids)| ((DuplicateRule::Name, None, (*k).to_owned()), ids.to_vec()))
            .collect()
    }

    #[test]
    fn records_sharing_any_key_form_one_group_with_every_reason() {
        let mut keys = keys(&[("acme", &[1, 2]), ("solo", &[5])]);
        keys.insert((DuplicateRule::Domain, None, "acme.com".into()), vec![2, 3]);
        let mut g = Grouping::new();
        g.join(&keys, &HashSet::new());
        let groups = g.groups(keys);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].ids, vec![1, 2, 3]);
        assert_eq!(groups[0].reasons.len(), 2);
    }

    #[test]
    fn a_dismissed_pair_is_not_joined_unless_a_third_record_links_them() {
        let keys = keys(&[("acme", &[1, 2])]);
        let mut g = Grouping::new();
        g.join(&keys, &HashSet::from([(1, 2)]));
        assert!(g.groups(keys).is_empty());

        let keys = self::keys(&[("acme", &[1, 2, 3])]);
        let mut g = Grouping::new();
        g.join(&keys, &HashSet::from([(1, 2)]));
        assert_eq!(g.groups(keys)[0].ids, vec![1, 2, 3]);
    }
}
