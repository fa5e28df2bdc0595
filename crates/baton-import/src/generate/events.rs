//! `Event.csv`: meetings.

use super::out::{CsvOut, DAY};
use super::random::{Gen, float, index, secs, uniform};
use crate::sfid::{SfId, prefix};
use std::io;

/// `Event.csv` columns.
pub(crate) const EVENT_HEADER: &[&str] = &[
    "Id",
    "WhoId",
    "WhatId",
    "OwnerId",
    "Subject",
    "Location",
    "IsAllDayEvent",
    "ActivityDateTime",
    "ActivityDate",
    "DurationInMinutes",
    "StartDateTime",
    "EndDateTime",
    "ShowAs",
    "Description",
    "CreatedDate",
    "IsDeleted",
];

const MEETINGS: &[&str] = &[
    "Discovery meeting",
    "Product demo",
    "Pricing review",
    "Executive briefing",
    "Technical deep dive",
    "Contract walkthrough",
];
/// One meeting starting near `t` (on a quarter hour).
pub(crate) fn write_event(
    rng: &mut Gen,
    out: &mut CsvOut,
    what: &SfId,
    who: Option<&SfId>,
    owner: &SfId,
    t: i64,
    as_of: i64,
) -> io::Result<()> {
    let start = t - t.rem_euclid(900);
    let minutes = [30, 45, 60, 90][index(rng, 4)];
    out.id(&SfId::generated(prefix::EVENT, out.rows()))
        .opt_id(who)
        .id(what)
        .id(owner);
    out.str(MEETINGS[index(rng, MEETINGS.len())]);
    out.str(["Zoom", "Microsoft Teams", "On site", "Google Meet"][index(rng, 4)])
        .boolean(false);
    out.ts(start)
        .date(start.div_euclid(DAY))
        .int(minutes)
        .ts(start)
        .ts(start + minutes * 60);
    out.str("Busy").empty();
    let created = (start - secs(uniform(rng, 1.0, 10.0) * float(DAY))).min(as_of - 3600);
    out.ts(created).boolean(false);
    out.end()
}
