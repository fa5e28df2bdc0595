//! A realistic, deterministic Salesforce Data Export of any size.
//!
//! [`generate`] writes one CSV per object (`User`, `Account`, `Contact`, `Opportunity`,
//! `OpportunityHistory`, `OpportunityContactRole`, `OpportunitySplitType`, `OpportunitySplit`,
//! `Task`, `Event`, `EmailMessage`) in the shape Salesforce's Data Export writes: API field names
//! as headers, every value quoted, 18-character ids, `2026-03-04T17:22:05.000Z` timestamps. The
//! same configuration and seed give byte-identical files (on one platform: the model uses the
//! standard library's `ln`, `exp` and `cos`, whose last bits may differ elsewhere). Deals are streamed one at a time, so
//! memory is bounded by the number of reps and accounts, not by deals or activities.
//!
//! # The model
//! * **Time.** Everything happens before the as-of date (default 2026-11-01), except open tasks
//!   and meetings already scheduled. Deals are created from 2 years and 120 days before it, in
//!   id order, with pipeline growing 30% a year, on weekdays between 13:00 and 22:00 UTC.
//! * **Org.** A VP, one sales manager per eight reps, then the reps; accounts are dealt to reps
//!   round-robin and a deal belongs to its account's owner, larger accounts getting more deals.
//!   Accounts have a log-normal size (median 300 employees), 1–12 contacts, and a country that
//!   sets their currency (USD, GBP, EUR, CAD, AUD, JPY).
//! * **Deals.** Amounts are log-normal (median about $18k, larger for larger accounts). A deal is
//!   planned to close in about 45 days and slips by a random factor; whether it is won depends on
//!   its rep's skill (a base win rate around 30%, differing by rep) and, weakly, its size. A lost
//!   deal dies early and is marked Closed Lost a couple of weeks later, sitting untouched with a
//!   stale close date in between. Open deals are those not closed at the as-of date (about 11%).
//! * **History.** A deal walks the stages Prospecting → Qualification → Needs Analysis → Value
//!   Proposition → Proposal/Price Quote → Negotiation/Review → Closed Won/Lost, sometimes
//!   skipping one and rarely stepping back. When its close date passes before it closes it is
//!   pushed two to six weeks; some deals have their amount cut (more often lost ones) or raised.
//!   Each change is an `OpportunityHistory` row holding the fields after the change; the first
//!   is at creation and the last equals the final opportunity row.
//! * **People and activity.** Won deals have 2–5 contact roles, lost ones 1–3. Activities are
//!   shared out in proportion to deal length, the rep's activity level, and the outcome (won
//!   deals get twice what lost ones get): 40% tasks, 15% meetings, 45% emails in threads (see
//!   `emails`). Activities not used by deals become account-level tasks, so the total is exact.
//! * **Splits.** Every deal has its owner's revenue split; a fifth are shared 50/50, 60/40 or
//!   70/30 with a second rep, and a tenth carry a 100% overlay for another rep.
//!
//! # Planted behaviours (listed in `ground_truth.json`)
//! * **Struggling reps** (a tenth of reps, at least one when there are three or more): from a
//!   date in the last year they log a third of their activity and are assigned 60% fewer new
//!   deals; six to ten weeks later their deals start being won a third as often.
//! * **Bad months** (a third of the other reps): three to five weeks in the last year in which
//!   they log half their usual activity, then recover — the noise a struggling-rep signal must
//!   not mistake for a decline.
//! * **Accounts going sideways** (one in thirty, at least one when there are five or more,
//!   chosen among accounts of at least median size so there is activity to watch thin out):
//!   from a date in the last ten months their contacts reply a third as often and ten times more
//!   slowly, three in five meetings with them do not happen, only their main contact still
//!   engages, and their open deals slip more; four to eight weeks later deals closing are won a
//!   seventh as often.

mod activities;
mod deal;
mod emails;
mod events;
mod ground_truth;
mod names;
mod opportunity;
mod org;
mod out;
mod random;
mod roles;
mod splits;
mod stages;
mod tasks;
mod words;
mod world;

use activities::{ActivityFiles, Budget};
use chrono::NaiveDate;
use out::CsvOut;
use rand::SeedableRng;
use std::io;
use std::path::Path;

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateConfig {
    /// Sales reps (a VP and one manager per eight reps are added).
    pub reps: u32,
    /// Accounts.
    pub accounts: u32,
    /// Opportunities.
    pub deals: u64,
    /// Tasks, events and emails together.
    pub activities: u64,
    /// The seed: the same configuration and seed give byte-identical files.
    pub seed: u64,
    /// The export's "today": closed deals lie in the two years before it.
    pub as_of: NaiveDate,
}

