//! Whose meeting yields: a meeting's priority, and when the people a new meeting needs have no
//! free time, the smallest set of lower-priority meetings to move, where each could go, and a
//! plain explanation of the trade.
//!
//! Nothing here moves anything: a proposal is shown to the people concerned, and a meeting
//! moves only when they accept. A meeting is never proposed to move for one of equal or higher
//! priority, nor when it is marked as fixed.

use crate::interval::Interval;
use crate::slots::{Attendee, Burden, Search, SlotError, after_hours, covered};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use std::collections::HashMap;

/// How much a meeting matters, from 0 to 100, and how that number was reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Priority {
    pub score: u8,
    pub why: String,
}

/// What a deal says about the meetings held for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DealFacts {
    /// Amount in whole units of the organisation's currency.
    pub amount: i64,
    /// The stage's win probability, in percent.
    pub stage_probability: u8,
    /// Days from today to the expected close date (negative when it has passed).
    pub days_to_close: Option<i64>,
    /// The account's tier, 1 (most important) to 5.
    pub tier: Option<u8>,
}

impl Priority {
    /// A priority from the deal a meeting is for: up to 40 points for the amount (on a log
    /// scale, full at 1,000,000), 25 for the stage's probability, 25 for closing within two
    /// weeks (18 within a month, 8 within a quarter, 15 when the close date has passed and the
    /// deal is still open) and 10 for a tier-1 account (down to 0 for tier 5).
    pub fn of_deal(deal: &DealFacts) -> Priority {
        let amount = amount_points(deal.amount);
        let stage =
            u8::try_from(25 * u16::from(deal.stage_probability.min(100)) / 100).unwrap_or(25);
        let (soon, when) = match deal.days_to_close {
            None => (0, "no close date".to_owned()),
            Some(days) if days < 0 => (15, format!("close date passed {} days ago", -days)),
            Some(days) => (
                match days {
                    0..=14 => 25,
                    15..=30 => 18,
                    31..=90 => 8,
                    _ => 0,
                },
                format!("closes in {days} days"),
            ),
        };
        let tier = deal.tier.map_or(0, |t| 10 * (5 - t.clamp(1, 5)) / 4);
        let score = amount + stage + soon + tier;
        let tier_text = deal
            .tier
            .map_or_else(|| "no tier".to_owned(), |t| format!("tier {t}"));
        Priority {
            score,
            why: format!(
                "amount {amount} + stage at {}% {stage} + {when} {soon} + {tier_text} {tier} = {score}",
                deal.stage_probability
            ),
        }
    }

    /// A priority set by hand.
    pub fn by_hand(score: u8) -> Priority {
        let score = score.min(100);
        Priority {
            score,
            why: format!("set by hand to {score}"),
        }
    }
}

/// 40 × log10(amount) / 6, rounded, for amounts from 1 to 1,000,000; 0 below, 40 above.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn amount_points(amount: i64) -> u8 {
    let amount = u32::try_from(amount.clamp(1, 1_000_000)).unwrap_or(1);
    // The result lies in 0.0..=40.0, so the conversion to u8 is exact after rounding.
    (40.0 * f64::from(amount).log10() / 6.0).round() as u8
}

/// A meeting already on the calendar.
#[derive(Debug, Clone)]
pub struct Booked {
    pub id: String,
    /// How the meeting is named in explanations, e.g. "'Acme weekly sync' (deal $12k,
    /// Qualification)".
    pub label: String,
    pub time: Interval,
    /// The ids of the people in it.
    pub attendees: Vec<String>,
    pub priority: u8,
    /// Whether it may be proposed to move at all.
    pub movable: bool,
}

/// A new meeting that may need others moved.
#[derive(Debug, Clone)]
pub struct MoveRequest {
    /// How the new meeting is named in explanations.
    pub label: String,
    pub priority: u8,
    /// The ids of the people it needs.
    pub required: Vec<String>,
    /// Everyone named in `required` or in a booked meeting. Their `meetings` are the busy time
    /// that can never move (other calendars, time blocked by hand); booked meetings are added.
    pub people: Vec<Attendee>,
    pub booked: Vec<Booked>,
    /// Where the new meeting may go.
    pub search: Search,
    /// Where moved meetings may go.
    pub move_within: Interval,
    /// At most this many meetings moved for one proposal.
    pub max_moves: usize,
    /// The time zone the explanations are written in.
    pub zone: Tz,
}

