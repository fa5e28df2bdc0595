//! Activities: a deal's calls, emails, meetings, notes and tasks, written by a [`Diary`].

use super::Generator;
use super::accounts::AccountProfile;
use super::calendar::{business_moment, during_work, moment_between, next_workday, weekday_weight};
use super::fate::Fate;
use super::life::Life;
use super::random::{
    Kind, Rand, id_of, log_normal, normal, one_of, pick, round_count, stream, to_f64, to_i64,
};
use super::words::{
    ACTIVITY_MIX, CALL_NOTES, CALLS, EMAILS, INBOUND_OPENERS, MEETING_OUTCOMES, MEETINGS,
    NOTE_BODIES, NOTE_SUBJECTS, Phased, RENEWAL_CALLS, RENEWAL_EMAILS, RENEWAL_MEETINGS,
    RENEWAL_TASKS, TASKS, TROUBLED_MEETINGS,
};
use baton_model::activity::{ActivityKind, Direction, MeetingStatus};
use baton_model::records::Activity;
use baton_model::{AccountId, ActivityId, ContactId, DealId, UserId};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use rand::Rng;

impl Generator {
    /// A deal's expected activity before scaling: more for longer, bigger and winning deals and
    /// hard-working reps; fewer for renewals, which mostly run themselves.
    pub(super) fn activity_weight(&self, life: &Life) -> f64 {
        let days = to_f64((life.quiet_from - life.created_at).num_minutes()) / 1440.0;
        let fate = match life.fate {
            Fate::Win => 1.15,
            Fate::Lose(_) => 0.8,
            Fate::Stall(_) => 0.7,
        };
        let tier = match life.account.as_ref().map_or(2, |a| a.tier) {
            1 => 1.3,
            2 => 1.0,
            _ => 0.85,
        };
        let renewal = if life.renewal { 0.6 } else { 1.0 };
        self.rep(life.owner).effort * (days + 3.0).powf(0.7) * fate * tier * renewal
    }

    pub(super) fn activities(&self, life: &Life) -> Vec<Activity> {
        let mut rng = stream(self.seed, Kind::Activity, life.index);
        let expected = self.activity_scale * self.activity_weight(life);
        let noise = rng.random_range(0.7..1.3);
        let target = round_count(&mut rng, expected * noise);
        let rep = self.rep(life.owner);
        let mut diary = Diary {
            generator: self,
            life,
            rng,
            deal_id: DealId(id_of(life.index)),
            account_id: life.account.as_ref().map(AccountProfile::id),
            owner_id: rep.user_id,
            manager_id: rep.team_manager,
            effort: rep.effort,
            open_stages: self.track(life.renewal).open.len(),
            until: life.quiet_from,
            target,
            threads: 0,
            out: Vec::with_capacity(target),
        };
        diary.write();
        diary.out
    }
}

/// Writes one deal's activities.
struct Diary<'a> {
    generator: &'a Generator,
    life: &'a Life,
    rng: Rand,
    deal_id: DealId,
    account_id: Option<AccountId>,
    owner_id: UserId,
    manager_id: UserId,
    effort: f64,
    open_stages: usize,
    /// Past activity ends here.
    until: DateTime<Utc>,
    target: usize,
    threads: u32,
    out: Vec<Activity>,
}

