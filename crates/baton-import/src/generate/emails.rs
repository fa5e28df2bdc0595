//! `EmailMessage.csv`: email threads between a rep and a deal's contacts.
//!
//! A thread starts with an outbound email. The contact replies with a probability that is
//! higher on deals that end up won, after a log-normal delay of a few hours; the rep may answer
//! again, or nudge when no reply comes. Once an account has "gone sideways", replies become
//! rarer (about a third as likely) and slower (a median of 40 hours instead of 4).

use super::activities::Budget;
use super::deal::{Deal, Outcome};
use super::names;
use super::out::{CsvOut, DAY};
use super::random::{Gen, chance, index, lognormal, secs, uniform, work_instant};
use super::words::{FIRST_NAMES, LAST_NAMES};
use super::world::{ORG_DOMAIN, World};
use crate::sfid::{SfId, prefix};
use std::fmt::Write as _;
use std::io;

/// `EmailMessage.csv` columns.
pub(crate) const EMAIL_HEADER: &[&str] = &[
    "Id",
    "ParentId",
    "RelatedToId",
    "ActivityId",
    "CreatedById",
    "CreatedDate",
    "TextBody",
    "Subject",
    "FromName",
    "FromAddress",
    "ToAddress",
    "CcAddress",
    "Incoming",
    "HasAttachment",
    "Status",
    "MessageDate",
    "ThreadIdentifier",
    "MessageIdentifier",
    "ReplyToEmailMessageId",
    "IsDeleted",
];

const TOPICS: &[&str] = &[
    "Proposal",
    "Pricing follow-up",
    "Next steps",
    "Security questionnaire",
    "Contract redlines",
    "Meeting recap",
    "Intro and agenda",
    "Implementation timeline",
];
const OUT_BODIES: &[&str] = &[
    "Hi,\n\nFollowing up on our call - attached is the updated proposal.\n\nBest,",
    "Hi,\n\nCould we find 30 minutes next week to go through the open questions?",
];
const IN_BODIES: &[&str] = &[
    "Thanks, let me check with the team and come back to you.",
    "Looks good. Our legal team has a few comments, \"section 4\" mostly.",
];

/// One message of a thread.
struct Message<'a> {
    incoming: bool,
    at: i64,
    subject: &'a str,
    reply_to: Option<SfId>,
}

/// Writes up to `count` emails for a deal, as threads; each message uses one unit of budget.
pub(crate) fn write_threads(
    world: &World,
    deal: &Deal,
    contacts: &[u8],
    count: u64,
    rng: &mut Gen,
    out: &mut CsvOut,
    budget: &mut Budget,
) -> io::Result<()> {
    if count == 0 || contacts.is_empty() {
        return Ok(());
    }
    let rep = &world.reps[deal.rep];
    let account = &world.accounts[deal.account];
    let domain = names::account_domain(deal.account);
    let engaged = match deal.outcome {
        Some(Outcome::Won) => 0.75,
        Some(Outcome::Lost) => 0.5,
        _ => 0.6,
    };
    let end = deal.end.min(world.as_of);
    let mut left = count;
    let mut subject = String::new();
    let mut thread = String::new();
    while left > 0 && budget.left > 0 {
        left -= 1;
        let mut at = work_instant(rng, deal.created, end.max(deal.created + 1))
            .min(end)
            .max(deal.created);
        if chance(rng, rep.idle_share(at)) {
            continue;
        }
        // Once an account goes sideways only its main contact still writes back.
        let j = if account.sideways_at(at) || chance(rng, 0.6) {
            contacts[0]
        } else {
            contacts[index(rng, contacts.len())]
        };
        let contact = Contact::new(world, deal.account, j, &domain);
        subject.clear();
        subject.push_str(TOPICS[index(rng, TOPICS.len())]);
        thread.clear();
        let first = SfId::generated(prefix::EMAIL_MESSAGE, out.rows());
        write!(thread, "<{}@mail.{ORG_DOMAIN}>", first.as_15()).ok();
        let mut prev = write(
            world,
            deal,
            &contact,
            &thread,
            rng,
            out,
            &Message {
                incoming: false,
                at,
                subject: &subject,
                reply_to: None,
            },
        )?;
        budget.left -= 1;
        let reply_subject = format!("RE: {subject}");
        // Alternate: the contact may answer an outbound email (or the rep nudges when no
        // answer comes); the rep may answer an inbound one.
        let mut incoming = false;
        for _ in 0..6 {
            if left == 0 || budget.left == 0 {
                break;
            }
            let quiet = account.sideways_at(at);
            let next = if incoming {
                if !chance(rng, 0.45) {
                    break;
                }
                incoming = false;
                at + secs(lognormal(rng, 3.0, 0.8) * 3600.0).max(300)
            } else if chance(rng, if quiet { engaged * 0.35 } else { engaged }) {
                incoming = true;
                let median = if quiet { 40.0 } else { 4.0 };
                at + secs(lognormal(rng, median, 0.9) * 3600.0).max(300)
            } else if chance(rng, 0.35) {
                at + secs(uniform(rng, 3.0, 7.0)) * DAY
            } else {
                break;
            };
            if next > end {
                break;
            }
            at = next;
            let message = Message {
                incoming,
                at,
                subject: &reply_subject,
                reply_to: Some(prev),
            };
            prev = write(world, deal, &contact, &thread, rng, out, &message)?;
            left -= 1;
            budget.left -= 1;
        }
    }
    Ok(())
}

/// The contact's side of a thread.
struct Contact {
    name: String,
    address: String,
}

impl Contact {
    fn new(world: &World, account: usize, j: u8, domain: &str) -> Self {
        let (first, last) = world.contact_name(account, j);
        Self {
            name: format!("{} {}", FIRST_NAMES[first].0, LAST_NAMES[last].0),
            address: format!("{}.{}@{domain}", FIRST_NAMES[first].1, LAST_NAMES[last].1),
        }
    }
}

fn write(
    world: &World,
    deal: &Deal,
    contact: &Contact,
    thread: &str,
    rng: &mut Gen,
    out: &mut CsvOut,
    m: &Message<'_>,
) -> io::Result<SfId> {
    let rep = &world.reps[deal.rep].user;
    let id = SfId::generated(prefix::EMAIL_MESSAGE, out.rows());
    out.id(&id)
        .empty()
        .id(&deal.opportunity_id())
        .empty()
        .id(&rep.id)
        .ts(m.at + 2);
    let bodies = if m.incoming { IN_BODIES } else { OUT_BODIES };
    if chance(rng, 0.3) {
        out.str(bodies[index(rng, bodies.len())]);
    } else {
        out.empty();
    }
    out.str(m.subject);
    if m.incoming {
        out.str(&contact.name).str(&contact.address).str(&rep.email);
    } else {
        out.fmt(format_args!(
            "{} {}",
            FIRST_NAMES[rep.first].0, LAST_NAMES[rep.last].0
        ));
        out.str(&rep.email).str(&contact.address);
    }
    out.empty().boolean(m.incoming).boolean(chance(rng, 0.1));
    out.str(if m.incoming { "1" } else { "3" })
        .ts(m.at)
        .str(thread);
    let host = if m.incoming {
        contact.address.split('@').nth(1).unwrap_or(ORG_DOMAIN)
    } else {
        "mail.salesorg.example"
    };
    out.fmt(format_args!("<{}@{host}>", id.as_15()))
        .opt_id(m.reply_to.as_ref())
        .boolean(false);
    out.end()?;
    Ok(id)
}
