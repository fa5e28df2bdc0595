//! The keys that make two accounts or two contacts look like the same company or person, and
//! the records of finding and merging them (see `docs/duplicates.md`).
//!
//! Two accounts are candidates when their names are equal once normalized ([`company_name_key`]:
//! case, punctuation and legal suffixes such as "Inc" or "GmbH" ignored) or when they share a
//! domain ([`domain_key`]). Two contacts are candidates when they share an email (case ignored)
//! or have the same normalized full name at the same account. This follows the matching rules
//! Salesforce ships for accounts and contacts ("Standard Account Matching Rule"), reduced to
//! exact matches on normalized keys so that finding them is one pass over the records.

use crate::UserId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Words at the end of a company's name that say its legal form, not who it is.
const LEGAL_SUFFIXES: &[&str] = &[
    "inc",
    "incorporated",
    "llc",
    "llp",
    "lp",
    "ltd",
    "limited",
    "gmbh",
    "kg",
    "corp",
    "corporation",
    "co",
    "company",
    "plc",
    "sa",
    "sas",
    "sarl",
    "srl",
    "spa",
    "ag",
    "bv",
    "nv",
    "ab",
    "oy",
    "pty",
];

/// The words of `text`, lower-cased: letters and digits kept, dots and apostrophes dropped
/// ("A.C.M.E." is "acme", "O'Neil" is "oneil"), any other punctuation or space a separator.
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        } else if !matches!(c, '.' | '\'' | '’') && !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// A company's name as compared for duplicates: lower case, punctuation and spacing collapsed,
/// legal suffixes at the end removed (`"ACME, Inc."` and `"Acme Inc"` are both `"acme"`). A
/// name made only of such words keeps them ("Co" stays "co"). `None` for a name with no letters
/// or digits, which matches nothing.
pub fn company_name_key(name: &str) -> Option<String> {
    let mut words = words(name);
    if words.is_empty() {
        return None;
    }
    let all = words.join(" ");
    while words
        .last()
        .is_some_and(|w| LEGAL_SUFFIXES.contains(&w.as_str()))
    {
        words.pop();
    }
    // "&" between the name and the suffix ("Smith & Co") leaves nothing behind it to drop.
    Some(if words.is_empty() {
        all
    } else {
        words.join(" ")
    })
}

/// A web domain as compared for duplicates: lower case, without scheme, `www.`, port, path or a
/// trailing dot (`"https://WWW.Acme.com/about"` is `"acme.com"`). `None` when nothing is left.
pub fn domain_key(domain: &str) -> Option<String> {
    let d = domain.trim().to_lowercase();
    let d = d.split_once("://").map_or(d.as_str(), |(_, rest)| rest);
    let d = d.split(['/', '?', '#']).next().unwrap_or("");
    let d = d.rsplit_once('@').map_or(d, |(_, host)| host);
    let d = d.split(':').next().unwrap_or("");
    let d = d.trim_end_matches('.');
    let d = d.strip_prefix("www.").unwrap_or(d);
    (!d.is_empty()).then(|| d.to_owned())
}

/// An email address as compared for duplicates: trimmed and lower-cased.
pub fn email_key(email: &str) -> Option<String> {
    let e = email.trim().to_lowercase();
    (!e.is_empty()).then_some(e)
}

/// A person's full name as compared for duplicates (within one account): the words of the first
/// and last names, lower case, punctuation and spacing collapsed.
pub fn person_name_key(first_name: Option<&str>, last_name: &str) -> Option<String> {
    let mut all = words(first_name.unwrap_or(""));
    all.extend(words(last_name));
    (!all.is_empty()).then(|| all.join(" "))
}

/// The kinds of record that can be merged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MergeEntity {
    Account,
    Contact,
}

impl MergeEntity {
    /// The name used in the audit log, the merges table and the API (`account`).
    pub fn as_str(self) -> &'static str {
        match self {
            MergeEntity::Account => "account",
            MergeEntity::Contact => "contact",
        }
    }

    /// The plural, as in URLs (`accounts`).
    pub fn plural(self) -> &'static str {
        match self {
            MergeEntity::Account => "accounts",
            MergeEntity::Contact => "contacts",
        }
    }

    /// `account`/`accounts` or `contact`/`contacts`.
    pub fn parse(text: &str) -> Option<MergeEntity> {
        match text {
            "account" | "accounts" => Some(MergeEntity::Account),
            "contact" | "contacts" => Some(MergeEntity::Contact),
            _ => None,
        }
    }
}

/// Which rule made records look like duplicates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateRule {
    /// Accounts with the same normalized name.
    Name,
    /// Accounts with the same domain.
    Domain,
    /// Contacts with the same email, case ignored.
    Email,
    /// Contacts at the same account with the same normalized full name.
    NameAtAccount,
}

impl DuplicateRule {
    /// The rule in words.
    pub fn describe(self) -> &'static str {
        match self {
            DuplicateRule::Name => "same name",
            DuplicateRule::Domain => "same domain",
            DuplicateRule::Email => "same email",
            DuplicateRule::NameAtAccount => "same name at the same account",
        }
    }
}

/// Why a group of records looks like one company or person: a rule and the value they share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DuplicateReason {
    pub rule: DuplicateRule,
    /// The normalized value the records share (`acme`, `acme.com`).
    pub value: String,
}

