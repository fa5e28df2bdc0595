//! Activity per person in one period: counts by kind and email response times.

use crate::facts::{ActivityCount, ActivityKind, Reply};
use crate::stats;
use baton_model::UserId;
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// An email, as far as response times go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub owner: UserId,
    pub thread: Option<String>,
    pub inbound: bool,
    pub at: DateTime<Utc>,
}

/// Each inbound email of `emails` with the owner's first outbound email after it in the same
/// thread, if any (an email without a thread cannot be answered).
pub fn replies(mut emails: Vec<Email>) -> Vec<Reply> {
    // By thread and time; at the same instant an outbound email comes first, as it is not
    // after the inbound one and so does not answer it.
    emails.sort_by(|a, b| (&a.thread, a.at, a.inbound).cmp(&(&b.thread, b.at, b.inbound)));
    let mut replies = Vec::new();
    let mut waiting: Vec<usize> = Vec::new();
    let mut thread: Option<&str> = None;
    for email in &emails {
        if email.thread.as_deref() != thread {
            waiting.clear();
            thread = email.thread.as_deref();
        }
        if email.inbound {
            replies.push(Reply {
                owner: email.owner,
                received_at: email.at,
                answered_at: None,
            });
            if email.thread.is_some() {
                waiting.push(replies.len() - 1);
            }
        } else {
            waiting.retain(|&i| {
                let reply = &mut replies[i];
                if reply.owner == email.owner && reply.received_at < email.at {
                    reply.answered_at = Some(email.at);
                    false
                } else {
                    true
                }
            });
        }
    }
    replies
}

/// One period's activity, as the store tallies it.
#[derive(Debug, Clone, Default)]
pub struct Activity {
    pub counts: Vec<ActivityCount>,
    /// Inbound emails received in the period, answered or not (see [`replies`]).
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn email(owner: i64, thread: Option<&str>, inbound: bool, minute: u32) -> Email {
        Email {
            owner: UserId(owner),
            thread: thread.map(str::to_owned),
            inbound,
            at: Utc.with_ymd_and_hms(2026, 7, 1, 9, minute, 0).unwrap(),
        }
    }

    #[test]
    fn an_inbound_email_is_answered_by_its_owners_next_outbound_email_in_the_thread() {
        let replies = replies(vec![
            email(1, Some("t"), false, 50),
            email(1, Some("t"), true, 10),
            email(1, Some("t"), true, 20),
            email(2, Some("t"), false, 30),
            email(1, Some("u"), false, 15),
            email(1, None, true, 5),
            email(1, Some("v"), true, 40),
            email(1, Some("v"), false, 40),
        ]);
        let answered: Vec<_> = replies
            .iter()
            .map(|r| {
                (
                    r.received_at.format("%M").to_string(),
                    r.answered_at.map(|a| a.format("%M").to_string()),
                )
            })
            .collect();
        let at = |m: &str| Some(m.to_owned());
        assert_eq!(
            answered,
            vec![
                // No thread: never answered.
                ("05".into(), None),
                // Both answered by owner 1's email at :50, not by owner 2's at :30.
                ("10".into(), at("50")),
                ("20".into(), at("50")),
                // Another thread's email does not answer; one at the same instant does not either.
                ("40".into(), None),
            ]
        );
    }
}
