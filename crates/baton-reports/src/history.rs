//! A field's past values, read back from its change history.

use chrono::{DateTime, Utc};

/// One change of a field: at `at` it went from `old` to `new`.
#[derive(Debug, Clone, PartialEq)]
pub struct Change<T> {
    pub at: DateTime<Utc>,
    pub old: T,
    pub new: T,
}

/// A field's changes, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Changes<T> {
    list: Vec<Change<T>>,
}

impl<T> Default for Changes<T> {
    fn default() -> Self {
        Changes { list: Vec::new() }
    }
}

impl<T: Clone> Changes<T> {
    /// The changes, in any order (they are sorted by time; equal times keep their order).
    pub fn new(mut list: Vec<Change<T>>) -> Self {
        list.sort_by_key(|c| c.at);
        Changes { list }
    }

    /// The changes, oldest first.
    pub fn list(&self) -> &[Change<T>] {
        &self.list
    }

    /// The value at instant `at`, given the value now: the old value of the first change made
    /// after `at`, or the current value when nothing changed since.
    pub fn at(&self, at: DateTime<Utc>, current: &T) -> T {
        let after = self.list.partition_point(|c| c.at <= at);
        self.list
            .get(after)
            .map_or_else(|| current.clone(), |c| c.old.clone())
    }

    /// The values the field held at some moment in `[from, to)`: its value at `from` and every
    /// value it was given before `to`.
    pub fn held(&self, from: DateTime<Utc>, to: DateTime<Utc>, current: &T) -> Vec<T> {
        let mut values = vec![self.at(from, current)];
        values.extend(
            self.list
                .iter()
                .filter(|c| from < c.at && c.at < to)
                .map(|c| c.new.clone()),
        );
        values
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 7, day, 12, 0, 0).unwrap()
    }

    #[test]
    fn a_value_at_an_instant_is_the_old_value_of_the_next_change() {
        let changes = Changes::new(vec![
            Change {
                at: t(10),
                old: 2,
                new: 3,
            },
            Change {
                at: t(5),
                old: 1,
                new: 2,
            },
        ]);
        assert_eq!(changes.at(t(1), &3), 1);
        assert_eq!(
            changes.at(t(5), &3),
            2,
            "a change at the instant has happened"
        );
        assert_eq!(changes.at(t(7), &3), 2);
        assert_eq!(changes.at(t(20), &3), 3);
    }

    #[test]
    fn held_values_are_the_value_at_the_start_and_every_later_one() {
        let changes = Changes::new(vec![
            Change {
                at: t(5),
                old: 1,
                new: 2,
            },
            Change {
                at: t(10),
                old: 2,
                new: 3,
            },
            Change {
                at: t(15),
                old: 3,
                new: 4,
            },
        ]);
        assert_eq!(changes.held(t(6), t(15), &4), vec![2, 3]);
        assert_eq!(changes.held(t(1), t(30), &4), vec![1, 2, 3, 4]);
    }
}
