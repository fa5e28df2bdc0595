//! Half-open spans of UTC time, `[start, end)`, and sets of them kept sorted and disjoint.

use chrono::{DateTime, TimeDelta, Utc};

/// `[start, end)` in UTC. Never empty: `start < end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Interval {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Interval {
    /// The span from `start` to `end`, or `None` when it would be empty.
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Option<Interval> {
        (start < end).then_some(Interval { start, end })
    }

    pub fn duration(&self) -> TimeDelta {
        self.end - self.start
    }

    /// Whether the two spans share any instant.
    pub fn overlaps(&self, other: &Interval) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// Whether `other` lies wholly inside this span.
    pub fn contains(&self, other: &Interval) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// The part of this span inside `other`, if any.
    pub fn clip(&self, other: &Interval) -> Option<Interval> {
        Interval::new(self.start.max(other.start), self.end.min(other.end))
    }

    /// This span widened by `before` at its start and `after` at its end (stopping at the
    /// ends of representable time).
    pub fn widen(&self, before: TimeDelta, after: TimeDelta) -> Interval {
        Interval {
            start: self
                .start
                .checked_sub_signed(before)
                .unwrap_or(DateTime::<Utc>::MIN_UTC),
            end: self
                .end
                .checked_add_signed(after)
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
        }
    }
}

/// Sorts `spans` and merges the ones that overlap or touch, so that the result is disjoint.
pub fn normalize(mut spans: Vec<Interval>) -> Vec<Interval> {
    spans.sort();
    let mut merged: Vec<Interval> = Vec::with_capacity(spans.len());
    for span in spans {
        match merged.last_mut() {
            Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
            _ => merged.push(span),
        }
    }
    merged
}

/// The parts of the disjoint, sorted `spans` not covered by any of `holes` (any order).
pub fn subtract(spans: &[Interval], holes: &[Interval]) -> Vec<Interval> {
    let holes = normalize(holes.to_vec());
    let mut out = Vec::new();
    for span in spans {
        let mut rest = Some(*span);
        for hole in holes.iter().skip_while(|h| h.end <= span.start) {
            let Some(current) = rest else { break };
            if hole.start >= current.end {
                break;
            }
            if let Some(before) = Interval::new(current.start, hole.start) {
                out.push(before);
            }
            rest = Interval::new(hole.end.max(current.start), current.end);
        }
        out.extend(rest);
    }
    out
}

/// The instants covered by both disjoint, sorted sets.
pub fn intersect(a: &[Interval], b: &[Interval]) -> Vec<Interval> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() && j < b.len() {
        if let Some(both) = a[i].clip(&b[j]) {
            out.push(both);
        }
        if a[i].end <= b[j].end {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, h, m, 0).unwrap()
    }

    fn span(a: (u32, u32), b: (u32, u32)) -> Interval {
        Interval::new(at(a.0, a.1), at(b.0, b.1)).unwrap()
    }

    #[test]
    fn an_empty_or_backwards_span_is_refused() {
        assert_eq!(Interval::new(at(9, 0), at(9, 0)), None);
        assert_eq!(Interval::new(at(10, 0), at(9, 0)), None);
    }

    #[test]
    fn normalize_merges_overlapping_and_touching_spans() {
        let merged = normalize(vec![
            span((11, 0), (12, 0)),
            span((9, 0), (10, 0)),
            span((10, 0), (10, 30)),
            span((9, 30), (9, 45)),
        ]);
        assert_eq!(merged, [span((9, 0), (10, 30)), span((11, 0), (12, 0))]);
    }

    #[test]
    fn subtract_cuts_holes_out_of_spans() {
        let free = subtract(
            &[span((9, 0), (12, 0)), span((13, 0), (17, 0))],
            &[
                span((8, 0), (9, 30)),
                span((10, 0), (10, 30)),
                span((11, 45), (13, 15)),
                span((16, 0), (18, 0)),
            ],
        );
        assert_eq!(
            free,
            [
                span((9, 30), (10, 0)),
                span((10, 30), (11, 45)),
                span((13, 15), (16, 0))
            ]
        );
    }

    #[test]
    fn intersect_keeps_what_both_sets_cover() {
        let both = intersect(
            &[span((9, 0), (12, 0)), span((13, 0), (17, 0))],
            &[span((11, 0), (14, 0)), span((16, 30), (18, 0))],
        );
        assert_eq!(
            both,
            [
                span((11, 0), (12, 0)),
                span((13, 0), (14, 0)),
                span((16, 30), (17, 0))
            ]
        );
    }
}
