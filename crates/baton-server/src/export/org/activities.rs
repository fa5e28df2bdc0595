//! The activity files: `Task.csv` (calls, to-dos, notes, emails about nothing else),
//! `Event.csv` (meetings) and `EmailMessage.csv` (emails about a deal or an account).

use super::{Ctx, Ids, Result, Zip, export_ids, page_query};
use crate::export::record::{Record, date, flag, time};
use baton_import::salesforce::{SfEmail, SfEvent, SfTask};
use baton_import::sfid::{SfId, prefix};
use baton_import::table::Record as _;
use baton_model::activity::{ActivityKind, Direction};
use baton_model::records::Activity;
use baton_store::{SourceKind, Store};
use std::io::{Seek, Write};

/// The list filters whose rows make `Task.csv`: everything but meetings and the emails that
/// `EmailMessage.csv` takes.
pub(super) const TASK_FILTERS: &[&[(&str, &str)]] = &[
    &[("kind_in", "call,task,note")],
    &[
        ("kind", "email"),
        ("deal_id_null", "true"),
        ("account_id_null", "true"),
    ],
];
/// Meetings.
pub(super) const EVENT_FILTERS: &[&[(&str, &str)]] = &[&[("kind", "meeting")]];
/// Emails about a deal or an account.
pub(super) const EMAIL_FILTERS: &[&[(&str, &str)]] = &[
    &[("kind", "email"), ("deal_id_null", "false")],
    &[
        ("kind", "email"),
        ("deal_id_null", "true"),
        ("account_id_null", "false"),
    ],
];