/// A time for the new meeting and the moves that free it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub time: Interval,
    pub moves: Vec<Move>,
    pub explanation: String,
}

/// One booked meeting moved: from where, to where, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    pub booked: String,
    pub from: Interval,
    pub to: Interval,
    pub explanation: String,
}

/// A move request that cannot be answered, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoveError {
    #[error(transparent)]
    Search(#[from] SlotError),
    #[error("{0} is named in the request but not among its people")]
    UnknownPerson(String),
}

/// Times for the new meeting with the fewest moves first (then the lowest total priority
/// moved, then the least time outside core hours, then earliest), each with where every moved
/// meeting goes: the free time nearest its old one that suits all its people. A time needing
/// no moves at all comes first when there is one.
pub fn propose_moves(request: &MoveRequest) -> Result<Vec<Proposal>, MoveError> {
    let search = &request.search;
    let Some(window) = search.check(&request.people)? else {
        return Ok(Vec::new());
    };
    if request.required.is_empty() {
        return Err(SlotError::NoOneRequired.into());
    }
    let calendar = Calendar::new(request)?;
    let required: Vec<usize> = request
        .required
        .iter()
        .map(|id| calendar.person(id))
        .collect::<Result<_, _>>()?;
    // Candidate times: every required person working and free of what cannot move.
    let common = required
        .iter()
        .map(|p| request.people[*p].free(&window))
        .reduce(|a, b| crate::interval::intersect(&a, &b))
        .unwrap_or_default();
    let burdens: Vec<Burden> = required
        .iter()
        .map(|p| Burden::new(&request.people[*p], &window))
        .collect();
    let mut candidates: Vec<Candidate> = search
        .times(&common)
        .filter_map(|time| calendar.candidate(request, &required, time))
        .map(|mut c| {
            c.burden = after_hours(&burdens, &c.time).iter().map(|(_, m)| m).sum();
            c
        })
        .collect();
    candidates.sort_by_key(|c| (c.blocking.len(), c.moved_priority, c.burden, c.time.start));
    let mut proposals = Vec::new();
    for candidate in candidates {
        if proposals.len() == search.limit {
            break;
        }
        if let Some(proposal) = calendar.plan(request, &required, &candidate) {
            proposals.push(proposal);
        }
    }
    Ok(proposals)
}

/// A time for the new meeting and the booked meetings in its way.
struct Candidate {
    time: Interval,
    blocking: Vec<usize>,
    moved_priority: u32,
    burden: u32,
}

/// The people and their booked meetings, indexed.
struct Calendar<'a> {
    index: HashMap<&'a str, usize>,
    /// For each person, the indices of the booked meetings they are in.
    booked_by_person: Vec<Vec<usize>>,
    /// For each booked meeting, the indices of its people.
    people_of: Vec<Vec<usize>>,
}

