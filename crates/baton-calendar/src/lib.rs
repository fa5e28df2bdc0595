//! The team calendar engine: plain data in, plain data out, no I/O.
//!
//! * [`interval`]: spans of UTC time and the set operations on them.
//! * [`availability`]: a person's working hours in their own IANA time zone, with date
//!   overrides, turned into UTC spans for any window, correct across daylight-saving changes.
//! * [`events`]: one-off and recurring events (RFC 5545 `RRULE`, `RDATE`, `EXDATE`, exceptions)
//!   expanded within a window, zoned, floating or all-day.
//! * [`ics`]: iCalendar files as real calendar programs write them, read leniently into events,
//!   with a warning per event that could not be read.
//! * [`slots`]: meeting times where every required person is working and free, ranked by how
//!   many optional people can come, then by the time spent outside core hours, then by time.
//! * [`priority`]: how much a meeting matters, and which lower-priority meetings to move, and
//!   where, when a more important one finds no free time.
//! * [`round_robin`]: meeting times with one host from a pool, chosen fairly by load and
//!   weight, with the reason.

pub mod availability;
pub mod events;
pub mod ics;
pub mod interval;
pub mod priority;
pub mod round_robin;
pub mod slots;

pub use availability::{Availability, DayHours, HoursError, LocalRange};
pub use events::{Event, Occurrence, ShowAs, Start, Warning, expand};
pub use interval::Interval;
pub use priority::{
    Booked, DealFacts, Move, MoveError, MoveRequest, Priority, Proposal, propose_moves,
};
pub use round_robin::{Assignment, Host, RoundRobinRequest, round_robin};
pub use slots::{Attendee, Search, Slot, SlotError, SlotRequest, find_slots};

/// What the tests of every module share.
#[cfg(test)]
pub(crate) mod testing {
    use crate::Interval;
    use chrono::{DateTime, Utc};

    /// The instant an RFC 3339 text names.
    pub(crate) fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    /// The span between two RFC 3339 texts.
    pub(crate) fn span(from: &str, to: &str) -> Interval {
        Interval::new(utc(from), utc(to)).unwrap()
    }
}
