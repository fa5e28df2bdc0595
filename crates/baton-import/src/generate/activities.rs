//! A deal's activities: how many, of which kind, when; account-level tasks then bring the
//! total to exactly what was asked for.

use super::deal::{Deal, Outcome};
use super::emails;
use super::events::write_event;
use super::out::{CsvOut, DAY};
use super::random::{Gen, chance, float, index, secs, stochastic_round, uniform, work_instant};
use super::tasks::{TaskAt, write_task};
use super::world::World;
use crate::sfid::SfId;
use std::io;

/// The activities still to write, and how many an average deal gets.
pub(crate) struct Budget {
    pub left: u64,
    pub per_deal: f64,
}

/// The files activities go to.
pub(crate) struct ActivityFiles<'a> {
    pub tasks: &'a mut CsvOut,
    pub events: &'a mut CsvOut,
    pub emails: &'a mut CsvOut,
}

/// Writes a deal's tasks, events and emails; returns the latest task or event day up to the
/// as-of date (the opportunity's `LastActivityDate`).
pub(crate) fn write_for_deal(
    world: &World,
    deal: &Deal,
    contacts: &[u8],
    rng: &mut Gen,
    files: &mut ActivityFiles<'_>,
    budget: &mut Budget,
) -> io::Result<Option<i64>> {
    let rep = &world.reps[deal.rep];
    let weight = match deal.outcome {
        Some(Outcome::Won) => 1.5,
        Some(Outcome::Lost) => 0.75,
        _ => 1.0,
    } * rep.activity
        * (float(deal.end - deal.created) / float(45 * DAY))
            .sqrt()
            .clamp(0.3, 2.5);
    let n = stochastic_round(rng, budget.per_deal * weight).min(budget.left);
    let (from, to) = (deal.created, deal.end.max(deal.created + 3600));
    let mut email_count = 0;
    let mut last_day = None;
    for _ in 0..n {
        let r = uniform(rng, 0.0, 1.0);
        if r >= 0.55 {
            email_count += 1;
            continue;
        }
        let t = work_instant(rng, from, to).min(to).max(from);
        // A struggling rep logs about a third of what they used to; one in a bad month, half.
        if budget.left == 0 || chance(rng, rep.idle_share(t)) {
            continue;
        }
        // An account going sideways stops taking meetings (three in five are not held or
        // rescheduled), and only the main contact still engages.
        let sideways = world.accounts[deal.account].sideways_at(t);
        if sideways && r >= 0.40 && chance(rng, 0.6) {
            continue;
        }
        let who = if sideways {
            contacts.first().map(|&j| world.contact_id(deal.account, j))
        } else {
            pick_contact(world, deal, contacts, rng)
        };
        if r < 0.40 {
            let task = TaskAt {
                what: deal.opportunity_id(),
                account_level: false,
                who: who.as_ref(),
                rep: deal.rep,
                t,
                scheduled_at: None,
            };
            write_task(world, rng, files.tasks, &task)?;
        } else {
            write_event(
                rng,
                files.events,
                &deal.opportunity_id(),
                who.as_ref(),
                &rep.user.id,
                t,
                world.as_of,
            )?;
        }
        budget.left -= 1;
        last_day = last_day.max(Some(t.div_euclid(DAY)));
    }
    emails::write_threads(
        world,
        deal,
        contacts,
        email_count,
        rng,
        files.emails,
        budget,
    )?;
    if deal.outcome == Some(Outcome::Open) && budget.left > 0 && chance(rng, 0.5) {
        let due = world.as_of + secs(uniform(rng, 1.0, 14.0)) * DAY;
        let who = pick_contact(world, deal, contacts, rng);
        let task = TaskAt {
            what: deal.opportunity_id(),
            account_level: false,
            who: who.as_ref(),
            rep: deal.rep,
            t: due,
            scheduled_at: Some(world.as_of),
        };
        write_task(world, rng, files.tasks, &task)?;
        budget.left -= 1;
    }
    if deal.outcome == Some(Outcome::Open) && budget.left > 0 && chance(rng, 0.3) {
        let at = work_instant(rng, world.as_of + DAY, world.as_of + 21 * DAY);
        let who = pick_contact(world, deal, contacts, rng);
        write_event(
            rng,
            files.events,
            &deal.opportunity_id(),
            who.as_ref(),
            &rep.user.id,
            at,
            world.as_of,
        )?;
        budget.left -= 1;
    }
    Ok(last_day)
}

/// A contact for an activity: the primary one half the time.
pub(crate) fn pick_contact(
    world: &World,
    deal: &Deal,
    contacts: &[u8],
    rng: &mut Gen,
) -> Option<SfId> {
    if contacts.is_empty() || chance(rng, 0.05) {
        return None;
    }
    let j = if chance(rng, 0.5) {
        contacts[0]
    } else {
        contacts[index(rng, contacts.len())]
    };
    Some(world.contact_id(deal.account, j))
}
