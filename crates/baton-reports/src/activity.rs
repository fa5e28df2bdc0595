//! Activity per person in one period: counts by kind and email response times.

use crate::facts::{ActivityCount, ActivityKind, Reply};
use crate::stats;
use baton_model::UserId;
use std::collections::HashMap;

/// One period's activity, as the store tallies it.
#[derive(Debug, Clone, Default)]
pub struct Activity {
    pub counts: Vec<ActivityCount>,
    /// Inbound emails received in the period, answered or not.
    pub replies: Vec<Reply>,
}

/// One person's (or everyone's) activity figures.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActivityTally {
    pub calls: i64,
    pub emails_sent: i64,
    pub emails_received: i64,
    pub meetings: i64,
    pub notes: i64,
    pub tasks_completed: i64,
    /// Minutes from an inbound email to its owner's next outbound email in the thread.
    pub response_minutes: Vec<f64>,
    pub unanswered: i64,
}

impl ActivityTally {
    pub fn median_response_minutes(&self) -> Option<f64> {
        stats::median(&self.response_minutes)
    }

    fn add(&mut self, kind: ActivityKind, count: i64) {
        let slot = match kind {
            ActivityKind::Call => &mut self.calls,
            ActivityKind::EmailSent => &mut self.emails_sent,
            ActivityKind::EmailReceived => &mut self.emails_received,
            ActivityKind::Meeting => &mut self.meetings,
            ActivityKind::Note => &mut self.notes,
            ActivityKind::TaskDone => &mut self.tasks_completed,
        };
        *slot += count;
    }
}

impl Activity {
    /// The tally of each person, and of everyone.
    pub fn tally(&self) -> (HashMap<UserId, ActivityTally>, ActivityTally) {
        let mut people: HashMap<UserId, ActivityTally> = HashMap::new();
        let mut all = ActivityTally::default();
        for c in &self.counts {
            people.entry(c.owner).or_default().add(c.kind, c.count);
            all.add(c.kind, c.count);
        }
        for r in &self.replies {
            let person = people.entry(r.owner).or_default();
            if let Some(answered) = r.answered_at {
                let minutes = stats::float((answered - r.received_at).num_seconds()) / 60.0;
                person.response_minutes.push(minutes);
                all.response_minutes.push(minutes);
            } else {
                person.unanswered += 1;
                all.unanswered += 1;
            }
        }
        (people, all)
    }
}
