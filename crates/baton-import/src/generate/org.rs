//! `User.csv`, `OpportunitySplitType.csv`, `Account.csv` and `Contact.csv`: the records deals
//! and activities point at.

use super::names;
use super::out::{CsvOut, DAY};
use super::random::{Gen, below, chance, float, index, secs, uniform};
use super::words::{CONTACT_TITLES, COUNTRIES, FIRST_NAMES, INDUSTRIES, LAST_NAMES, TIME_ZONES};
use super::world::{User, World};
use crate::sfid::{SfId, prefix};
use std::io;

/// `User.csv` columns.
pub(crate) const USER_HEADER: &[&str] = &[
    "Id",
    "Username",
    "LastName",
    "FirstName",
    "Name",
    "Title",
    "Department",
    "Email",
    "IsActive",
    "TimeZoneSidKey",
    "LocaleSidKey",
    "UserRoleId",
    "ManagerId",
    "CreatedDate",
    "LastModifiedDate",
];

/// `OpportunitySplitType.csv` columns.
pub(crate) const SPLIT_TYPE_HEADER: &[&str] = &[
    "Id",
    "MasterLabel",
    "DeveloperName",
    "SplitField",
    "IsTotalValidated",
    "IsActive",
];

/// `Account.csv` columns.
pub(crate) const ACCOUNT_HEADER: &[&str] = &[
    "Id",
    "IsDeleted",
    "Name",
    "Type",
    "BillingCountry",
    "Phone",
    "Website",
    "Industry",
    "AnnualRevenue",
    "NumberOfEmployees",
    "CurrencyIsoCode",
    "OwnerId",
    "CreatedDate",
    "LastModifiedDate",
];

/// `Contact.csv` columns.
pub(crate) const CONTACT_HEADER: &[&str] = &[
    "Id",
    "IsDeleted",
    "AccountId",
    "LastName",
    "FirstName",
    "Title",
    "Phone",
    "Email",
    "MailingCountry",
    "OwnerId",
    "CreatedDate",
    "LastModifiedDate",
];

/// The revenue split type's id (splits total 100%).
pub(crate) fn revenue_split_type() -> SfId {
    SfId::generated(prefix::SPLIT_TYPE, 0)
}

/// The overlay split type's id (splits need not total 100%).
pub(crate) fn overlay_split_type() -> SfId {
    SfId::generated(prefix::SPLIT_TYPE, 1)
}

fn role_id(n: u64) -> SfId {
    SfId::generated(prefix::USER_ROLE, n)
}

/// Writes the VP, the managers, then the reps.
pub(crate) fn write_users(world: &World, out: &mut CsvOut) -> io::Result<()> {
    let vp = &world.managers[0].id;
    for (i, user) in world.managers.iter().enumerate() {
        let (title, role, manager) = if i == 0 {
            ("VP Sales", role_id(0), None)
        } else {
            ("Sales Manager", role_id(1), Some(vp))
        };
        write_user(world, out, user, title, &role, manager)?;
    }
    for rep in &world.reps {
        let title = if rep.skill > 0.36 {
            "Senior Account Executive"
        } else {
            "Account Executive"
        };
        write_user(
            world,
            out,
            &rep.user,
            title,
            &role_id(2),
            Some(&world.managers[rep.manager].id),
        )?;
    }
    Ok(())
}

fn write_user(
    world: &World,
    out: &mut CsvOut,
    user: &User,
    title: &str,
    role: &SfId,
    manager: Option<&SfId>,
) -> io::Result<()> {
    let (first, last) = (FIRST_NAMES[user.first].0, LAST_NAMES[user.last].0);
    out.id(&user.id)
        .fmt(format_args!("{}.prod", user.email))
        .str(last)
        .str(first);
    out.fmt(format_args!("{first} {last}"))
        .str(title)
        .str("Sales")
        .str(&user.email)
        .boolean(true);
    let zone = TIME_ZONES[user.time_zone];
    out.str(zone).str(if zone.starts_with("America") {
        "en_US"
    } else {
        "en_GB"
    });
    out.id(role)
        .opt_id(manager)
        .ts(user.created)
        .ts(user.created.max(world.start));
    out.end()
}

