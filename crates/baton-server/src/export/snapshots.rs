//! `OpportunityHistory` rows from Baton's field history.
//!
//! Salesforce keeps one history row per change of an opportunity's stage, amount, close date,
//! probability or forecast category, each a snapshot of all of them after the change; the
//! importer turns consecutive snapshots back into field changes (what differs from the previous
//! one, everything for the first). Baton's field history holds one row per changed field, the
//! fields of one change sharing their time. So: walk a deal's history in order, keep the
//! current values, and write a snapshot after each change that touched one of those fields.
//! Changes of other tracked fields (owner, pipeline) write none, as in Salesforce.

use baton_model::pipeline::ForecastCategory;
use baton_model::records::FieldChange;
use baton_model::{Currency, UserId};
use chrono::{DateTime, NaiveDate, Utc};

/// A deal's values after one change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Snapshot {
    /// The first field-history row of the change, from which the row's id is derived.
    pub change_id: i64,
    pub at: DateTime<Utc>,
    pub actor: Option<UserId>,
    pub stage_id: Option<i64>,
    pub amount_minor: Option<i64>,
    pub currency: Option<Currency>,
    pub close_date: Option<NaiveDate>,
    pub forecast: Option<ForecastCategory>,
}

/// The snapshots of one deal's history (oldest first, one deal's rows only).
pub(crate) fn snapshots(changes: &[FieldChange]) -> Vec<Snapshot> {
    let mut out = Vec::new();
    let mut state = Snapshot {
        change_id: 0,
        at: DateTime::<Utc>::MIN_UTC,
        actor: None,
        stage_id: None,
        amount_minor: None,
        currency: None,
        close_date: None,
        forecast: None,
    };
    for change in changes_of(changes) {
        let mut touched = false;
        for c in change {
            let new = c.new_value.as_deref();
            touched |= match c.field.as_str() {
                "stage_id" => set(&mut state.stage_id, new),
                "amount_minor" => set(&mut state.amount_minor, new),
                "currency" => set(&mut state.currency, new),
                "close_date" => set(&mut state.close_date, new),
                "forecast_category" => set(&mut state.forecast, new),
                _ => false,
            };
        }
        if touched {
            state.change_id = change[0].id;
            state.at = change[0].changed_at;
            state.actor = change[0].actor_id;
            out.push(state.clone());
        }
    }
    out
}

/// The rows of each change: consecutive rows with one time and actor, a field seen twice
/// starting the next change (two changes can share a time, imported ones especially).
fn changes_of(rows: &[FieldChange]) -> Vec<&[FieldChange]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=rows.len() {
        let ends = i == rows.len()
            || rows[i].changed_at != rows[start].changed_at
            || rows[i].actor_id != rows[start].actor_id
            || rows[start..i].iter().any(|r| r.field == rows[i].field);
        if ends {
            out.push(&rows[start..i]);
            start = i;
        }
    }
    out
}

/// Sets a value from its history text; true (a snapshot field was touched).
fn set<T: std::str::FromStr>(slot: &mut Option<T>, text: Option<&str>) -> bool {
    *slot = text.and_then(|t| t.parse().ok());
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(id: i64, minute: i64, field: &str, new: Option<&str>) -> FieldChange {
        FieldChange {
            id,
            entity: "deal".into(),
            entity_id: 1,
            field: field.into(),
            old_value: None,
            new_value: new.map(str::to_owned),
            actor_id: Some(UserId(7)),
            changed_at: DateTime::from_timestamp(1_700_000_000 + minute * 60, 0).unwrap(),
        }
    }

    #[test]
    fn two_changes_at_the_same_time_are_two_rows_when_they_touch_the_same_field() {
        let history = [
            change(1, 0, "stage_id", Some("3")),
            change(2, 0, "stage_id", Some("4")),
        ];
        let rows = snapshots(&history);
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].stage_id, rows[1].stage_id), (Some(3), Some(4)));
    }

    #[test]
    fn each_change_of_a_snapshot_field_is_one_row_with_every_value_after_it() {
        let history = [
            change(1, 0, "pipeline_id", Some("1")),
            change(2, 0, "stage_id", Some("3")),
            change(3, 0, "amount_minor", Some("5000")),
            change(4, 0, "currency", Some("EUR")),
            change(5, 0, "forecast_category", Some("pipeline")),
            change(6, 5, "owner_id", Some("9")),
            change(7, 9, "stage_id", Some("4")),
            change(8, 9, "close_date", Some("2026-12-01")),
            change(9, 12, "amount_minor", None),
        ];
        let rows = snapshots(&history);
        assert_eq!(rows.len(), 3, "the owner change writes no row");
        assert_eq!(rows[0].change_id, 1);
        assert_eq!(
            (rows[0].stage_id, rows[0].amount_minor, rows[0].close_date),
            (Some(3), Some(5000), None)
        );
        assert_eq!(rows[0].forecast, Some(ForecastCategory::Pipeline));
        assert_eq!(
            (rows[1].stage_id, rows[1].amount_minor),
            (Some(4), Some(5000))
        );
        assert_eq!(rows[1].close_date, NaiveDate::from_ymd_opt(2026, 12, 1));
        assert_eq!((rows[2].stage_id, rows[2].amount_minor), (Some(4), None));
        assert_eq!(rows[2].change_id, 9);
        assert_eq!(
            rows[2].currency.map(|c| c.to_string()).as_deref(),
            Some("EUR")
        );
    }
}