impl Diary<'_> {
    fn write(&mut self) {
        let engaged = self.life.closed_at.is_none()
            && !matches!(self.life.fate, Fate::Stall(_))
            && self.until >= self.generator.calendar.today_start;
        if self.target > 0 && engaged && self.rng.random_bool(0.35) {
            self.upcoming_meeting();
        }
        while !self.full() {
            let at = self.moment();
            match pick(&mut self.rng, ACTIVITY_MIX) {
                ActivityKind::Email => self.email_thread(at),
                ActivityKind::Call => self.call(at),
                ActivityKind::Meeting => self.meeting(at),
                ActivityKind::Note => self.note(at),
                ActivityKind::Task => self.task(at),
            }
        }
        self.out.sort_by_key(|a| a.occurred_at);
    }

    fn full(&self) -> bool {
        self.out.len() >= self.target
    }

    fn today_start(&self) -> DateTime<Utc> {
        self.generator.calendar.today_start
    }

    /// When something happens: on a working day in business hours, often in the days around a
    /// stage change or the close, when deals get attention.
    fn moment(&mut self) -> DateTime<Utc> {
        let (from, until) = (self.life.created_at, self.until);
        let span = (until.date_naive() - from.date_naive()).num_days() + 1;
        for _ in 0..6 {
            let day = if self.rng.random_bool(0.45) {
                self.near_a_milestone()
            } else {
                from.date_naive() + TimeDelta::days(self.rng.random_range(0..span))
            };
            if self.rng.random::<f64>() >= weekday_weight(day) {
                continue;
            }
            let at = business_moment(&mut self.rng, day);
            if at >= from && at < until {
                return at;
            }
        }
        moment_between(&mut self.rng, from, until)
    }

    /// A day near a stage change or the close, more often just before it (preparing for it).
    fn near_a_milestone(&mut self) -> NaiveDate {
        let stages = &self.life.stages;
        let k = self.rng.random_range(0..=stages.len());
        let milestone = stages
            .get(k)
            .map(|s| s.0)
            .or(self.life.closed_at)
            .unwrap_or(self.until);
        let offset = normal(&mut self.rng) * 3.5 - 1.0;
        milestone.date_naive() + TimeDelta::days(to_i64(offset))
    }

    /// One of the deal's contacts with probability `p` (when it has any).
    fn contact(&mut self, p: f64) -> Option<ContactId> {
        let contacts = &self.life.contacts;
        if contacts.is_empty() || !self.rng.random_bool(p) {
            return None;
        }
        Some(contacts[self.rng.random_range(0..contacts.len())].contact_id)
    }

    /// What people talk about at `at`: depends on how far along the deal is.
    fn subject(
        &mut self,
        at: DateTime<Utc>,
        phased: &Phased,
        renewal: &[&'static str],
    ) -> &'static str {
        if self.life.renewal {
            one_of(&mut self.rng, renewal)
        } else {
            let phase = self.life.phase_at(at, self.open_stages);
            one_of(&mut self.rng, phased[phase])
        }
    }

    /// Whether the deal is in trouble: such deals get declined meetings, voicemails and silence.
    fn troubled(&self) -> bool {
        !matches!(self.life.fate, Fate::Win)
    }

    fn activity(
        &self,
        kind: ActivityKind,
        at: DateTime<Utc>,
        subject: String,
        contact: Option<ContactId>,
    ) -> Activity {
        Activity {
            id: ActivityId(0),
            kind,
            subject: Some(subject),
            body: None,
            owner_id: self.owner_id,
            account_id: self.account_id,
            contact_id: contact,
            deal_id: Some(self.deal_id),
            occurred_at: at,
            ends_at: None,
            direction: None,
            thread_id: None,
            meeting_status: None,
            due_date: None,
            completed_at: None,
            archived_at: None,
            version: 1,
            created_at: at,
            updated_at: at,
        }
    }

    /// `at` plus `minutes`, but never reaching today.
    fn end_of(&self, at: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
        (at + TimeDelta::minutes(minutes))
            .min(self.today_start() - TimeDelta::seconds(1))
            .max(at)
    }

    /// An email conversation: usually we write and the customer answers, sometimes the other way
    /// round, with further back-and-forth less likely at every turn. Customers on deals that will
    /// be lost answer less often and more slowly.
    fn email_thread(&mut self, start: DateTime<Utc>) {
        self.threads += 1;
        let thread = format!("t-{}-{}", self.deal_id, self.threads);
        let contact = self.contact(1.0);
        let mut inbound = self.rng.random_bool(0.15);
        let subject = if inbound {
            one_of(&mut self.rng, INBOUND_OPENERS)
        } else {
            self.subject(start, &EMAILS, RENEWAL_EMAILS)
        };
        let (customer_odds, customer_hours) = match self.life.fate {
            Fate::Win => (0.85, 4.0),
            Fate::Lose(_) => (0.45, 20.0),
            Fate::Stall(_) => (0.5, 14.0),
        };
        let mut at = start;
        let mut turn = 0;
        loop {
            let text = if turn == 0 {
                subject.to_owned()
            } else {
                format!("Re: {subject}")
            };
            let mut email = self.activity(ActivityKind::Email, at, text, contact);
            email.direction = Some(if inbound {
                Direction::Inbound
            } else {
                Direction::Outbound
            });
            email.thread_id = Some(thread.clone());
            self.out.push(email);
            let (odds, hours) = if inbound {
                (0.92, 2.5 / self.effort)
            } else {
                (customer_odds, customer_hours)
            };
            if self.full() || !self.rng.random_bool(odds * 0.45_f64.powi(turn)) {
                break;
            }
            let delay = log_normal(&mut self.rng, hours, 0.9).clamp(0.1, 96.0);
            at = during_work(
                &mut self.rng,
                at + TimeDelta::minutes(to_i64(delay * 60.0).max(1)),
            );
            if at >= self.until {
                break;
            }
            inbound = !inbound;
            turn += 1;
        }
    }

    fn call(&mut self, at: DateTime<Utc>) {
        let voicemail = self
            .rng
            .random_bool(if self.troubled() { 0.35 } else { 0.2 });
        let subject = if voicemail {
            "Left voicemail"
        } else {
            self.subject(at, &CALLS, RENEWAL_CALLS)
        };
        let contact = self.contact(0.95);
        let mut call = self.activity(ActivityKind::Call, at, subject.to_owned(), contact);
        let minutes = if voicemail {
            1
        } else {
            self.rng.random_range(5..40)
        };
        call.ends_at = Some(self.end_of(at, minutes));
        if !voicemail && self.rng.random_bool(0.5) {
            call.body = Some(one_of(&mut self.rng, CALL_NOTES).to_owned());
        }
        self.out.push(call);
    }

    fn meeting(&mut self, at: DateTime<Utc>) {
        let subject = self.subject(at, &MEETINGS, RENEWAL_MEETINGS);
        let contact = self.contact(0.95);
        let mut meeting = self.activity(ActivityKind::Meeting, at, subject.to_owned(), contact);
        // Managers join some meetings themselves, mostly late in the deal, to help close it.
        let late = self.life.phase_at(at, self.open_stages) == 2;
        if self.rng.random_bool(if late { 0.2 } else { 0.05 }) {
            meeting.owner_id = self.manager_id;
        }
        let minutes = one_of(&mut self.rng, &[30, 45, 60]);
        meeting.ends_at = Some(self.end_of(at, minutes));
        let statuses = if self.troubled() {
            TROUBLED_MEETINGS
        } else {
            MEETING_OUTCOMES
        };
        meeting.meeting_status = Some(pick(&mut self.rng, statuses));
        self.out.push(meeting);
    }

    /// A meeting booked in the last week for the next two: what a live deal has in its calendar.
    fn upcoming_meeting(&mut self) {
        let today = self.generator.calendar.today;
        let day = next_workday(today + TimeDelta::days(self.rng.random_range(1..14)));
        let at = business_moment(&mut self.rng, day);
        let today_start = self.today_start();
        let week_ago = (today_start - TimeDelta::days(7)).max(self.life.created_at);
        let booked = moment_between(&mut self.rng, week_ago, today_start);
        let subject = self.subject(self.today_start(), &MEETINGS, RENEWAL_MEETINGS);
        let contact = self.contact(0.95);
        let mut meeting = self.activity(ActivityKind::Meeting, at, subject.to_owned(), contact);
        meeting.ends_at = Some(at + TimeDelta::minutes(one_of(&mut self.rng, &[30, 45, 60])));
        meeting.meeting_status = Some(MeetingStatus::Scheduled);
        meeting.created_at = booked;
        meeting.updated_at = booked;
        self.out.push(meeting);
    }

    fn note(&mut self, at: DateTime<Utc>) {
        let subject = one_of(&mut self.rng, NOTE_SUBJECTS);
        let contact = self.contact(0.4);
        let mut note = self.activity(ActivityKind::Note, at, subject.to_owned(), contact);
        note.body = Some(one_of(&mut self.rng, NOTE_BODIES).to_owned());
        self.out.push(note);
    }

    fn task(&mut self, at: DateTime<Utc>) {
        let subject = self.subject(at, &TASKS, RENEWAL_TASKS);
        let contact = self.contact(0.6);
        let mut task = self.activity(ActivityKind::Task, at, subject.to_owned(), contact);
        let due = next_workday(at.date_naive() + TimeDelta::days(self.rng.random_range(1..8)));
        task.due_date = Some(due);
        task.completed_at = self.completion(at, due);
        if let Some(done) = task.completed_at {
            task.updated_at = done;
        }
        self.out.push(task);
    }

    /// When a task was done: around its due date, if that is before today. Recent tasks on open
    /// deals are often still open, and a few older ones were forgotten (overdue).
    fn completion(&mut self, created: DateTime<Utc>, due: NaiveDate) -> Option<DateTime<Utc>> {
        let today = self.today_start();
        let left_open = match (self.life.closed_at, created > today - TimeDelta::days(21)) {
            (None, true) => 0.35,
            (None, false) => 0.07,
            (Some(_), _) => 0.03,
        };
        if self.rng.random_bool(left_open) {
            return None;
        }
        let day = next_workday(due + TimeDelta::days(self.rng.random_range(-3..3)));
        let soonest = created + TimeDelta::minutes(self.rng.random_range(10..240));
        let done = business_moment(&mut self.rng, day).max(soonest);
        (done < today).then_some(done)
    }
}
