//! Round-robin meetings: one host from a pool, chosen fairly by load, with the reason.
//!
//! Each host carries a weight (how large a share of the meetings they should get) and their
//! load (meetings already assigned in the fairness period). At each free time the host with the
//! lowest load per unit of weight among those free takes it; ties go to the lower load, then to
//! the pool's order. So a host with weight 2 gets about twice the meetings of one with weight 1.

use crate::interval::Interval;
use crate::slots::{Attendee, Search, SlotError, all_free, covered};

/// A member of the pool.
#[derive(Debug, Clone)]
pub struct Host {
    pub attendee: Attendee,
    /// How the reason names them.
    pub name: String,
    /// Their share of the meetings, relative to the others' (at least 1).
    pub weight: u32,
    /// Meetings already assigned to them in the fairness period.
    pub load: u32,
}

/// A meeting with one host from `pool`, and everyone in `required`.
#[derive(Debug, Clone)]
pub struct RoundRobinRequest {
    pub pool: Vec<Host>,
    pub required: Vec<Attendee>,
    pub search: Search,
}

/// A time, its host, and why that host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub time: Interval,
    pub host: String,
    pub reason: String,
}

/// The earliest times at which some host of the pool and every required attendee are free,
/// each with the fairest free host.
pub fn round_robin(request: &RoundRobinRequest) -> Result<Vec<Assignment>, SlotError> {
    let search = &request.search;
    let checked = search.check(
        request
            .pool
            .iter()
            .map(|h| &h.attendee)
            .chain(&request.required),
    )?;
    if request.pool.is_empty() {
        return Err(SlotError::NoHosts);
    }
    let Some(window) = checked else {
        return Ok(Vec::new());
    };
    let common = all_free(&request.required, &window);
    let hosts_free: Vec<Vec<Interval>> = request
        .pool
        .iter()
        .map(|h| h.attendee.free(&window))
        .collect();
    let mut assignments = Vec::new();
    for time in search.times(&common) {
        let free: Vec<&Host> = request
            .pool
            .iter()
            .zip(&hosts_free)
            .filter(|(_, spans)| covered(spans, &time))
            .map(|(h, _)| h)
            .collect();
        let Some(host) = fairest(&free) else { continue };
        assignments.push(Assignment {
            time,
            host: host.attendee.id.clone(),
            reason: reason(host, &free),
        });
        if assignments.len() == search.limit {
            break;
        }
    }
    Ok(assignments)
}

/// The host with the lowest load per unit of weight (compared exactly, as fractions), then the
/// lowest load, then the first in the pool.
fn fairest<'a>(free: &[&'a Host]) -> Option<&'a Host> {
    free.iter().copied().min_by(|a, b| {
        let (wa, wb) = (u64::from(a.weight.max(1)), u64::from(b.weight.max(1)));
        (u64::from(a.load) * wb)
            .cmp(&(u64::from(b.load) * wa))
            .then(a.load.cmp(&b.load))
    })
}

fn reason(host: &Host, free: &[&Host]) -> String {
    let mine = format!(
        "{} has {} meeting{} this period{}",
        host.name,
        host.load,
        if host.load == 1 { "" } else { "s" },
        if host.weight > 1 {
            format!(" at weight {}", host.weight)
        } else {
            String::new()
        }
    );
    let others: Vec<String> = free
        .iter()
        .filter(|h| h.attendee.id != host.attendee.id)
        .map(|h| {
            if h.weight > 1 {
                format!("{} {} at weight {}", h.name, h.load, h.weight)
            } else {
                format!("{} {}", h.name, h.load)
            }
        })
        .collect();
    if others.is_empty() {
        format!("{mine}; the only host free then")
    } else {
        format!(
            "{mine}, the fewest for their weight among those free then ({})",
            others.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::slots::tests::{nine_to_five, tuesday};
    use crate::testing::{span, utc};

    fn host(id: &str, weight: u32, load: u32) -> Host {
        Host {
            attendee: nine_to_five(id, chrono_tz::Europe::London),
            name: id.to_owned(),
            weight,
            load,
        }
    }

    #[test]
    fn the_least_loaded_free_host_takes_the_meeting_and_is_told_why() {
        let mut ana = host("Ana", 1, 2);
        // Ana, the least loaded, is busy until 10:00.
        ana.attendee.meetings = vec![span("2026-12-01T09:00:00Z", "2026-12-01T10:00:00Z")];
        let request = RoundRobinRequest {
            pool: vec![host("Ben", 1, 5), ana, host("Cleo", 1, 3)],
            required: vec![],
            search: tuesday(),
        };
        let slots = round_robin(&request).unwrap();
        assert_eq!(slots[0].time.start, utc("2026-12-01T09:00:00Z"));
        assert_eq!(slots[0].host, "Cleo");
        assert_eq!(
            slots[0].reason,
            "Cleo has 3 meetings this period, the fewest for their weight among those free then (Ben 5)"
        );
        assert_eq!(slots[2].time.start, utc("2026-12-01T10:00:00Z"));
        assert_eq!(slots[2].host, "Ana", "free again, Ana has the fewest");
    }

    #[test]
    fn a_heavier_weight_takes_a_larger_share() {
        // Ben at weight 2 with 3 meetings (1.5 each) is fairer than Ana at weight 1 with 2.
        let request = RoundRobinRequest {
            pool: vec![host("Ana", 1, 2), host("Ben", 2, 3)],
            required: vec![],
            search: tuesday(),
        };
        let slots = round_robin(&request).unwrap();
        assert_eq!(slots[0].host, "Ben");
        assert_eq!(
            slots[0].reason,
            "Ben has 3 meetings this period at weight 2, the fewest for their weight among those free then (Ana 2)"
        );
    }

    #[test]
    fn required_attendees_limit_the_times_and_an_empty_pool_is_refused() {
        let mut prospect = nine_to_five("prospect", chrono_tz::America::New_York);
        prospect.meetings = vec![span("2026-12-01T14:00:00Z", "2026-12-01T15:00:00Z")];
        let request = RoundRobinRequest {
            pool: vec![host("Ana", 1, 0)],
            required: vec![prospect],
            search: tuesday(),
        };
        let slots = round_robin(&request).unwrap();
        let starts: Vec<_> = slots
            .iter()
            .map(|s| s.time.start.format("%H:%M").to_string())
            .collect();
        // London 09–17 UTC; New York from 14:00 UTC, busy 14–15.
        assert_eq!(starts, ["15:00", "15:30", "16:00"]);
        assert!(slots[0].reason.ends_with("the only host free then"));
        let empty = RoundRobinRequest {
            pool: vec![],
            ..request
        };
        assert_eq!(round_robin(&empty), Err(SlotError::NoHosts));
    }
}