/// Writes the two split types.
pub(crate) fn write_split_types(out: &mut CsvOut) -> io::Result<()> {
    out.id(&revenue_split_type())
        .str("Revenue")
        .str("Revenue")
        .str("Amount")
        .boolean(true)
        .boolean(true);
    out.end()?;
    out.id(&overlay_split_type())
        .str("Overlay")
        .str("Overlay")
        .str("Amount")
        .boolean(false)
        .boolean(true);
    out.end()
}

/// Writes every account, then every contact.
pub(crate) fn write_accounts(
    world: &World,
    rng: &mut Gen,
    accounts: &mut CsvOut,
    contacts: &mut CsvOut,
) -> io::Result<()> {
    const TYPES: [(&str, f64); 4] = [
        ("Customer - Direct", 0.55),
        ("Customer - Channel", 0.65),
        ("Prospect", 0.95),
        ("Channel Partner / Reseller", 1.0),
    ];
    for (i, a) in world.accounts.iter().enumerate() {
        let r = uniform(rng, 0.0, 1.0);
        let kind = TYPES.iter().find(|t| r < t.1).map_or("Other", |t| t.0);
        let country = COUNTRIES[a.country].0;
        let domain = names::account_domain(i);
        accounts
            .id(&a.id)
            .boolean(false)
            .str(&names::account_name(i))
            .str(kind)
            .str(country);
        accounts.fmt(format_args!(
            "{} 555 {:04}",
            calling_code(country),
            below(rng, 10_000)
        ));
        accounts
            .fmt(format_args!("www.{domain}"))
            .str(INDUSTRIES[a.industry]);
        let per_head = uniform(rng, 120_000.0, 260_000.0) * f64::from(a.employees);
        let scale = 10_i64.pow(u32::from(a.currency.exponent()));
        accounts.money(
            secs(per_head / 1000.0) * 1000 * scale,
            a.currency.exponent(),
        );
        accounts
            .int(i64::from(a.employees))
            .str(a.currency.code())
            .id(&world.reps[a.owner].user.id);
        let modified = a.created + secs(uniform(rng, 0.0, 1.0) * float(world.as_of - a.created));
        accounts.ts(a.created).ts(modified);
        accounts.end()?;
        for j in 0..a.contacts {
            let (first, last) = world.contact_name(i, j);
            contacts
                .id(&world.contact_id(i, j))
                .boolean(false)
                .id(&a.id);
            contacts.str(LAST_NAMES[last].0).str(FIRST_NAMES[first].0);
            contacts.str(CONTACT_TITLES[index(rng, CONTACT_TITLES.len())]);
            if chance(rng, 0.8) {
                contacts.fmt(format_args!(
                    "{} 555 {:04}",
                    calling_code(country),
                    below(rng, 10_000)
                ));
            } else {
                contacts.empty();
            }
            contacts.fmt(format_args!(
                "{}.{}@{domain}",
                FIRST_NAMES[first].1, LAST_NAMES[last].1
            ));
            contacts.str(country).id(&world.reps[a.owner].user.id);
            let created = a.created + secs(uniform(rng, 0.0, 1.0) * float(world.start - a.created));
            contacts
                .ts(created)
                .ts(created + secs(uniform(rng, 0.0, 400.0)) * DAY);
            contacts.end()?;
        }
    }
    Ok(())
}

fn calling_code(country: &str) -> &'static str {
    match country {
        "United Kingdom" => "+44",
        "Germany" => "+49",
        "France" => "+33",
        "Netherlands" => "+31",
        "Australia" => "+61",
        "Japan" => "+81",
        _ => "+1",
    }
}
