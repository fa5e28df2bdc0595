//! Accounts and contacts: what deals need to know about an account, the account's contacts, and
//! company names and web domains.

use super::Generator;
use super::calendar::{business_moment, working_day};
use super::random::{
    Kind, Rand, id_of, log_normal, no_custom_fields, one_of, permute, round_money, stream, to_f64,
    to_i64,
};
use super::words::{
    AREA_CODES, FIRST_NAMES, LAST_NAMES, PREFIXES, QUALIFIERS, REVENUE_PER_EMPLOYEE, SENIOR_TITLES,
    SUFFIXES, TITLES,
};
use baton_model::AccountId;
use baton_model::records::Contact;
use chrono::{DateTime, TimeDelta, Utc};
use rand::Rng;

/// What deals need to know about an account. Drawn from the account's own stream, so `deal(i)`
/// can rebuild it without generating the whole account.
pub(super) struct AccountProfile {
    pub(super) index: usize,
    pub(super) name: String,
    pub(super) domain: String,
    /// Index into [`INDUSTRIES`](super::words::INDUSTRIES).
    pub(super) industry: usize,
    pub(super) employees: i64,
    pub(super) annual_revenue_minor: i64,
    /// 1 for the biggest accounts, 3 for the smallest.
    pub(super) tier: i64,
    /// Index of the owning rep.
    pub(super) owner: usize,
    pub(super) created_at: DateTime<Utc>,
}

impl AccountProfile {
    pub(super) fn id(&self) -> AccountId {
        AccountId(id_of(self.index))
    }
}

impl Generator {
    pub(super) fn account_profile(&self, index: usize) -> AccountProfile {
        let mut rng = stream(self.seed, Kind::Account, index);
        let (name, industry) = company_name(self.seed, index);
        let domain = domain_of(&mut rng, &name, industry);
        let employees = to_i64(log_normal(&mut rng, 180.0, 1.5).clamp(10.0, 50_000.0));
        let per_employee = REVENUE_PER_EMPLOYEE[industry] * log_normal(&mut rng, 1.0, 0.3);
        let revenue = to_f64(employees) * per_employee;
        let tier = match employees {
            2_000.. => 1,
            200.. => 2,
            _ => 3,
        };
        AccountProfile {
            index,
            name,
            domain,
            industry,
            employees,
            annual_revenue_minor: round_money(revenue, 10_000, self.unit),
            tier,
            owner: rng.random_range(0..self.roster.reps.len()),
            created_at: self.account_created(&mut rng),
        }
    }

    /// Most accounts predate the window (the CRM was in use before); the rest arrive during it,
    /// at least a month before today so they have time for deals.
    fn account_created(&self, rng: &mut Rand) -> DateTime<Utc> {
        let start = self.calendar.window_start();
        let (from, until) = if rng.random_bool(0.75) {
            (start - TimeDelta::days(3 * 365), start)
        } else {
            (start, self.calendar.today - TimeDelta::days(30))
        };
        let day = working_day(rng, from, until);
        business_moment(rng, day)
    }

    pub(super) fn contacts(&self, account: &AccountProfile) -> Vec<Contact> {
        let mut rng = stream(self.seed, Kind::Contact, account.index);
        let owner_id = self.rep(account.owner).user_id;
        (0..self.scale.contacts_per_account)
            .map(|j| {
                let first = one_of(&mut rng, FIRST_NAMES);
                let last = one_of(&mut rng, LAST_NAMES);
                let email = format!(
                    "{}.{}@{}",
                    first.to_ascii_lowercase(),
                    last.to_ascii_lowercase(),
                    account.domain
                );
                let area = one_of(&mut rng, AREA_CODES);
                // 555-0100 to 555-0199 are reserved for fiction in North America.
                let phone = format!("+1 {area} 555 01{:02}", rng.random_range(0..100));
                let titles = if j == 0 { SENIOR_TITLES } else { TITLES };
                // Entered with the account, a few minutes apart.
                let created_at = account.created_at + TimeDelta::minutes(7 * id_of(j));
                Contact {
                    id: self.contact_id(account.index, j),
                    account_id: Some(account.id()),
                    owner_id,
                    first_name: Some(first.to_owned()),
                    last_name: last.to_owned(),
                    email: email.parse().ok(),
                    phone: Some(phone),
                    title: Some(one_of(&mut rng, titles).to_owned()),
                    custom_fields: no_custom_fields(),
                    archived_at: None,
                    version: 1,
                    created_at,
                    updated_at: created_at,
                }
            })
            .collect()
    }
}

/// A company name from a coined word and an industry noun ("Northwind Logistics"), distinct for
/// the first `PREFIXES × SUFFIXES` indexes, then qualified ("… Group", "… International"), and
/// the index of its industry.
fn company_name(seed: u64, index: usize) -> (String, usize) {
    let combos = PREFIXES.len() * SUFFIXES.len();
    let round = index / combos;
    let k = permute((index % combos) as u64, combos as u64, seed ^ round as u64);
    let k = usize::try_from(k).unwrap_or(0);
    let (suffix, industry) = SUFFIXES[k % SUFFIXES.len()];
    let mut name = String::with_capacity(40);
    name.push_str(PREFIXES[k / SUFFIXES.len()]);
    name.push(' ');
    name.push_str(suffix);
    if round > 0 {
        name.push(' ');
        name.push_str(QUALIFIERS[(round - 1) % QUALIFIERS.len()]);
    }
    (name, industry)
}

/// The web domain of a company: its name in lower-case letters and digits, under `.com`, or the
/// `.io` and `.co` that software start-ups favour.
fn domain_of(rng: &mut Rand, name: &str, industry: usize) -> String {
    let tld = match (industry, rng.random_range(0..100)) {
        (0, 0..35) => ".io",
        (0, 35..45) | (_, 0..8) => ".co",
        _ => ".com",
    };
    let mut domain: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    domain.push_str(tld);
    domain
}