impl<'a> Calendar<'a> {
    fn new(request: &'a MoveRequest) -> Result<Calendar<'a>, MoveError> {
        let index: HashMap<&str, usize> = request
            .people
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.as_str(), i))
            .collect();
        let mut calendar = Calendar {
            index,
            booked_by_person: vec![Vec::new(); request.people.len()],
            people_of: Vec::with_capacity(request.booked.len()),
        };
        for (b, booked) in request.booked.iter().enumerate() {
            let people: Vec<usize> = booked
                .attendees
                .iter()
                .map(|id| calendar.person(id))
                .collect::<Result<_, _>>()?;
            for p in &people {
                calendar.booked_by_person[*p].push(b);
            }
            calendar.people_of.push(people);
        }
        Ok(calendar)
    }

    fn person(&self, id: &str) -> Result<usize, MoveError> {
        self.index
            .get(id)
            .copied()
            .ok_or_else(|| MoveError::UnknownPerson(id.to_owned()))
    }

    /// The booked meetings that stand in the way of the new meeting at `time`, or `None` when
    /// one of them may not move for it.
    fn candidate(
        &self,
        request: &MoveRequest,
        required: &[usize],
        time: Interval,
    ) -> Option<Candidate> {
        let mut blocking: Vec<usize> = Vec::new();
        for p in required {
            let person = &request.people[*p];
            let gap = person.buffer_before + person.buffer_after;
            for b in &self.booked_by_person[*p] {
                if request.booked[*b].time.widen(gap, gap).overlaps(&time) {
                    blocking.push(*b);
                }
            }
        }
        blocking.sort_unstable();
        blocking.dedup();
        let may_move = |b: &usize| {
            let booked = &request.booked[*b];
            booked.movable && booked.priority < request.priority
        };
        (blocking.len() <= request.max_moves && blocking.iter().all(may_move)).then(|| Candidate {
            time,
            moved_priority: blocking
                .iter()
                .map(|b| u32::from(request.booked[*b].priority))
                .sum(),
            blocking,
            burden: 0,
        })
    }

    /// Where each blocking meeting goes, highest priority first, or `None` when one of them
    /// finds no time or the new meeting still does not fit.
    fn plan(
        &self,
        request: &MoveRequest,
        required: &[usize],
        candidate: &Candidate,
    ) -> Option<Proposal> {
        let mut order = candidate.blocking.clone();
        order.sort_by_key(|b| std::cmp::Reverse(request.booked[*b].priority));
        // Where every booked meeting is, as the plan moves them; the new one is added for its
        // required people.
        let mut placed: HashMap<usize, Interval> = HashMap::new();
        let busy = |p: usize, placed: &HashMap<usize, Interval>, with_new: bool| {
            let person = &request.people[p];
            let mut busy = person.meetings.clone();
            busy.extend(self.booked_by_person[p].iter().filter_map(|b| {
                if candidate.blocking.contains(b) {
                    placed.get(b).copied()
                } else {
                    Some(request.booked[*b].time)
                }
            }));
            if with_new && required.contains(&p) {
                busy.push(candidate.time);
            }
            busy
        };
        let mut moves = Vec::new();
        for b in order {
            let booked = &request.booked[b];
            let search = Search {
                duration: booked.time.duration(),
                window: request.move_within,
                ..request.search.clone()
            };
            let within = Interval::new(
                request.move_within.start.max(search.not_before),
                request.move_within.end,
            )?;
            let free = self.people_of[b]
                .iter()
                .map(|p| request.people[*p].free_around(&busy(*p, &placed, true), &within))
                .reduce(|a, b| crate::interval::intersect(&a, &b))?;
            let to = search
                .times(&free)
                .min_by_key(|t| ((t.start - booked.time.start).abs(), t.start))?;
            placed.insert(b, to);
            moves.push(Move {
                booked: booked.id.clone(),
                from: booked.time,
                to,
                explanation: format!(
                    "Moving {} to {} frees {} for {}",
                    booked.label,
                    when(to.start, request.zone),
                    when(candidate.time.start, request.zone),
                    request.label
                ),
            });
        }
        // With the moves made, the new meeting must fit every required person's limits too.
        let fits = required.iter().all(|p| {
            let free =
                request.people[*p].free_around(&busy(*p, &placed, false), &request.search.window);
            covered(&free, &candidate.time)
        });
        if !fits {
            return None;
        }
        let explanation = if moves.is_empty() {
            format!(
                "{} is free for {}",
                when(candidate.time.start, request.zone),
                request.label
            )
        } else {
            moves
                .iter()
                .map(|m| m.explanation.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        };
        Some(Proposal {
            time: candidate.time,
            moves,
            explanation,
        })
    }
}