/// One record of a group of likely duplicates, with what a reviewer compares.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DuplicateRecord {
    pub id: i64,
    /// The account's name or the contact's full name.
    pub name: String,
    /// Accounts: the domain.
    pub domain: Option<String>,
    /// Accounts: the industry.
    pub industry: Option<String>,
    /// Contacts: the email.
    pub email: Option<String>,
    /// Contacts: the phone.
    pub phone: Option<String>,
    /// Contacts: the title.
    pub title: Option<String>,
    /// Contacts: their account.
    pub account_id: Option<i64>,
    pub account_name: Option<String>,
    pub owner_id: UserId,
    pub owner_name: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    /// Deals at the account, or deals the contact has a role in.
    pub deals: i64,
    /// Accounts: contacts at the account.
    pub contacts: Option<i64>,
    pub activities: i64,
}

/// Records that look like the same company or person, and why.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DuplicateGroup {
    pub entity: MergeEntity,
    pub reasons: Vec<DuplicateReason>,
    /// Oldest first: the usual record to keep.
    pub records: Vec<DuplicateRecord>,
}

/// A reference the merge moved from a merged record to the kept one. For `deal_contacts`, `id`
/// is the deal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MovedReference {
    /// `deals`, `contacts`, `activities` or `deal_contacts`.
    pub table: String,
    pub id: i64,
    /// `account_id` or `contact_id`.
    pub column: String,
    /// The merged record it pointed to.
    pub from: i64,
}

/// A merged contact's role on a deal the kept contact was already on: the row is folded into
/// the kept contact's (its role and primary flag fill the kept row's when those were empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FoldedRole {
    pub deal_id: i64,
    pub contact_id: i64,
    pub role: Option<String>,
    pub is_primary: bool,
    /// Whether the kept contact's empty role was filled from this one.
    pub filled_role: bool,
    /// Whether the kept contact became the deal's primary contact because of this one.
    pub made_primary: bool,
}

/// An empty field of the kept record filled from a merged one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FilledField {
    /// The column, or `custom_fields.<key>`.
    pub field: String,
    #[schema(value_type = Object)]
    pub value: Value,
    /// The merged record it came from.
    pub from: i64,
}

/// Everything a merge changed, so that it can be undone exactly.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MergeChanges {
    pub moved: Vec<MovedReference>,
    pub folded_roles: Vec<FoldedRole>,
    pub filled: Vec<FilledField>,
}

/// What undoing a merge restored, and what it left because the data changed since.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UndoReport {
    /// References, roles and fields put back, and records restored.
    pub restored: i64,
    /// What was not put back, and why, in words.
    pub not_restored: Vec<String>,
}

/// One merge of duplicates into a kept record.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Merge {
    pub id: i64,
    pub entity: MergeEntity,
    pub kept_id: i64,
    /// The records merged into the kept one; they are archived, not deleted.
    pub merged_ids: Vec<i64>,
    pub changes: MergeChanges,
    pub actor_id: UserId,
    pub merged_at: DateTime<Utc>,
    /// Until when an admin may undo it (30 days after).
    pub undo_until: DateTime<Utc>,
    pub undone_at: Option<DateTime<Utc>>,
    pub undone_by: Option<UserId>,
    pub undo_report: Option<UndoReport>,
}

/// How long after a merge an admin may undo it.
pub const UNDO_DAYS: i64 = 30;

/// The body of `POST /accounts/{id}/merge` and `POST /contacts/{id}/merge`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeInput {
    /// The records to merge into the one in the path (at most 20).
    pub merge: Vec<i64>,
}

/// The body of `POST /duplicates/dismiss`: every pair of these records is "not duplicates".
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DismissInput {
    /// `accounts` or `contacts`.
    pub entity: String,
    /// Two or more ids (at most 20).
    pub ids: Vec<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legal_suffixes_case_and_punctuation_do_not_make_a_company_different() {
        for name in [
            "Acme Inc",
            "ACME, Inc.",
            "acme",
            "Acme   Corp.",
            "Acme GmbH",
            "Acme, Ltd",
        ] {
            assert_eq!(company_name_key(name).as_deref(), Some("acme"), "{name}");
        }
        assert_eq!(
            company_name_key("Globex Co. Ltd").as_deref(),
            Some("globex")
        );
        assert_eq!(
            company_name_key("A.C.M.E. Holdings").as_deref(),
            Some("acme holdings")
        );
    }

    #[test]
    fn a_suffix_word_inside_a_name_is_kept() {
        assert_eq!(
            company_name_key("Co-op Bank").as_deref(),
            Some("co op bank")
        );
        assert_eq!(company_name_key("Inc").as_deref(), Some("inc"));
        assert_eq!(company_name_key(" - ").as_deref(), None);
    }

    #[test]
    fn domains_compare_without_scheme_www_path_or_case() {
        for d in [
            "acme.com",
            "https://WWW.Acme.com/about",
            "www.acme.com.",
            "acme.com:443",
        ] {
            assert_eq!(domain_key(d).as_deref(), Some("acme.com"), "{d}");
        }
        assert_eq!(domain_key("  "), None);
    }

    #[test]
    fn emails_and_people_compare_without_case_or_spacing() {
        assert_eq!(
            email_key(" Ana@Example.COM ").as_deref(),
            Some("ana@example.com")
        );
        assert_eq!(
            person_name_key(Some("Ana  Maria"), "Silva-Costa").as_deref(),
            Some("ana maria silva costa")
        );
        assert_eq!(
            person_name_key(None, "SILVA").as_deref(),
            person_name_key(Some(""), "silva").as_deref()
        );
    }
}
