//! The deal record and its history: a life replayed into the [`Deal`] and its [`FieldChange`]
//! rows.

use super::Generator;
use super::accounts::AccountProfile;
use super::fate::Fate;
use super::life::{Change, Life};
use super::random::{id_of, no_custom_fields};
use super::track::{StageRef, Track};
use baton_model::records::{Deal, FieldChange};
use baton_model::{DealId, UserId};
use chrono::{DateTime, Datelike, NaiveDate, Utc};

/// A deal's tracked values while its history is replayed.
struct Tracked {
    stage: StageRef,
    amount: i64,
    close_date: NaiveDate,
    updated_at: DateTime<Utc>,
}

/// One deal's field-history rows, all by its owner, written as the store writes them: values as
/// text (ids and amounts in decimal, dates as `YYYY-MM-DD`, forecast categories by name).
struct History {
    deal: DealId,
    actor: UserId,
    rows: Vec<FieldChange>,
}

impl History {
    /// The initial value of `field`, at the deal's creation.
    fn create(&mut self, at: DateTime<Utc>, field: &str, value: String) {
        self.push(at, field, None, value);
    }

    /// A later change of `field`.
    fn change<T: ToString>(&mut self, at: DateTime<Utc>, field: &str, old: &T, new: &T) {
        self.push(at, field, Some(old.to_string()), new.to_string());
    }

    fn push(&mut self, at: DateTime<Utc>, field: &str, old: Option<String>, new: String) {
        self.rows.push(FieldChange {
            id: 0,
            entity: "deal".to_owned(),
            entity_id: self.deal.0,
            field: field.to_owned(),
            old_value: old,
            new_value: Some(new),
            actor_id: Some(self.actor),
            changed_at: at,
        });
    }
}

impl Generator {
    /// Writes a life out as the deal and its field history, by replaying every change in order:
    /// the history ends exactly at the record's values.
    pub(super) fn record(&self, life: &Life) -> (Deal, Vec<FieldChange>) {
        let track = self.track(life.renewal);
        let id = DealId(id_of(life.index));
        let owner_id = self.rep(life.owner).user_id;
        let at_creation = track.open[life.stages[0].1];
        let created = life.created_at;
        let mut history = History {
            deal: id,
            actor: owner_id,
            rows: Vec::with_capacity(16),
        };
        for (field, value) in [
            ("pipeline_id", track.pipeline_id.to_string()),
            ("stage_id", at_creation.id.to_string()),
            ("amount_minor", life.amount.to_string()),
            ("currency", self.roster.currency.to_string()),
            ("close_date", life.close_date.to_string()),
            ("owner_id", owner_id.to_string()),
            ("forecast_category", at_creation.forecast.to_string()),
        ] {
            history.create(created, field, value);
        }
        let mut now = Tracked {
            stage: at_creation,
            amount: life.amount,
            close_date: life.close_date,
            updated_at: created,
        };
        for (at, change) in changes_of(life, track) {
            match change {
                Change::Stage(stage) => {
                    let old = now.stage;
                    history.change(at, "stage_id", &old.id, &stage.id);
                    if stage.forecast != old.forecast {
                        history.change(at, "forecast_category", &old.forecast, &stage.forecast);
                    }
                    now.stage = stage;
                }
                Change::CloseDate(day) if day != now.close_date => {
                    history.change(at, "close_date", &now.close_date, &day);
                    now.close_date = day;
                }
                Change::Amount(amount) if amount != now.amount => {
                    history.change(at, "amount_minor", &now.amount, &amount);
                    now.amount = amount;
                }
                Change::CloseDate(_) | Change::Amount(_) => continue,
            }
            now.updated_at = at;
        }
        (self.deal_of(life, track, &now), history.rows)
    }

    fn deal_of(&self, life: &Life, track: &Track, now: &Tracked) -> Deal {
        let open = life.closed_at.is_none();
        let lost = !open && matches!(life.fate, Fate::Lose(_));
        let product = if life.renewal {
            format!("{} {}", life.product, life.close_date.year())
        } else {
            life.product.to_owned()
        };
        Deal {
            id: DealId(id_of(life.index)),
            name: match &life.account {
                Some(a) => format!("{} — {product}", a.name),
                None => product,
            },
            account_id: life.account.as_ref().map(AccountProfile::id),
            owner_id: self.rep(life.owner).user_id,
            pipeline_id: track.pipeline_id,
            stage_id: now.stage.id,
            amount_minor: Some(now.amount),
            currency: self.roster.currency,
            close_date: Some(now.close_date),
            // Customers pay on 30-day terms; a deal paid after today is not paid yet.
            payment_date: (!open && !lost)
                .then(|| now.close_date + chrono::Days::new(30))
                .filter(|paid| *paid <= self.calendar.today),
            forecast_category: now.stage.forecast,
            next_step: open.then(|| life.next_step.to_owned()),
            lost_reason: lost.then(|| life.lost_reason.to_owned()),
            source: life.source.map(str::to_owned),
            closed_at: life.closed_at,
            splits: life.splits.clone(),
            contacts: life.contacts.clone(),
            custom_fields: no_custom_fields(),
            archived_at: None,
            version: 1,
            created_at: life.created_at,
            updated_at: now.updated_at,
        }
    }
}

/// Every change after creation in time order: stage entries, pushes and amount changes, then
/// the close — entering the won or lost stage, with the close date set to that day.
fn changes_of(life: &Life, track: &Track) -> Vec<(DateTime<Utc>, Change)> {
    let mut changes: Vec<_> = life.stages[1..]
        .iter()
        .map(|&(at, k)| (at, Change::Stage(track.open[k])))
        .collect();
    changes.extend_from_slice(&life.changes);
    let closing = if life.fate == Fate::Win {
        track.won
    } else {
        track.lost
    };
    if let (Some(at), Some(stage)) = (life.closed_at, closing) {
        changes.push((at, Change::Stage(stage)));
        changes.push((at, Change::CloseDate(at.date_naive())));
    }
    // Stable: at equal moments the order above holds.
    changes.sort_by_key(|c| c.0);
    changes
}
