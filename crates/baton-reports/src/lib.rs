//! The quarterly review's numbers, computed from plain data: deals with their field history,
//! stages, quotas, exchange rates and activity counts in; every metric of `docs/metrics.md` out,
//! for a quarter, the quarter before it and the same quarter a year earlier.
//!
//! No I/O: the store gathers the facts ([`Facts`]) for what the viewer may see, and
//! [`quarterly`] turns them into a [`QuarterlyReport`]. Everything is computed "as of" an
//! instant (the report's `now`): a field's value at any earlier moment is read back from the
//! deal's history, so last year's quarter is measured with what was known then, not with
//! today's values.

mod activity;
mod deals;
pub use deals::quarter_quota;
mod facts;
mod history;
mod report;
mod stages;
pub mod stats;

pub use activity::{Activity, Email, replies};
pub use facts::{
    ActivityCount, ActivityKind, Deal, Facts, Person, Quota, Reply, StageInfo, Window, start_of,
};
pub use history::{Change, Changes};
pub use report::{
    Band, ByKey, Comparison, MetricRow, Number, PeriodMetrics, QuarterlyReport, RepRow,
    SlippedDeal, StageRow, WeekRow,
};

use baton_model::Period;

/// The quarterly review of `quarter` from `facts`: the quarter, the one before and the same one
/// a year earlier, with `activity` giving each of those three periods' activity (in that order).
pub fn quarterly(facts: &Facts, quarter: Period, activity: &[Activity; 3]) -> QuarterlyReport {
    report::build(facts, quarter, activity)
}

#[cfg(test)]
mod proptests;