impl Ctx<'_> {
    /// `Task.csv`, `Event.csv` or `EmailMessage.csv`: the activities the filters select.
    pub(super) async fn activities<W: Write + Seek>(
        &self,
        zip: &mut Zip<W>,
        object: &'static str,
        columns: &'static [&'static str],
        filters: &[&[(&str, &str)]],
    ) -> Result<()> {
        let mut sheet = zip.sheet(object, columns, &[])?;
        for filter in filters {
            let mut cursor = None;
            loop {
                let q = page_query(filter, cursor)?;
                let page = self.store.list_activities(self.actor, &q).await?;
                let key_prefix = match object {
                    "Event" => prefix::EVENT,
                    "EmailMessage" => prefix::EMAIL_MESSAGE,
                    _ => prefix::TASK,
                };
                let refs = Refs::of(self.store, key_prefix, &page.items).await?;
                for a in &page.items {
                    let r = match object {
                        "Event" => self.event(a, &refs),
                        "EmailMessage" => Self::email(a, &refs),
                        _ => self.task(a, &refs),
                    };
                    sheet.write(&r)?;
                }
                let Some(next) = page.next_cursor else { break };
                cursor = Some(next);
            }
        }
        sheet.finish()
    }

    fn task(&self, a: &Activity, refs: &Refs) -> Record {
        let mut r = Record::new(SfTask::COLUMNS, &[]);
        let subtype = match a.kind {
            ActivityKind::Call => "Call",
            ActivityKind::Email => "Email",
            _ => "Task",
        };
        // A to-do is done when completed; a call or an email when it happened.
        let todo = matches!(a.kind, ActivityKind::Task | ActivityKind::Note);
        let done = if todo {
            a.completed_at
        } else {
            Some(a.occurred_at)
        };
        let day = if todo {
            a.due_date
        } else {
            Some(a.occurred_at.date_naive())
        };
        r.set("Id", refs.activities.of(a.id.0))
            .opt("WhatId", refs.what(a))
            .opt("WhoId", refs.contacts.opt(a.contact_id.map(|c| c.0)))
            .set("OwnerId", self.user(a.owner_id))
            .opt("Subject", a.subject.as_ref())
            .set("TaskSubtype", subtype)
            .set(
                "Status",
                if done.is_some() {
                    "Completed"
                } else {
                    "Not Started"
                },
            )
            .set("Priority", "Normal")
            .opt("ActivityDate", day.map(date))
            .opt("CompletedDateTime", done.map(time))
            .set("IsClosed", flag(done.is_some()))
            .set("CreatedDate", time(a.created_at))
            .opt("Description", a.body.as_ref());
        if a.kind == ActivityKind::Call {
            r.opt(
                "CallDurationInSeconds",
                a.ends_at.map(|end| (end - a.occurred_at).num_seconds()),
            )
            .opt(
                "CallType",
                a.direction.map(|d| match d {
                    Direction::Inbound => "Inbound",
                    Direction::Outbound => "Outbound",
                }),
            );
        }
        r
    }

    fn event(&self, a: &Activity, refs: &Refs) -> Record {
        let mut r = Record::new(SfEvent::COLUMNS, &[]);
        r.set("Id", refs.activities.of(a.id.0))
            .opt("WhatId", refs.what(a))
            .opt("WhoId", refs.contacts.opt(a.contact_id.map(|c| c.0)))
            .set("OwnerId", self.user(a.owner_id))
            .opt("Subject", a.subject.as_ref())
            .set("StartDateTime", time(a.occurred_at))
            .opt("EndDateTime", a.ends_at.map(time))
            .set("ActivityDateTime", time(a.occurred_at))
            .set("ActivityDate", date(a.occurred_at.date_naive()))
            .opt(
                "DurationInMinutes",
                a.ends_at.map(|end| (end - a.occurred_at).num_minutes()),
            )
            .set("IsAllDayEvent", flag(false))
            .set("CreatedDate", time(a.created_at))
            .opt("Description", a.body.as_ref());
        r
    }

    fn email(a: &Activity, refs: &Refs) -> Record {
        let incoming = a.direction == Some(Direction::Inbound);
        let mut r = Record::new(SfEmail::COLUMNS, &[]);
        r.set("Id", refs.activities.of(a.id.0))
            .opt("RelatedToId", refs.what(a))
            .opt("Subject", a.subject.as_ref())
            .set("MessageDate", time(a.occurred_at))
            .set("Incoming", flag(incoming))
            .opt("ThreadIdentifier", a.thread_id.as_ref())
            // The API's status codes: 0 New, 3 Sent.
            .set("Status", if incoming { "0" } else { "3" })
            .opt("TextBody", a.body.as_ref())
            .set("CreatedDate", time(a.created_at));
        r
    }
}

/// The export ids of a page of activities and of what they are about.
struct Refs {
    activities: Ids,
    accounts: Ids,
    contacts: Ids,
    deals: Ids,
}

impl Refs {
    async fn of(store: &Store, key_prefix: &str, page: &[Activity]) -> Result<Refs> {
        Ok(Refs {
            activities: export_ids(
                store,
                SourceKind::Activity,
                key_prefix,
                page.iter().map(|a| a.id.0).collect(),
            )
            .await?,
            accounts: export_ids(
                store,
                SourceKind::Account,
                prefix::ACCOUNT,
                page.iter()
                    .filter_map(|a| a.account_id.map(|x| x.0))
                    .collect(),
            )
            .await?,
            contacts: export_ids(
                store,
                SourceKind::Contact,
                prefix::CONTACT,
                page.iter()
                    .filter_map(|a| a.contact_id.map(|x| x.0))
                    .collect(),
            )
            .await?,
            deals: export_ids(
                store,
                SourceKind::Deal,
                prefix::OPPORTUNITY,
                page.iter().filter_map(|a| a.deal_id.map(|x| x.0)).collect(),
            )
            .await?,
        })
    }

    /// `WhatId`: the deal, else the account (Salesforce relates an activity to one record).
    fn what(&self, a: &Activity) -> Option<SfId> {
        a.deal_id
            .map(|d| self.deals.of(d.0))
            .or_else(|| a.account_id.map(|x| self.accounts.of(x.0)))
    }
}
