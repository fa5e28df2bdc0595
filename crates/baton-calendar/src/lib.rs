//! The team calendar engine: plain data in, plain data out, no I/O.
//!
//! * [`interval`]: spans of UTC time and the set operations on them.
//! * [`availability`]: a person's working hours in their own IANA time zone, with date
//!   overrides, turned into UTC spans for any window, correct across daylight-saving changes.
//! * [`slots`]: meeting times where every required person is working and free, ranked by how
//!   many optional people can come, then by time.

pub mod availability;
pub mod interval;
pub mod slots;

pub use availability::{Availability, DayHours, HoursError, LocalRange};
pub use interval::Interval;
pub use slots::{Attendee, Slot, SlotError, SlotRequest, find_slots};
