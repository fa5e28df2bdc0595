//! `Task.csv`: calls, emails logged as tasks, and to-dos, on deals or on accounts.

use super::activities::Budget;
use super::out::{CsvOut, DAY};
use super::random::{Gen, chance, float, index, secs, uniform, work_instant};
use super::world::World;
use crate::sfid::{SfId, prefix};
use std::io;

/// `Task.csv` columns.
pub(crate) const TASK_HEADER: &[&str] = &[
    "Id",
    "WhoId",
    "WhatId",
    "OwnerId",
    "Subject",
    "ActivityDate",
    "Status",
    "Priority",
    "IsClosed",
    "TaskSubtype",
    "Type",
    "CallType",
    "CallDurationInSeconds",
    "CompletedDateTime",
    "Description",
    "CreatedDate",
    "IsDeleted",
];

const CALL_SUBJECTS: &[&str] = &["Call", "Discovery call", "Follow-up call", "Pricing call"];
const TODO_SUBJECTS: &[&str] = &[
    "Send proposal",
    "Prepare quote",
    "Update mutual action plan",
    "Send case study",
    "Draft order form",
];
const ACCOUNT_SUBJECTS: &[&str] = &[
    "Account check-in",
    "Quarterly business review prep",
    "Send product update",
    "Renewal reminder",
];
const NOTES: &[&str] = &[
    "Left voicemail.",
    "Discussed pricing, next steps: send quote by Friday.",
    "Spoke with \"IT lead\" about SSO.\nThey need SAML and SCIM.",
];

/// Tops the activity count up with account-level tasks by each account's owner (thinned, like
/// deal activity, for reps who are struggling at the time).
pub(crate) fn write_account_tasks(
    world: &World,
    rng: &mut Gen,
    tasks: &mut CsvOut,
    budget: &mut Budget,
) -> io::Result<()> {
    let mut rejected = 0;
    while budget.left > 0 {
        let a = index(rng, world.accounts.len());
        let account = &world.accounts[a];
        let t = work_instant(rng, world.start, world.as_of).min(world.as_of - 60);
        if chance(rng, world.reps[account.owner].idle_share(t)) && rejected < 1000 {
            rejected += 1;
            continue;
        }
        let who = world.contact_id(
            a,
            u8::try_from(index(rng, usize::from(account.contacts))).unwrap_or(0),
        );
        let task = TaskAt {
            what: account.id,
            account_level: true,
            who: Some(&who),
            rep: account.owner,
            t,
            scheduled_at: None,
        };
        write_task(world, rng, tasks, &task)?;
        budget.left -= 1;
    }
    Ok(())
}

/// What a task is about and when.
pub(crate) struct TaskAt<'a> {
    pub what: SfId,
    pub account_level: bool,
    pub who: Option<&'a SfId>,
    pub rep: usize,
    pub t: i64,
    /// When a task due in the future was scheduled.
    pub scheduled_at: Option<i64>,
}

/// One task due (or done) at `t`.
pub(crate) fn write_task(
    world: &World,
    rng: &mut Gen,
    out: &mut CsvOut,
    task: &TaskAt<'_>,
) -> io::Result<()> {
    let TaskAt {
        what,
        account_level,
        who,
        rep,
        t,
        scheduled_at,
    } = *task;
    let r = uniform(rng, 0.0, 1.0);
    let (subtype, kind, subject) = if r < 0.45 {
        (
            "Call",
            "Call",
            CALL_SUBJECTS[index(rng, CALL_SUBJECTS.len())],
        )
    } else if r < 0.65 {
        ("Email", "Email", "Email: follow-up")
    } else if account_level {
        (
            "Task",
            "Other",
            ACCOUNT_SUBJECTS[index(rng, ACCOUNT_SUBJECTS.len())],
        )
    } else {
        (
            "Task",
            "Other",
            TODO_SUBJECTS[index(rng, TODO_SUBJECTS.len())],
        )
    };
    let done = scheduled_at.is_none() && chance(rng, 0.93);
    out.id(&SfId::generated(prefix::TASK, out.rows()))
        .opt_id(who)
        .id(&what);
    out.id(&world.reps[rep].user.id)
        .str(subject)
        .date(t.div_euclid(DAY));
    out.str(if done { "Completed" } else { "Not Started" });
    out.str(if chance(rng, 0.1) { "High" } else { "Normal" })
        .boolean(done)
        .str(subtype)
        .str(kind);
    if subtype == "Call" {
        out.str("Outbound").int(secs(uniform(rng, 30.0, 2400.0)));
    } else {
        out.empty().empty();
    }
    if done {
        out.ts(t);
    } else {
        out.empty();
    }
    if chance(rng, 0.2) {
        out.str(NOTES[index(rng, NOTES.len())]);
    } else {
        out.empty();
    }
    let created = scheduled_at.unwrap_or(t) - secs(uniform(rng, 0.0, 4.0) * float(DAY));
    out.ts(created).boolean(false);
    out.end()
}