impl Default for GenerateConfig {
    fn default() -> Self {
        Self {
            reps: 50,
            accounts: 2_000,
            deals: 20_000,
            activities: 200_000,
            seed: 1,
            as_of: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap_or_default(),
        }
    }
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateSummary {
    /// `(file name, data rows)` per CSV file, in the order written.
    pub files: Vec<(String, u64)>,
    /// Reps planted as struggling.
    pub struggling_reps: usize,
    /// Accounts planted as going sideways.
    pub sideways_accounts: usize,
}

impl GenerateSummary {
    /// Data rows in `file` (e.g. `"Task.csv"`), 0 when there is no such file.
    pub fn rows(&self, file: &str) -> u64 {
        self.files
            .iter()
            .find(|(f, _)| f == file)
            .map_or(0, |(_, n)| *n)
    }

    /// Data rows in all files.
    pub fn total_rows(&self) -> u64 {
        self.files.iter().map(|(_, n)| n).sum()
    }
}

/// Writes a generated export into `out_dir` (created if missing; files are overwritten).
pub fn generate(config: &GenerateConfig, out_dir: &Path) -> io::Result<GenerateSummary> {
    if config.reps == 0 || config.accounts == 0 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "at least one rep and one account are needed",
        ));
    }
    std::fs::create_dir_all(out_dir)?;
    let mut rng = random::Gen::seed_from_u64(config.seed);
    let world = world::World::build(config, &mut rng);
    let create = |name, header| CsvOut::create(out_dir, name, header);

    let mut users = create("User.csv", org::USER_HEADER)?;
    org::write_users(&world, &mut users)?;
    let mut split_types = create("OpportunitySplitType.csv", org::SPLIT_TYPE_HEADER)?;
    org::write_split_types(&mut split_types)?;
    let mut accounts = create("Account.csv", org::ACCOUNT_HEADER)?;
    let mut contacts = create("Contact.csv", org::CONTACT_HEADER)?;
    org::write_accounts(&world, &mut rng, &mut accounts, &mut contacts)?;

    let mut opportunities = create("Opportunity.csv", opportunity::OPPORTUNITY_HEADER)?;
    let mut history = create("OpportunityHistory.csv", opportunity::HISTORY_HEADER)?;
    let mut roles = create("OpportunityContactRole.csv", roles::ROLE_HEADER)?;
    let mut splits = create("OpportunitySplit.csv", splits::SPLIT_HEADER)?;
    let mut tasks = create("Task.csv", tasks::TASK_HEADER)?;
    let mut events = create("Event.csv", events::EVENT_HEADER)?;
    let mut emails = create("EmailMessage.csv", emails::EMAIL_HEADER)?;
    let mut budget = Budget {
        left: config.activities,
        // Deals take about 85% of the activities; account-level tasks take the rest.
        per_deal: 0.85 * random::float_u(config.activities) / random::float_u(config.deals.max(1)),
    };
    let mut deal = deal::Deal::default();
    let mut chosen = Vec::new();
    for i in 0..config.deals {
        deal.plan(&world, i, config.deals, &mut rng);
        roles::choose_contacts(&world, &deal, &mut rng, &mut chosen);
        opportunity::write_history(&world, &deal, &mut rng, &mut history)?;
        roles::write_roles(&world, &deal, &chosen, &mut rng, &mut roles)?;
        splits::write_splits(&world, &deal, &mut rng, &mut splits)?;
        let mut files = ActivityFiles {
            tasks: &mut tasks,
            events: &mut events,
            emails: &mut emails,
        };
        let last =
            activities::write_for_deal(&world, &deal, &chosen, &mut rng, &mut files, &mut budget)?;
        opportunity::write_opportunity(&world, &deal, last, &mut rng, &mut opportunities)?;
    }
    tasks::write_account_tasks(&world, &mut rng, &mut tasks, &mut budget)?;

    let (struggling_reps, sideways_accounts) = ground_truth::write(&world, out_dir)?;
    let outputs = [
        users,
        accounts,
        contacts,
        opportunities,
        history,
        roles,
        split_types,
        splits,
        tasks,
        events,
        emails,
    ];
    let mut files = Vec::with_capacity(outputs.len());
    for output in outputs {
        let (name, rows) = output.finish()?;
        files.push((name.to_owned(), rows));
    }
    Ok(GenerateSummary {
        files,
        struggling_reps,
        sideways_accounts,
    })
}
