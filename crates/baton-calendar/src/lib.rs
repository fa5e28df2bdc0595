//! The team calendar engine: plain data in, plain data out, no I/O.
//!
//! * [`interval`]: spans of UTC time and the set operations on them.
//! * [`availability`]: a person's working hours in their own IANA time zone, with date
//!   overrides, turned into UTC spans for any window, correct across daylight-saving changes.
//! * [`events`]: one-off and recurring events (RFC 5545 `RRULE`, `RDATE`, `EXDATE`, exceptions)
//!   expanded within a window, zoned, floating or all-day.
//! * [`slots`]: meeting times where every required person is working and free, ranked by how
//!   many optional people can come, then by time.
//! * [`round_robin`]: meeting times with one host from a pool, chosen fairly by load and
//!   weight, with the reason.

pub mod availability;
pub mod events;
pub mod interval;
pub mod round_robin;
pub mod slots;

pub use availability::{Availability, DayHours, HoursError, LocalRange};
pub use events::{Event, Occurrence, ShowAs, Start, Warning, expand};
pub use interval::Interval;
pub use round_robin::{Assignment, Host, RoundRobinRequest, round_robin};
pub use slots::{Attendee, Search, Slot, SlotError, SlotRequest, find_slots};