/// "Wed 2 Dec 15:00" in `zone`.
fn when(t: DateTime<Utc>, zone: Tz) -> String {
    t.with_timezone(&zone).format("%a %-d %b %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::slots::tests::{nine_to_five, tuesday};
    use crate::testing::{span, utc};

    #[test]
    fn a_big_deal_closing_soon_outranks_a_small_one_early_in_the_funnel() {
        let globex = Priority::of_deal(&DealFacts {
            amount: 480_000,
            stage_probability: 80,
            days_to_close: Some(9),
            tier: Some(1),
        });
        let acme = Priority::of_deal(&DealFacts {
            amount: 12_000,
            stage_probability: 20,
            days_to_close: Some(120),
            tier: Some(3),
        });
        // log10(480,000) = 5.68 → 38; 80% → 20; 9 days → 25; tier 1 → 10.
        assert_eq!(
            globex.why,
            "amount 38 + stage at 80% 20 + closes in 9 days 25 + tier 1 10 = 93"
        );
        // log10(12,000) = 4.08 → 27; 20% → 5; 120 days → 0; tier 3 → 5.
        assert_eq!(acme.score, 37);
        assert!(globex.score > acme.score);
        assert_eq!(Priority::by_hand(250).score, 100);
    }

    fn booked(id: &str, time: Interval, people: &[&str], priority: u8) -> Booked {
        Booked {
            id: id.to_owned(),
            label: format!("'{id}'"),
            time,
            attendees: people.iter().map(|p| (*p).to_owned()).collect(),
            priority,
            movable: true,
        }
    }

    /// Ana and Ben in London on Tuesday 1 December 2026, 09:00–17:00 UTC, with a day of meetings.
    fn busy_tuesday(priority_of_new: u8) -> MoveRequest {
        let hour = |h: u32| {
            span(
                &format!("2026-12-01T{h:02}:00:00Z"),
                &format!("2026-12-01T{:02}:00:00Z", h + 1),
            )
        };
        let mut booked_all: Vec<Booked> = (9..17)
            .map(|h| booked(&format!("ana-{h}"), hour(h), &["ana"], 50))
            .collect();
        // Ben's morning is taken by one low and one high meeting; the afternoon is free.
        booked_all.push(booked("ben-sync", hour(10), &["ben"], 20));
        booked_all.push(booked("ben-board", hour(9), &["ben"], 90));
        booked_all[1].priority = 10; // ana-10 is the least important of Ana's.
        let mut search = tuesday();
        search.limit = 3;
        MoveRequest {
            label: "'Globex final'".to_owned(),
            priority: priority_of_new,
            required: vec!["ana".into(), "ben".into()],
            people: vec![
                nine_to_five("ana", chrono_tz::Europe::London),
                nine_to_five("ben", chrono_tz::Europe::London),
            ],
            booked: booked_all,
            search,
            move_within: span("2026-12-01T00:00:00Z", "2026-12-03T00:00:00Z"),
            max_moves: 3,
            zone: chrono_tz::Europe::London,
        }
    }

    #[test]
    fn the_fewest_and_least_important_meetings_move_to_the_nearest_free_time() {
        let proposals = propose_moves(&busy_tuesday(60)).unwrap();
        let first = &proposals[0];
        // Ana's 10:00 (priority 10) and Ben's 10:00 (20) both stand in the way at 10:00, but at
        // 11:00 and later only one of Ana's priority-50 meetings does: one move beats two.
        assert_eq!(first.moves.len(), 1);
        assert_eq!(first.time.start, utc("2026-12-01T11:00:00Z"));
        assert_eq!(first.moves[0].booked, "ana-11");
        // Ana is booked all Tuesday; the nearest free hour is Wednesday 09:00.
        assert_eq!(first.moves[0].to.start, utc("2026-12-02T09:00:00Z"));
        assert_eq!(
            first.explanation,
            "Moving 'ana-11' to Wed 2 Dec 09:00 frees Tue 1 Dec 11:00 for 'Globex final'"
        );
    }

    #[test]
    fn nothing_of_equal_or_higher_priority_moves_and_fixed_meetings_stay() {
        // At priority 50 none of Ana's other meetings may move; only ana-10 (10) with ben-sync (20).
        let proposals = propose_moves(&busy_tuesday(50)).unwrap();
        assert_eq!(proposals.len(), 1);
        let moved: Vec<&str> = proposals[0]
            .moves
            .iter()
            .map(|m| m.booked.as_str())
            .collect();
        assert_eq!(
            moved,
            ["ben-sync", "ana-10"],
            "the higher priority is placed first"
        );
        assert_eq!(proposals[0].time.start, utc("2026-12-01T10:00:00Z"));
        for m in &proposals[0].moves {
            assert!(!m.to.overlaps(&proposals[0].time));
        }
        // Ben's sync goes to his free afternoon, at the time nearest its old one.
        assert_eq!(proposals[0].moves[0].to.start, utc("2026-12-01T11:00:00Z"));

        let mut fixed = busy_tuesday(50);
        fixed
            .booked
            .iter_mut()
            .find(|b| b.id == "ana-10")
            .unwrap()
            .movable = false;
        assert!(propose_moves(&fixed).unwrap().is_empty());
        assert!(propose_moves(&busy_tuesday(10)).unwrap().is_empty());
    }

    #[test]
    fn a_free_time_needs_no_moves_and_unknown_people_are_refused() {
        let mut request = busy_tuesday(60);
        request.booked.retain(|b| b.id != "ana-15");
        let proposals = propose_moves(&request).unwrap();
        assert!(proposals[0].moves.is_empty());
        assert_eq!(
            proposals[0].explanation,
            "Tue 1 Dec 15:00 is free for 'Globex final'"
        );
        request.required.push("cleo".into());
        assert_eq!(
            propose_moves(&request).unwrap_err().to_string(),
            "cleo is named in the request but not among its people"
        );
    }
}
