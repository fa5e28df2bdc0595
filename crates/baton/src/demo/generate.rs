//! Deterministic generation of a realistic sales organisation's records.
//!
//! Every record comes from its own random stream, seeded from the run's seed, the kind of record
//! and its index ([`stream`]). So `deal(7)` is the same whether it is generated first, last, alone
//! or in another process: the loader chunks as it likes, and a benchmark is reproducible from
//! `(seed, today)`. Nothing is shared or mutable after [`Generator::new`].
//!
//! The realism lives in how a deal is drawn ([`Generator::life`]): created in the last four full
//! quarters or the current one, it walks its pipeline's open stages (longer in the later ones) and
//! is won (about the rep's win rate, more often when small), lost (mostly early), stalls, or is
//! still open today. Its field history is written by replaying that life ([`Generator::record`]),
//! so history and record cannot disagree. Activities cluster on weekdays, in business hours and
//! around stage changes; customers answer emails quickly on deals that will be won and slowly, or
//! not at all, on deals that will be lost — the early signal a good CRM should surface.

use baton_model::activity::{ActivityKind, Direction, MeetingStatus};
use baton_model::pipeline::{ForecastCategory, StageOutcome};
use baton_model::records::{
    Account, Activity, Contact, Deal, DealContact, DealSplit, FieldChange, Pipeline, Quota,
    SplitKind,
};
use baton_model::{
    AccountId, ActivityId, ContactId, Currency, DealId, Percent, Period, PeriodKind, PipelineId,
    QuotaId, StageId, UserId,
};
use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeDelta, Timelike, Utc, Weekday};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A rep and how they sell; the generator turns these into outcomes and activity.
#[derive(Debug, Clone)]
pub struct RepProfile {
    /// The rep's user: owns accounts, deals and activities.
    pub user_id: UserId,
    /// The manager of the rep's team: joins some meetings and takes overlay credit.
    pub team_manager: UserId,
    /// Typical share of this rep's closed deals that are won (0–1).
    pub win_rate: f64,
    /// Activity volume relative to an average rep (1.0).
    pub effort: f64,
    /// Deal size relative to an average rep (1.0).
    pub size: f64,
}

/// Who and what the records refer to.
#[derive(Debug, Clone)]
pub struct Roster {
    /// The day the data ends; everything happens before it.
    pub today: NaiveDate,
    /// The organisation's currency: every amount is in it.
    pub currency: Currency,
    /// The reps who own the records; at least one.
    pub reps: Vec<RepProfile>,
    /// The new-business pipeline (open stages in order, then won and lost).
    pub new_business: Pipeline,
    /// The renewals pipeline.
    pub renewals: Pipeline,
}

/// How much to generate.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    /// Accounts, numbered from 1.
    pub accounts: usize,
    /// Contacts at every account.
    pub contacts_per_account: usize,
    /// Deals, numbered from 1.
    pub deals: usize,
    /// Roughly how many activities in all.
    pub activities: usize,
}

/// One deal with its field history and activities (activity ids are 0: the caller numbers them).
#[derive(Debug)]
pub struct GeneratedDeal {
    /// The deal as it stands today.
    pub deal: Deal,
    /// Every change of its tracked fields, oldest first, starting with its creation.
    pub history: Vec<FieldChange>,
    /// Its calls, emails, meetings, notes and tasks, oldest first.
    pub activities: Vec<Activity>,
}

/// Generates records by index, each from its own seeded random stream, so any slice can be
/// produced independently and the output never depends on the chunking.
pub struct Generator {
    seed: u64,
    roster: Roster,
    scale: Scale,
    calendar: Calendar,
    new_business: Track,
    renewals: Track,
    /// Minor units in one major unit of the currency (100 for USD).
    unit: i64,
    /// Turns a deal's activity weight into its expected number of activities.
    activity_scale: f64,
    /// Quota per unit of rep size for each quarter of [`Calendar::quarters`], in minor units.
    quota_levels: [f64; QUARTERS],
}

impl Generator {
    /// Prepares a generator: finds each pipeline's stages, then calibrates activity volume and
    /// quota levels on a sample of deals, so that generating one record stays cheap.
    ///
    /// # Panics
    ///
    /// If the roster has no reps (someone must own every record) or the new-business pipeline
    /// has no open stage (deals start in one).
    pub fn new(seed: u64, roster: Roster, scale: Scale) -> Self {
        assert!(
            !roster.reps.is_empty(),
            "the generator needs at least one rep"
        );
        let new_business = Track::of(&roster.new_business);
        assert!(
            !new_business.open.is_empty(),
            "the new-business pipeline needs an open stage"
        );
        let mut generator = Generator {
            seed,
            calendar: Calendar::new(roster.today),
            new_business,
            renewals: Track::of(&roster.renewals),
            unit: 10_i64.pow(u32::from(roster.currency.exponent())),
            roster,
            scale,
            activity_scale: 0.0,
            quota_levels: [0.0; QUARTERS],
        };
        generator.calibrate();
        generator
    }

    /// How much this generator makes.
    pub fn scale(&self) -> Scale {
        self.scale
    }

    /// Account `index` (id `index + 1`) and its contacts (ids `index * contacts_per_account + j + 1`).
    pub fn account(&self, index: usize) -> (Account, Vec<Contact>) {
        let profile = self.account_profile(index);
        let contacts = self.contacts(&profile);
        let account = Account {
            id: profile.id(),
            name: profile.name,
            domain: Some(profile.domain),
            industry: Some(INDUSTRIES[profile.industry].to_owned()),
            employees: Some(profile.employees),
            annual_revenue_minor: Some(profile.annual_revenue_minor),
            currency: self.roster.currency,
            tier: Some(profile.tier),
            owner_id: self.rep(profile.owner).user_id,
            custom_fields: no_custom_fields(),
            archived_at: None,
            version: 1,
            created_at: profile.created_at,
            updated_at: profile.created_at,
        };
        (account, contacts)
    }

    /// Deal `index` (id `index + 1`) with its history and activities.
    pub fn deal(&self, index: usize) -> GeneratedDeal {
        let life = self.life(index);
        let (deal, history) = self.record(&life);
        let activities = self.activities(&life);
        GeneratedDeal {
            deal,
            history,
            activities,
        }
    }

    /// Quarterly quotas for every rep: the four full quarters before today's, today's and the
    /// next, set so that an average rep attains about 100 % once the pipeline is established.
    pub fn quotas(&self) -> Vec<Quota> {
        let mut quotas = Vec::with_capacity(self.roster.reps.len() * QUARTERS);
        for (r, rep) in self.roster.reps.iter().enumerate() {
            let mut rng = stream(self.seed, Kind::Quota, r);
            for (period, level) in self.calendar.quarters.iter().zip(self.quota_levels) {
                let amount = level * rep.size * rng.random_range(0.92..1.08) / to_f64(self.unit);
                // Quotas are set a few weeks before the quarter starts (or yesterday, at the
                // latest, so that nothing is dated in the future).
                let set_on = (period.start() - TimeDelta::days(21)).min(self.calendar.yesterday());
                let created_at = midnight(set_on) + TimeDelta::hours(15);
                quotas.push(Quota {
                    id: QuotaId(0),
                    user_id: Some(rep.user_id),
                    team_id: None,
                    period: period.to_string(),
                    period_kind: PeriodKind::Quarter,
                    start_date: period.start(),
                    end_date: period.end(),
                    amount_minor: round_money(amount, 5_000, self.unit),
                    currency: self.roster.currency,
                    version: 1,
                    created_at,
                    updated_at: created_at,
                });
            }
        }
        quotas
    }

    fn rep(&self, index: usize) -> &RepProfile {
        &self.roster.reps[index]
    }

    fn track(&self, renewal: bool) -> &Track {
        if renewal {
            &self.renewals
        } else {
            &self.new_business
        }
    }

    fn contact_id(&self, account_index: usize, j: usize) -> ContactId {
        ContactId(id_of(account_index * self.scale.contacts_per_account + j))
    }

    /// Sizes activity volume and quotas from a sample of deal lives spread over all indexes
    /// (every deal when there are few), so totals land near the targets at any scale.
    fn calibrate(&mut self) {
        const SAMPLE: usize = 4096;
        let deals = self.scale.deals;
        let n = deals.min(SAMPLE);
        let mut weight = 0.0;
        let mut won = [0.0; QUARTERS];
        for j in 0..n {
            let life = self.life(j * deals / n);
            weight += self.activity_weight(&life);
            if let Some(closed_at) = life.closed_at.filter(|_| life.fate == Fate::Win)
                && let Some(q) = self.calendar.quarter_of(closed_at.date_naive())
            {
                won[q] += to_f64(life.final_amount());
            }
        }
        if n > 0 && weight > 0.0 {
            let per_deal = count_f64(self.scale.activities) / count_f64(deals);
            self.activity_scale = per_deal * count_f64(n) / weight;
        }
        // Quarter 0 is the window's ramp-up (no deals were created before it), so the level is
        // the mean of the three full quarters after it, per unit of rep size.
        let total_size: f64 = self.roster.reps.iter().map(|r| r.size).sum();
        let scale_up = if n > 0 {
            count_f64(deals) / count_f64(n)
        } else {
            0.0
        };
        let steady = won[1..4].iter().sum::<f64>() / 3.0 * scale_up / total_size.max(0.1);
        let steady = if steady > 0.0 {
            steady
        } else {
            FALLBACK_QUOTA * to_f64(self.unit)
        };
        // Quotas rise a few percent a quarter, as they do in a growing company.
        self.quota_levels = std::array::from_fn(|q| steady * (0.925 + 0.03 * count_f64(q)));
    }
}

/// A quarterly quota per unit of rep size, in major units, when there are no deals to size it.
const FALLBACK_QUOTA: f64 = 350_000.0;

/// How many quarters the data spans: the four full quarters before today's, today's, and the next
/// (which has quotas but no deals yet).
const QUARTERS: usize = 6;

// ---------------------------------------------------------------------------------------------
// Random streams and sampling

/// The kinds of record with their own random streams.
#[derive(Clone, Copy)]
enum Kind {
    Account = 1,
    Contact = 2,
    Deal = 3,
    Activity = 4,
    Quota = 5,
}

type Rand = ChaCha8Rng;

/// Sebastiano Vigna's splitmix64 finaliser: neighbouring inputs give unrelated outputs, which is
/// what makes the per-index seeds independent (<https://prng.di.unimi.it/splitmix64.c>).
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The random stream of record `index` of `kind`: depends on nothing else, so records can be
/// generated in any order and any chunks.
fn stream(seed: u64, kind: Kind, index: usize) -> Rand {
    let kind_seed = splitmix64(seed ^ splitmix64(kind as u64));
    Rand::seed_from_u64(splitmix64(kind_seed ^ index as u64))
}

/// A standard normal draw (Box–Muller; rand 0.9 has none without rand_distr).
fn normal(rng: &mut Rand) -> f64 {
    let u1 = 1.0 - rng.random::<f64>(); // in (0, 1], so the logarithm is finite
    let u2 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Log-normal around `median`: the shape of deal sizes, company sizes and response times.
fn log_normal(rng: &mut Rand, median: f64, sigma: f64) -> f64 {
    median * (sigma * normal(rng)).exp()
}

/// One of `items`, with probability proportional to its weight.
fn pick<T: Copy>(rng: &mut Rand, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut roll = rng.random_range(0..total.max(1));
    for &(item, weight) in items {
        if roll < weight {
            return item;
        }
        roll -= weight;
    }
    items[items.len() - 1].0
}

/// One of `items`, uniformly.
fn one_of<T: Copy>(rng: &mut Rand, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

/// `x` rounded down or up at random so that the expected value is `x`: keeps totals unbiased.
fn round_count(rng: &mut Rand, x: f64) -> usize {
    let floor = x.max(0.0).floor();
    to_usize(floor) + usize::from(rng.random::<f64>() < x - floor)
}

/// A Feistel network over the smallest even-bit domain covering `size`, cycle-walked into
/// `0..size`: a keyed pseudo-random bijection, so index-derived names do not repeat until the
/// name space is used up.
fn permute(value: u64, size: u64, key: u64) -> u64 {
    let bits = (64 - size.saturating_sub(1).leading_zeros()).max(2);
    let half = bits.div_ceil(2);
    let mask = (1_u64 << half) - 1;
    let mut x = value;
    loop {
        let (mut left, mut right) = (x >> half, x & mask);
        for round in 0..4 {
            let f = splitmix64(right ^ key ^ (round << 60)) & mask;
            (left, right) = (right, left ^ f);
        }
        x = (left << half) | right;
        if x < size {
            return x;
        }
    }
}

#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "callers pass small non-negative counts"
)]
fn to_usize(x: f64) -> usize {
    x.max(0.0) as usize
}

#[expect(
    clippy::cast_possible_truncation,
    reason = "amounts and durations here are far inside i64"
)]
fn to_i64(x: f64) -> i64 {
    x.round() as i64
}

#[expect(
    clippy::cast_precision_loss,
    reason = "amounts and counts here are far below 2^52"
)]
fn to_f64(n: i64) -> f64 {
    n as f64
}

fn count_f64(n: usize) -> f64 {
    to_f64(i64::try_from(n).unwrap_or(i64::MAX))
}

/// The id of the record at `index`: ids start at 1.
fn id_of(index: usize) -> i64 {
    i64::try_from(index).map_or(i64::MAX, |i| i + 1)
}

/// No custom field values. (serde_json, whose `Map` this is, is not a direct dependency of this
/// crate, so the type is left to inference.)
fn no_custom_fields<T: Default>() -> T {
    T::default()
}

/// `major` units rounded to a multiple of `step` (at least one step), in minor units.
fn round_money(major: f64, step: i64, unit: i64) -> i64 {
    to_i64(major / to_f64(step)).max(1) * step * unit
}

// ---------------------------------------------------------------------------------------------
// Calendar

/// The dates everything is placed between.
#[derive(Debug, Clone, Copy)]
struct Calendar {
    today: NaiveDate,
    /// Midnight UTC at the start of `today`: every past timestamp is before it.
    today_start: DateTime<Utc>,
    /// Calendar quarters: four full ones before today's, today's, and the next.
    quarters: [Period; QUARTERS],
}

impl Calendar {
    fn new(today: NaiveDate) -> Self {
        let current = Period::containing(today, PeriodKind::Quarter, 1);
        let mut next = current.previous().previous().previous().previous();
        let quarters = std::array::from_fn(|_| {
            let this = next;
            next = next.next();
            this
        });
        Calendar {
            today,
            today_start: midnight(today),
            quarters,
        }
    }

    /// The first day deals are created on.
    fn window_start(&self) -> NaiveDate {
        self.quarters[0].start()
    }

    fn yesterday(&self) -> NaiveDate {
        self.today - TimeDelta::days(1)
    }

    fn quarter_of(&self, day: NaiveDate) -> Option<usize> {
        self.quarters.iter().position(|q| q.contains(day))
    }
}

fn midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}

/// How busy a weekday is: Tuesday to Thursday peak, Fridays taper, weekends are nearly empty.
fn weekday_weight(day: NaiveDate) -> f64 {
    match day.weekday() {
        Weekday::Mon => 0.85,
        Weekday::Tue | Weekday::Wed => 1.0,
        Weekday::Thu => 0.95,
        Weekday::Fri => 0.7,
        Weekday::Sat => 0.06,
        Weekday::Sun => 0.04,
    }
}

/// A day in `[from, until)` drawn with the weekly rhythm.
fn working_day(rng: &mut Rand, from: NaiveDate, until: NaiveDate) -> NaiveDate {
    let span = (until - from).num_days().max(1);
    let mut day = from;
    for _ in 0..8 {
        day = from + TimeDelta::days(rng.random_range(0..span));
        if rng.random::<f64>() < weekday_weight(day) {
            break;
        }
    }
    day
}

/// A moment in business hours, 13:00–22:00 UTC (9:00–18:00 in New York, 6:00–15:00 in
/// California), busiest in the middle: the working day of a North American sales floor. The
/// latest start leaves an hour for a meeting before midnight.
fn business_moment(rng: &mut Rand, day: NaiveDate) -> DateTime<Utc> {
    let minutes = rng.random_range(0..270) + rng.random_range(0..=270);
    midnight(day) + TimeDelta::minutes(13 * 60 + minutes)
}

/// Most people answer email in working hours: a reply due at night mostly waits for the next
/// morning (13:00–15:00 UTC).
fn during_work(rng: &mut Rand, at: DateTime<Utc>) -> DateTime<Utc> {
    let hour = at.hour();
    if (13..23).contains(&hour) || rng.random_bool(0.15) {
        return at;
    }
    let day = if hour >= 23 {
        at.date_naive() + TimeDelta::days(1)
    } else {
        at.date_naive()
    };
    midnight(day) + TimeDelta::minutes(13 * 60 + rng.random_range(0..120))
}

/// Moves a Saturday or Sunday to the following Monday: deals rarely move at weekends.
fn next_workday(day: NaiveDate) -> NaiveDate {
    match day.weekday() {
        Weekday::Sat => day + TimeDelta::days(2),
        Weekday::Sun => day + TimeDelta::days(1),
        _ => day,
    }
}

/// A moment in `[from, until)`, uniformly; `from` when the range is empty.
fn moment_between(rng: &mut Rand, from: DateTime<Utc>, until: DateTime<Utc>) -> DateTime<Utc> {
    let span = (until - from).num_seconds();
    if span <= 0 {
        return from;
    }
    from + TimeDelta::seconds(rng.random_range(0..span))
}

/// A business moment about `days` after `at`, on a working day, always on a later day.
fn step(rng: &mut Rand, at: DateTime<Utc>, days: f64) -> DateTime<Utc> {
    let day = next_workday(at.date_naive() + TimeDelta::days(to_i64(days).max(1)));
    business_moment(rng, day)
}

// ---------------------------------------------------------------------------------------------
// Pipelines

/// A stage as a deal sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct StageRef {
    id: StageId,
    forecast: ForecastCategory,
}

/// A pipeline's stages in the order deals walk them.
struct Track {
    pipeline_id: PipelineId,
    /// Open stages by board position.
    open: Vec<StageRef>,
    won: Option<StageRef>,
    lost: Option<StageRef>,
}

impl Track {
    fn of(pipeline: &Pipeline) -> Track {
        let mut stages: Vec<_> = pipeline.stages.iter().collect();
        stages.sort_by_key(|s| s.position);
        let refer = |s: &&baton_model::records::Stage| StageRef {
            id: s.id,
            forecast: s.forecast_category,
        };
        let first = |outcome| stages.iter().find(|s| s.outcome == outcome).map(refer);
        Track {
            pipeline_id: pipeline.id,
            open: stages
                .iter()
                .filter(|s| s.outcome == StageOutcome::Open)
                .map(refer)
                .collect(),
            won: first(StageOutcome::Won),
            lost: first(StageOutcome::Lost),
        }
    }
}

/// Typical days in open stage `k` of `n`: a few days early on, about three weeks at the end,
/// where legal and procurement take their time.
fn mean_stage_days(k: usize, n: usize) -> f64 {
    if n <= 1 {
        14.0
    } else {
        5.0 + 15.0 * count_f64(k) / count_f64(n - 1)
    }
}

// ---------------------------------------------------------------------------------------------
// Accounts and contacts

/// What deals need to know about an account. Drawn from the account's own stream, so `deal(i)`
/// can rebuild it without generating the whole account.
struct AccountProfile {
    index: usize,
    name: String,
    domain: String,
    /// Index into [`INDUSTRIES`].
    industry: usize,
    employees: i64,
    annual_revenue_minor: i64,
    /// 1 for the biggest accounts, 3 for the smallest.
    tier: i64,
    /// Index of the owning rep.
    owner: usize,
    created_at: DateTime<Utc>,
}

impl AccountProfile {
    fn id(&self) -> AccountId {
        AccountId(id_of(self.index))
    }
}

impl Generator {
    fn account_profile(&self, index: usize) -> AccountProfile {
        let mut rng = stream(self.seed, Kind::Account, index);
        let (name, industry) = company_name(self.seed, index);
        let domain = domain_of(&mut rng, &name, industry);
        let employees = to_i64(log_normal(&mut rng, 180.0, 1.5).clamp(10.0, 50_000.0));
        let per_employee = REVENUE_PER_EMPLOYEE[industry] * log_normal(&mut rng, 1.0, 0.3);
        let revenue = to_f64(employees) * per_employee;
        let tier = match employees {
            2_000.. => 1,
            200.. => 2,
            _ => 3,
        };
        AccountProfile {
            index,
            name,
            domain,
            industry,
            employees,
            annual_revenue_minor: round_money(revenue, 10_000, self.unit),
            tier,
            owner: rng.random_range(0..self.roster.reps.len()),
            created_at: self.account_created(&mut rng),
        }
    }

    /// Most accounts predate the window (the CRM was in use before); the rest arrive during it,
    /// at least a month before today so they have time for deals.
    fn account_created(&self, rng: &mut Rand) -> DateTime<Utc> {
        let start = self.calendar.window_start();
        let (from, until) = if rng.random_bool(0.75) {
            (start - TimeDelta::days(3 * 365), start)
        } else {
            (start, self.calendar.today - TimeDelta::days(30))
        };
        let day = working_day(rng, from, until);
        business_moment(rng, day)
    }

    fn contacts(&self, account: &AccountProfile) -> Vec<Contact> {
        let mut rng = stream(self.seed, Kind::Contact, account.index);
        let owner_id = self.rep(account.owner).user_id;
        (0..self.scale.contacts_per_account)
            .map(|j| {
                let first = one_of(&mut rng, FIRST_NAMES);
                let last = one_of(&mut rng, LAST_NAMES);
                let email = format!(
                    "{}.{}@{}",
                    first.to_ascii_lowercase(),
                    last.to_ascii_lowercase(),
                    account.domain
                );
                let area = one_of(&mut rng, AREA_CODES);
                // 555-0100 to 555-0199 are reserved for fiction in North America.
                let phone = format!("+1 {area} 555 01{:02}", rng.random_range(0..100));
                let titles = if j == 0 { SENIOR_TITLES } else { TITLES };
                // Entered with the account, a few minutes apart.
                let created_at = account.created_at + TimeDelta::minutes(7 * id_of(j));
                Contact {
                    id: self.contact_id(account.index, j),
                    account_id: Some(account.id()),
                    owner_id,
                    first_name: Some(first.to_owned()),
                    last_name: last.to_owned(),
                    email: email.parse().ok(),
                    phone: Some(phone),
                    title: Some(one_of(&mut rng, titles).to_owned()),
                    custom_fields: no_custom_fields(),
                    archived_at: None,
                    version: 1,
                    created_at,
                    updated_at: created_at,
                }
            })
            .collect()
    }
}

/// A company name from a coined word and an industry noun ("Northwind Logistics"), distinct for
/// the first `PREFIXES × SUFFIXES` indexes, then qualified ("… Group", "… International"), and
/// the index of its industry.
fn company_name(seed: u64, index: usize) -> (String, usize) {
    let combos = PREFIXES.len() * SUFFIXES.len();
    let round = index / combos;
    let k = permute((index % combos) as u64, combos as u64, seed ^ round as u64);
    let k = usize::try_from(k).unwrap_or(0);
    let (suffix, industry) = SUFFIXES[k % SUFFIXES.len()];
    let mut name = String::with_capacity(40);
    name.push_str(PREFIXES[k / SUFFIXES.len()]);
    name.push(' ');
    name.push_str(suffix);
    if round > 0 {
        name.push(' ');
        name.push_str(QUALIFIERS[(round - 1) % QUALIFIERS.len()]);
    }
    (name, industry)
}

/// The web domain of a company: its name in lower-case letters and digits, under `.com`, or the
/// `.io` and `.co` that software start-ups favour.
fn domain_of(rng: &mut Rand, name: &str, industry: usize) -> String {
    let tld = match (industry, rng.random_range(0..100)) {
        (0, 0..35) => ".io",
        (0, 35..45) | (_, 0..8) => ".co",
        _ => ".com",
    };
    let mut domain: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    domain.push_str(tld);
    domain
}

// ---------------------------------------------------------------------------------------------
// Deal lives

/// How a deal's story ends, decided when it is created; today may come first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Win,
    /// Lost while in this open stage (an index into the track's open stages).
    Lose(usize),
    /// Stops moving in this open stage and is never closed: the stale pipeline every CRM has.
    Stall(usize),
}

/// A change of a deal after its creation.
#[derive(Debug, Clone, Copy)]
enum Change {
    Stage(StageRef),
    CloseDate(NaiveDate),
    Amount(i64),
}

/// Moments a deal entered open stages, with the stage's index among the track's open stages.
type StageEntries = Vec<(DateTime<Utc>, usize)>;

/// A deal's life as drawn, before it is written out as a record, its history and activities.
struct Life {
    index: usize,
    account: Option<AccountProfile>,
    /// Index of the owning rep.
    owner: usize,
    renewal: bool,
    source: Option<&'static str>,
    product: &'static str,
    /// At creation, in minor units.
    amount: i64,
    created_at: DateTime<Utc>,
    /// The close date the rep expected at creation.
    close_date: NaiveDate,
    fate: Fate,
    /// Entries into open stages before today (indexes into the track's open stages), the first
    /// at creation.
    stages: StageEntries,
    /// When the deal was won or lost, if that happened before today.
    closed_at: Option<DateTime<Utc>>,
    /// Close-date pushes and amount changes, in time order, all before `closed_at` and today.
    changes: Vec<(DateTime<Utc>, Change)>,
    /// When activity stops: the deal closed, the customer went quiet, or today came.
    quiet_from: DateTime<Utc>,
    lost_reason: &'static str,
    next_step: &'static str,
    splits: Vec<DealSplit>,
    contacts: Vec<DealContact>,
}

impl Life {
    fn final_amount(&self) -> i64 {
        self.changes
            .iter()
            .rev()
            .find_map(|(_, c)| match c {
                Change::Amount(a) => Some(*a),
                _ => None,
            })
            .unwrap_or(self.amount)
    }

    /// The open stage the deal was in at `at`.
    fn stage_at(&self, at: DateTime<Utc>) -> usize {
        let entered = self.stages.iter().rev().find(|(t, _)| *t <= at);
        entered.or(self.stages.first()).map_or(0, |s| s.1)
    }

    /// Early (0), middle (1) or late (2) in a pipeline of `open` stages, at `at`: chooses what
    /// people talk about.
    fn phase_at(&self, at: DateTime<Utc>, open: usize) -> usize {
        (self.stage_at(at) * 3 / open.max(1)).min(2)
    }
}

impl Generator {
    /// Draws deal `index`'s life: who, what, how big, and how it goes until today.
    fn life(&self, index: usize) -> Life {
        let mut rng = stream(self.seed, Kind::Deal, index);
        let account = self.deal_account(&mut rng, index);
        let owner = match &account {
            Some(a) if rng.random_bool(0.9) => a.owner,
            _ => rng.random_range(0..self.roster.reps.len()),
        };
        let rep = self.rep(owner);
        let renewal = !self.renewals.open.is_empty() && rng.random_bool(0.15);
        let track = self.track(renewal);
        let n = track.open.len();
        let source = (!renewal).then(|| pick(&mut rng, SOURCES));
        let product = one_of(&mut rng, if renewal { RENEWALS } else { PRODUCTS });
        let tier = account.as_ref().map_or(2, |a| a.tier);
        let amount = self.opening_amount(&mut rng, rep.size, tier, renewal);
        let created_at = self.deal_created(&mut rng, account.as_ref());
        // Warm inbound leads and referrals often skip prospecting.
        let warm = matches!(source, Some("Inbound" | "Referral"));
        let entry = usize::from(warm && n > 1 && rng.random_bool(0.3));
        let size = to_f64(amount) / to_f64(self.unit);
        let fate = fate(
            &mut rng,
            track,
            win_probability(rep.win_rate, size, renewal),
            entry,
        );
        // Big deals take longer in every stage.
        let slowness = (size / 25_000.0).powf(0.2).clamp(0.6, 1.8);
        let (mut stages, end) = walk(&mut rng, n, created_at, entry, fate, slowness);
        let today = self.calendar.today_start;
        stages.retain(|(at, _)| *at < today);
        let closed_at = end.filter(|at| *at < today);
        let close_date = expected_close(&mut rng, created_at, entry, n, slowness);
        let horizon = closed_at.unwrap_or(today);
        let mut changes = close_date_pushes(&mut rng, created_at, close_date, horizon);
        changes.extend(self.amount_change(&mut rng, created_at, amount, horizon));
        changes.sort_by_key(|c| c.0);
        // Only a deal that has been going a while can go dark (the last reason).
        let lived = end.map_or(TimeDelta::MAX, |end| end - created_at);
        let reasons = if lived < TimeDelta::days(28) {
            &LOST_REASONS[..LOST_REASONS.len() - 1]
        } else {
            LOST_REASONS
        };
        let lost_reason = pick(&mut rng, reasons);
        let silent = fate_silence(&mut rng, fate, lost_reason);
        let quiet_from = self.quiet_from(&stages, end, created_at, silent);
        let phase = (stages.last().map_or(0, |s| s.1) * 3 / n).min(2);
        let steps = if renewal {
            RENEWAL_NEXT_STEPS
        } else {
            NEXT_STEPS[phase]
        };
        Life {
            next_step: one_of(&mut rng, steps),
            splits: self.splits(&mut rng, owner),
            contacts: self.deal_contacts(&mut rng, account.as_ref()),
            index,
            account,
            owner,
            renewal,
            source,
            product,
            amount,
            created_at,
            close_date,
            fate,
            stages,
            closed_at,
            changes,
            quiet_from,
            lost_reason,
        }
    }

    /// Most accounts get their deals in turn; the rest go anywhere, so some accounts have several
    /// deals and some none.
    fn deal_account(&self, rng: &mut Rand, index: usize) -> Option<AccountProfile> {
        let accounts = self.scale.accounts;
        if accounts == 0 {
            return None;
        }
        let a = if rng.random_bool(0.6) {
            index % accounts
        } else {
            rng.random_range(0..accounts)
        };
        Some(self.account_profile(a))
    }

    /// Log-normal around $25k, bigger for big accounts and big-deal reps, in steps of $500.
    fn opening_amount(&self, rng: &mut Rand, size: f64, tier: i64, renewal: bool) -> i64 {
        let tier_factor = match tier {
            1 => 2.6,
            2 => 1.2,
            _ => 0.65,
        };
        let median = 25_000.0 * size * tier_factor * if renewal { 0.8 } else { 1.0 };
        let major = log_normal(rng, median, 0.7).clamp(1_000.0, 2_500_000.0);
        round_money(major, 500, self.unit)
    }

    /// A business moment in the window, after the account existed, a little more often recently
    /// (the business grows).
    fn deal_created(&self, rng: &mut Rand, account: Option<&AccountProfile>) -> DateTime<Utc> {
        let window = self.calendar.window_start();
        let from = account.map_or(window, |a| {
            window.max(a.created_at.date_naive() + TimeDelta::days(1))
        });
        let span = (self.calendar.today - from).num_days().max(1);
        let mut day = from;
        for _ in 0..8 {
            let offset = rng.random::<f64>().powf(0.85) * to_f64(span) - 0.5;
            day = from + TimeDelta::days(to_i64(offset).clamp(0, span - 1));
            if rng.random::<f64>() < weekday_weight(day) {
                break;
            }
        }
        business_moment(rng, day)
    }

    /// Some deals are re-sized on the way: cut more often than raised.
    fn amount_change(
        &self,
        rng: &mut Rand,
        created_at: DateTime<Utc>,
        amount: i64,
        horizon: DateTime<Utc>,
    ) -> Option<(DateTime<Utc>, Change)> {
        if !rng.random_bool(0.18) {
            return None;
        }
        let from = created_at.date_naive() + TimeDelta::days(1);
        let until = horizon.date_naive();
        if from >= until {
            return None;
        }
        let day = working_day(rng, from, until);
        let at = business_moment(rng, day);
        let factor = if rng.random_bool(0.7) {
            rng.random_range(0.6..0.92)
        } else {
            rng.random_range(1.1..1.5)
        };
        let major = to_f64(amount) / to_f64(self.unit) * factor;
        (at < horizon).then(|| (at, Change::Amount(round_money(major, 500, self.unit))))
    }

    /// Activity ends when the deal closes; on lost and stalled deals the customer goes quiet
    /// first — `silent` days before a loss, some days after a stall's last stage change.
    fn quiet_from(
        &self,
        stages: &[(DateTime<Utc>, usize)],
        end: Option<DateTime<Utc>>,
        created_at: DateTime<Utc>,
        silent: i64,
    ) -> DateTime<Utc> {
        let quiet = match end {
            Some(end) => end - TimeDelta::days(silent),
            None => stages.last().map_or(created_at, |s| s.0) + TimeDelta::days(silent),
        };
        let today = self.calendar.today_start;
        quiet.max(created_at + TimeDelta::minutes(30)).min(today)
    }

    /// About one deal in ten shares revenue credit with a second rep; one in twenty gives the
    /// team manager an overlay.
    fn splits(&self, rng: &mut Rand, owner: usize) -> Vec<DealSplit> {
        let reps = &self.roster.reps;
        let mut splits = Vec::new();
        if reps.len() > 1 && rng.random_bool(0.10) {
            let other = (owner + rng.random_range(1..reps.len())) % reps.len();
            let mine = if rng.random_bool(0.5) { 6_000 } else { 5_000 };
            if reps[other].user_id != reps[owner].user_id {
                splits.push(split(reps[owner].user_id, SplitKind::Revenue, mine));
                splits.push(split(
                    reps[other].user_id,
                    SplitKind::Revenue,
                    10_000 - mine,
                ));
            }
        }
        let manager = reps[owner].team_manager;
        if rng.random_bool(0.05) && manager != reps[owner].user_id {
            splits.push(split(manager, SplitKind::Overlay, 10_000));
        }
        splits
    }

    /// One to three of the account's contacts, the first primary, each in a different role.
    fn deal_contacts(&self, rng: &mut Rand, account: Option<&AccountProfile>) -> Vec<DealContact> {
        let per_account = self.scale.contacts_per_account;
        let Some(account) = account.filter(|_| per_account > 0) else {
            return Vec::new();
        };
        let count = pick(rng, &[(1, 40), (2, 35), (3, 25)]).min(per_account);
        let first = rng.random_range(0..per_account);
        // The primary contact is usually the champion or the decision maker.
        let role = pick(rng, &[(0, 45), (1, 35), (2, 20)]);
        (0..count)
            .map(|k| DealContact {
                contact_id: self.contact_id(account.index, (first + k) % per_account),
                role: Some(ROLES[(role + k) % ROLES.len()].to_owned()),
                is_primary: k == 0,
            })
            .collect()
    }
}

fn split(user_id: UserId, kind: SplitKind, basis_points: i64) -> DealSplit {
    DealSplit {
        user_id,
        kind,
        percent: Percent::from_basis_points(basis_points).expect("split shares are 1..=10000"),
    }
}

/// The chance a deal that closes is won: around the rep's win rate, higher for small deals; most
/// renewals renew, good reps' more often.
fn win_probability(win_rate: f64, size: f64, renewal: bool) -> f64 {
    if renewal {
        0.55 + win_rate
    } else {
        win_rate * (25_000.0 / size).powf(0.15).clamp(0.7, 1.4)
    }
}

/// Decides how the deal ends: a few stall; of the rest, `win_probability` are won and the others
/// lost, mostly in the early and middle stages.
fn fate(rng: &mut Rand, track: &Track, win_probability: f64, entry: usize) -> Fate {
    let n = track.open.len();
    if rng.random_bool(0.07) || (track.won.is_none() && track.lost.is_none()) {
        return Fate::Stall(rng.random_range(entry..n));
    }
    let p = win_probability.clamp(0.02, 0.92);
    if track.won.is_some() && (track.lost.is_none() || rng.random_bool(p)) {
        return Fate::Win;
    }
    let weights: Vec<(usize, u32)> = (entry..n)
        .map(|k| (k, u32::try_from((n - k).min(k + 3)).unwrap_or(1)))
        .collect();
    Fate::Lose(pick(rng, &weights))
}

/// Walks the open stages from `entry` until the fate is met, regardless of today (the caller
/// cuts at today): the moments the deal entered each stage, and the moment it closed.
fn walk(
    rng: &mut Rand,
    n: usize,
    created_at: DateTime<Utc>,
    entry: usize,
    fate: Fate,
    slowness: f64,
) -> (StageEntries, Option<DateTime<Utc>>) {
    let mut stages = vec![(created_at, entry)];
    let mut at = created_at;
    for k in entry..n {
        let dwell = log_normal(rng, mean_stage_days(k, n) * slowness, 0.5).clamp(1.0, 60.0);
        let leaves = match fate {
            Fate::Stall(s) if s == k => return (stages, None),
            Fate::Lose(s) if s == k => {
                let part = rng.random_range(0.3..1.0);
                let ends = step(rng, at, dwell * part);
                return (stages, Some(ends));
            }
            _ => step(rng, at, dwell),
        };
        if k + 1 == n {
            return (stages, Some(leaves));
        }
        stages.push((leaves, k + 1));
        at = leaves;
    }
    (stages, None)
}

/// The close date a rep enters at creation: the typical cycle from the entry stage, a bit
/// optimistic, often snapped to the end of the month.
fn expected_close(
    rng: &mut Rand,
    created_at: DateTime<Utc>,
    entry: usize,
    n: usize,
    slowness: f64,
) -> NaiveDate {
    let cycle: f64 = (entry..n).map(|k| mean_stage_days(k, n)).sum();
    let days = cycle * slowness * rng.random_range(0.6..1.05);
    let day = created_at.date_naive() + TimeDelta::days(to_i64(days).max(7));
    if rng.random_bool(0.35) {
        Period::containing(day, PeriodKind::Month, 1).last_day()
    } else {
        day
    }
}

/// Reps push a close date when it is about to be missed, or just was, by one to six weeks at a
/// time; deals that overran their date are pushed far more often. A push that would come after
/// the deal's end happens instead when the deal slips, somewhere along the way.
fn close_date_pushes(
    rng: &mut Rand,
    created_at: DateTime<Utc>,
    mut close: NaiveDate,
    horizon: DateTime<Utc>,
) -> Vec<(DateTime<Utc>, Change)> {
    let overran = horizon.date_naive() > close;
    let chance = if overran { 0.75 } else { 0.15 };
    let pushes = if rng.random_bool(chance) {
        pick(rng, &[(1, 6), (2, 3), (3, 1)])
    } else {
        0
    };
    let mut changes = Vec::new();
    let mut last = created_at;
    for _ in 0..pushes {
        let earliest = last.date_naive() + TimeDelta::days(1);
        let near = next_workday(close - TimeDelta::days(rng.random_range(0..10))).max(earliest);
        let day = if near < horizon.date_naive() {
            near
        } else {
            working_day(rng, earliest, horizon.date_naive())
        };
        let at = business_moment(rng, day);
        if at <= last || at >= horizon {
            break;
        }
        close += TimeDelta::weeks(rng.random_range(1..=6));
        changes.push((at, Change::CloseDate(close)));
        last = at;
    }
    changes
}

/// Days of silence around a deal's end: lost deals often go dark weeks before they are marked
/// lost; stalled ones fade out within two weeks of their last stage change.
fn fate_silence(rng: &mut Rand, fate: Fate, lost_reason: &str) -> i64 {
    match fate {
        Fate::Win => 0,
        Fate::Lose(_) if lost_reason == "Went dark" => rng.random_range(14..36),
        Fate::Lose(_) => rng.random_range(0..10),
        Fate::Stall(_) => rng.random_range(2..15),
    }
}

// ---------------------------------------------------------------------------------------------
// The deal record and its history

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
    fn record(&self, life: &Life) -> (Deal, Vec<FieldChange>) {
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

// ---------------------------------------------------------------------------------------------
// Activities

impl Generator {
    /// A deal's expected activity before scaling: more for longer, bigger and winning deals and
    /// hard-working reps; fewer for renewals, which mostly run themselves.
    fn activity_weight(&self, life: &Life) -> f64 {
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

    fn activities(&self, life: &Life) -> Vec<Activity> {
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

// ---------------------------------------------------------------------------------------------
// Word lists

/// Early, middle and late in a deal.
type Phased = [&'static [&'static str]; 3];

#[rustfmt::skip]
const INDUSTRIES: [&str; 10] = [
    "Software", "Manufacturing", "Healthcare", "Retail", "Financial Services", "Logistics",
    "Education", "Energy", "Media", "Professional Services",
];

/// Typical annual revenue per employee by industry (as [`INDUSTRIES`]), in major units.
#[rustfmt::skip]
const REVENUE_PER_EMPLOYEE: [f64; 10] = [
    260_000.0, 300_000.0, 180_000.0, 220_000.0, 450_000.0, 250_000.0, 90_000.0, 700_000.0,
    230_000.0, 170_000.0,
];

#[rustfmt::skip]
const PREFIXES: &[&str] = &[
    "Northwind", "Bluepeak", "Ironclad", "Silverline", "Brightwater", "Redwood", "Summit",
    "Cedarway", "Harborview", "Granite", "Evergreen", "Lakeshore", "Keystone", "Riverbend",
    "Oakridge", "Pinecrest", "Stonebridge", "Clearpath", "Meridian", "Apex", "Beacon", "Bluebird",
    "Cobalt", "Copperleaf", "Crescent", "Driftwood", "Eastgate", "Emberly", "Falcon", "Fernhill",
    "Foxglove", "Frontier", "Goldcrest", "Greenfield", "Highland", "Horizon", "Juniper", "Kestrel",
    "Lighthouse", "Lumen", "Maplewood", "Mosaic", "Newbury", "Northstar", "Oakmont", "Orchard",
    "Pacifica", "Paragon", "Pioneer", "Quarry", "Radiant", "Ridgeline", "Sagebrush", "Sandstone",
    "Sapphire", "Seabright", "Sierra", "Skyline", "Solstice", "Southport", "Sparrow", "Starling",
    "Sterling", "Stillwater", "Sunridge", "Tidewater", "Timberline", "Trailhead", "Trident",
    "Upland", "Vantage", "Vertex", "Westbrook", "Whitestone", "Wildflower", "Willowbrook",
    "Windward", "Wolfpine", "Zenith", "Amberfield",
];

/// Industry nouns with the index of their industry in [`INDUSTRIES`]; more nouns make an industry
/// more common.
#[rustfmt::skip]
const SUFFIXES: &[(&str, usize)] = &[
    ("Analytics", 0), ("Software", 0), ("Systems", 0), ("Labs", 0), ("Cloud", 0), ("Data", 0),
    ("Digital", 0), ("Networks", 0), ("Technologies", 0), ("AI", 0),
    ("Manufacturing", 1), ("Industries", 1), ("Fabrication", 1), ("Components", 1),
    ("Machining", 1), ("Materials", 1),
    ("Health", 2), ("Medical", 2), ("Diagnostics", 2), ("Care", 2), ("Biotech", 2),
    ("Retail", 3), ("Outfitters", 3), ("Market", 3), ("Goods", 3), ("Brands", 3),
    ("Capital", 4), ("Financial", 4), ("Payments", 4), ("Insurance", 4), ("Credit", 4),
    ("Logistics", 5), ("Freight", 5), ("Shipping", 5), ("Transport", 5), ("Supply", 5),
    ("Learning", 6), ("Academy", 6), ("Education", 6),
    ("Energy", 7), ("Power", 7), ("Solar", 7), ("Utilities", 7),
    ("Media", 8), ("Studios", 8), ("Publishing", 8),
    ("Consulting", 9), ("Advisory", 9), ("Partners", 9), ("Associates", 9),
];

#[rustfmt::skip]
const QUALIFIERS: &[&str] = &[
    "Group", "Holdings", "International", "Global", "USA", "Europe", "West", "East", "Worldwide",
    "Solutions", "Services", "Enterprises", "Ventures", "Collective", "Works", "Inc", "LLC", "Ltd",
    "Corp", "Company", "Alliance", "United",
];

/// ASCII only, so they make valid email addresses as they are.
#[rustfmt::skip]
const FIRST_NAMES: &[&str] = &[
    "Aaliyah", "Adrian", "Ahmed", "Aiko", "Alejandro", "Amara", "Ana", "Andrea", "Arjun", "Astrid",
    "Ayesha", "Benjamin", "Bianca", "Carlos", "Chen", "Chiara", "Chloe", "Daniel", "David",
    "Deepa", "Diego", "Elena", "Emeka", "Emily", "Fatima", "Felix", "Gabriel", "Grace", "Hana",
    "Hassan", "Ines", "Ingrid", "Isaac", "Ivan", "Jamal", "James", "Jasmine", "Javier", "Jin",
    "Joao", "Julia", "Kenji", "Kofi", "Kwame", "Lars", "Laura", "Leila", "Liam", "Lucia", "Mai",
    "Malik", "Marcus", "Maria", "Mateo", "Mei", "Mohammed", "Nadia", "Naomi", "Nikhil", "Noah",
    "Olga", "Omar", "Oscar", "Priya", "Rafael", "Rahul", "Rosa", "Sakura", "Samuel", "Sara",
    "Sean", "Sofia", "Tariq", "Thomas", "Valentina", "Wei", "Yara", "Yusuf", "Zainab", "Zoe",
];

#[rustfmt::skip]
const LAST_NAMES: &[&str] = &[
    "Abbott", "Adeyemi", "Ahmed", "Alvarez", "Andersen", "Bauer", "Becker", "Bennett", "Brooks",
    "Campbell", "Castillo", "Chen", "Cohen", "Costa", "Das", "Diaz", "Dubois", "Edwards",
    "Eriksson", "Fischer", "Flores", "Foster", "Garcia", "Gonzalez", "Gupta", "Hansen", "Hayes",
    "Hernandez", "Hughes", "Ibrahim", "Ito", "Jensen", "Johnson", "Kaur", "Khan", "Kim",
    "Kowalski", "Kumar", "Larsen", "Lee", "Lopez", "Martin", "Mendes", "Meyer", "Morales",
    "Murphy", "Nakamura", "Nguyen", "Novak", "Okafor", "Olsen", "Ortiz", "Patel", "Perez",
    "Petrov", "Ramirez", "Reyes", "Rossi", "Russo", "Sato", "Schmidt", "Shah", "Silva", "Singh",
    "Sokolov", "Suzuki", "Tanaka", "Taylor", "Torres", "Tran", "Turner", "Vargas", "Walsh", "Wang",
    "Watanabe", "Weber", "Williams", "Wong", "Yamamoto", "Zhang",
];

#[rustfmt::skip]
const AREA_CODES: &[&str] = &[
    "206", "212", "303", "312", "404", "415", "470", "503", "512", "602", "617", "619", "646",
    "702", "713", "718", "720", "781", "917", "972",
];

/// Titles of an account's first contact: who a deal is usually signed by.
#[rustfmt::skip]
const SENIOR_TITLES: &[&str] = &[
    "CEO", "CFO", "COO", "CTO", "VP Sales", "VP Operations", "VP Engineering",
    "Chief Revenue Officer",
];

#[rustfmt::skip]
const TITLES: &[&str] = &[
    "Head of IT", "Procurement Manager", "Operations Director", "IT Manager", "Finance Manager",
    "Director of Engineering", "Sales Operations Manager", "Product Manager", "Security Lead",
    "Marketing Director", "Data Analyst", "Office Manager",
];

#[rustfmt::skip]
const ROLES: [&str; 5] = [
    "Champion", "Decision Maker", "Economic Buyer", "Technical Evaluator", "Influencer",
];

#[rustfmt::skip]
const SOURCES: &[(&str, u32)] = &[
    ("Inbound", 35), ("Outbound", 33), ("Partner", 10), ("Referral", 12), ("Event", 10),
];

/// Why deals are lost; "Went dark" stays last (short deals cannot go dark).
#[rustfmt::skip]
const LOST_REASONS: &[(&str, u32)] = &[
    ("Price", 20), ("Competitor", 22), ("No decision", 20), ("Timing", 12), ("Budget", 12),
    ("Went dark", 14),
];

#[rustfmt::skip]
const PRODUCTS: &[&str] = &[
    "Platform license", "Enterprise plan", "Team plan", "Pilot", "Analytics add-on",
    "Integration package", "Premium support", "Seat expansion", "Multi-year agreement",
    "Onboarding services", "Data migration", "Expansion",
];

const RENEWALS: &[&str] = &["Annual renewal", "Renewal", "Renewal and expansion"];

#[rustfmt::skip]
const NEXT_STEPS: Phased = [
    &["Book discovery call", "Confirm budget and timeline", "Send intro deck"],
    &["Schedule technical demo", "Answer security questionnaire", "Set up trial workspace"],
    &["Send revised proposal", "Get contract signed", "Confirm procurement steps"],
];

#[rustfmt::skip]
const RENEWAL_NEXT_STEPS: &[&str] = &[
    "Send renewal quote", "Review usage with champion", "Confirm renewal terms",
];

/// The mix of activity kinds; an email stands for a whole thread.
#[rustfmt::skip]
const ACTIVITY_MIX: &[(ActivityKind, u32)] = &[
    (ActivityKind::Email, 34), (ActivityKind::Call, 22), (ActivityKind::Meeting, 14),
    (ActivityKind::Note, 12), (ActivityKind::Task, 18),
];

#[rustfmt::skip]
const CALLS: Phased = [
    &["Intro call", "Discovery call", "Qualification call", "Follow-up call"],
    &["Technical deep dive", "Demo follow-up call", "Requirements call", "Check-in call"],
    &["Pricing call", "Negotiation call", "Legal sync", "Close plan call"],
];

#[rustfmt::skip]
const MEETINGS: Phased = [
    &["Discovery meeting", "Intro meeting", "Kickoff", "Needs analysis"],
    &["Product demo", "Technical evaluation", "Security review", "Solution workshop"],
    &["Proposal review", "Executive sponsor meeting", "Contract review", "Negotiation meeting"],
];

#[rustfmt::skip]
const EMAILS: Phased = [
    &["Intro", "Following up on our call", "Resources you asked for", "Next steps"],
    &["Demo recording", "Security questionnaire", "Integration question", "Pricing question"],
    &["Proposal", "Revised proposal", "Order form", "Contract redlines"],
];

#[rustfmt::skip]
const TASKS: Phased = [
    &["Send follow-up email", "Research account", "Book discovery call", "Find the economic buyer"],
    &["Follow up on security questionnaire", "Send demo recording", "Set up trial", "Prepare demo"],
    &["Send revised proposal", "Send contract", "Chase signature", "Prepare order form"],
];

/// What becomes of a meeting on a deal that goes well.
#[rustfmt::skip]
const MEETING_OUTCOMES: &[(MeetingStatus, u32)] = &[
    (MeetingStatus::Held, 91), (MeetingStatus::Declined, 3), (MeetingStatus::Canceled, 4),
    (MeetingStatus::NoShow, 2),
];

/// On deals that will be lost or stall, customers decline, cancel and fail to show up more.
#[rustfmt::skip]
const TROUBLED_MEETINGS: &[(MeetingStatus, u32)] = &[
    (MeetingStatus::Held, 72), (MeetingStatus::Declined, 9), (MeetingStatus::Canceled, 8),
    (MeetingStatus::NoShow, 11),
];

/// Emails customers start threads with.
#[rustfmt::skip]
const INBOUND_OPENERS: &[&str] = &[
    "Question about pricing", "Quick question", "Procurement requirements",
    "Can we move our meeting?",
];

const RENEWAL_CALLS: &[&str] = &["Renewal check-in", "Usage review call"];
const RENEWAL_MEETINGS: &[&str] = &["Quarterly business review", "Renewal planning"];
const RENEWAL_EMAILS: &[&str] = &["Renewal quote", "Usage report", "Renewal terms"];
const RENEWAL_TASKS: &[&str] = &[
    "Send renewal quote",
    "Review usage",
    "Update renewal forecast",
];

#[rustfmt::skip]
const CALL_NOTES: &[&str] = &[
    "Good conversation; agreed next steps.", "Walked through pricing.",
    "They need more time internally.", "Champion is pushing for a decision this quarter.",
];

#[rustfmt::skip]
const NOTE_SUBJECTS: &[&str] = &[
    "Call notes", "Meeting notes", "Account research", "Internal sync",
];

#[rustfmt::skip]
const NOTE_BODIES: &[&str] = &[
    "Budget confirmed for this quarter.", "Champion is keen; procurement is slow.",
    "They are also evaluating a competitor.", "Need sign-off from the CFO.",
    "Security review is the main blocker.", "Asked for a discount on a multi-year term.",
];

#[cfg(test)]
mod tests {
    use super::*;
    use baton_model::records::Stage;
    use std::collections::{HashMap, HashSet};
    use std::sync::OnceLock;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn pipeline(
        id: i64,
        name: &str,
        stages: &[(i64, &str, ForecastCategory, StageOutcome)],
    ) -> Pipeline {
        let at = midnight(date(2024, 1, 1));
        Pipeline {
            id: PipelineId(id),
            name: name.to_owned(),
            is_default: id == 1,
            stages: stages
                .iter()
                .zip(0..)
                .map(|(&(stage, name, forecast, outcome), position)| Stage {
                    id: StageId(stage),
                    pipeline_id: PipelineId(id),
                    name: name.to_owned(),
                    position,
                    probability: 50,
                    forecast_category: forecast,
                    outcome,
                })
                .collect(),
            archived_at: None,
            version: 1,
            created_at: at,
            updated_at: at,
        }
    }

    /// The demo's shape: two pipelines, eight reps in two teams, with strong and weak sellers.
    fn roster(today: NaiveDate) -> Roster {
        use ForecastCategory::{BestCase, Closed, Commit, Omitted, Pipeline as Early};
        use StageOutcome::{Lost, Open, Won};
        let new_business = pipeline(
            1,
            "New Business",
            &[
                (1, "Prospecting", Early, Open),
                (2, "Qualification", Early, Open),
                (3, "Discovery", Early, Open),
                (4, "Proposal", BestCase, Open),
                (5, "Negotiation", Commit, Open),
                (6, "Closed Won", Closed, Won),
                (7, "Closed Lost", Omitted, Lost),
            ],
        );
        let renewals = pipeline(
            2,
            "Renewals",
            &[
                (8, "Upcoming", BestCase, Open),
                (9, "Negotiating", Commit, Open),
                (10, "Renewed", Closed, Won),
                (11, "Churned", Omitted, Lost),
            ],
        );
        let profiles = [
            (0.34, 1.2, 1.1),
            (0.18, 0.8, 0.9),
            (0.27, 1.0, 1.3),
            (0.24, 1.1, 0.8),
            (0.30, 1.0, 1.0),
            (0.22, 0.9, 1.2),
            (0.36, 1.3, 1.0),
            (0.26, 1.0, 0.9),
        ];
        let reps = (0..8)
            .zip(profiles)
            .map(|(i, (win_rate, effort, size))| RepProfile {
                user_id: UserId(10 + i),
                team_manager: UserId(if i < 4 { 1 } else { 2 }),
                win_rate,
                effort,
                size,
            })
            .collect();
        Roster {
            today,
            currency: Currency::USD,
            reps,
            new_business,
            renewals,
        }
    }

    const SCALE: Scale = Scale {
        accounts: 300,
        contacts_per_account: 3,
        deals: 600,
        activities: 20_000,
    };

    /// A Thursday in the middle of a quarter.
    fn today() -> NaiveDate {
        date(2026, 5, 14)
    }

    fn generator() -> &'static Generator {
        static GENERATOR: OnceLock<Generator> = OnceLock::new();
        GENERATOR.get_or_init(|| Generator::new(42, roster(today()), SCALE))
    }

    fn deals() -> &'static [GeneratedDeal] {
        static DEALS: OnceLock<Vec<GeneratedDeal>> = OnceLock::new();
        DEALS.get_or_init(|| (0..SCALE.deals).map(|i| generator().deal(i)).collect())
    }

    fn share(part: usize, whole: usize) -> f64 {
        count_f64(part) / count_f64(whole.max(1))
    }

    #[test]
    fn the_same_index_always_gives_the_same_deal() {
        let g = generator();
        let forwards: Vec<String> = (0..20).map(|i| format!("{:?}", g.deal(i))).collect();
        let again = Generator::new(42, roster(today()), SCALE);
        for i in (0..20).rev() {
            assert_eq!(format!("{:?}", again.deal(i)), forwards[i], "deal {i}");
        }
        let other_seed = Generator::new(43, roster(today()), SCALE);
        assert_ne!(format!("{:?}", other_seed.deal(3)), forwards[3]);
    }

    #[test]
    fn the_same_index_always_gives_the_same_account() {
        let g = generator();
        let first = format!("{:?}", g.account(123));
        let _ = g.account(7);
        assert_eq!(format!("{:?}", g.account(123)), first);
        let (account, contacts) = g.account(123);
        assert_eq!(account.id, AccountId(124));
        let ids: Vec<i64> = contacts.iter().map(|c| c.id.0).collect();
        assert_eq!(ids, [370, 371, 372]);
    }

    #[test]
    fn accounts_look_like_companies_with_reachable_contacts() {
        let g = generator();
        let mut names = HashSet::new();
        for i in 0..SCALE.accounts {
            let (account, contacts) = g.account(i);
            assert!(names.insert(account.name.clone()), "{} twice", account.name);
            let domain = account.domain.as_deref().unwrap();
            assert_eq!(
                baton_model::records::normalize_domain(domain).as_deref(),
                Ok(domain)
            );
            assert!(INDUSTRIES.contains(&account.industry.as_deref().unwrap()));
            assert!((10..=50_000).contains(&account.employees.unwrap()));
            assert!(account.annual_revenue_minor.unwrap() > 0);
            assert!((1..=3).contains(&account.tier.unwrap()));
            assert!(g.roster.reps.iter().any(|r| r.user_id == account.owner_id));
            for contact in &contacts {
                assert_eq!(contact.account_id, Some(account.id));
                assert_eq!(contact.owner_id, account.owner_id);
                assert_eq!(contact.email.as_ref().unwrap().domain(), domain);
                assert!(contact.phone.as_deref().unwrap().starts_with("+1 "));
                assert!(contact.created_at >= account.created_at);
            }
        }
    }

    /// Replays each deal's history row by row: every row continues from the previous value of
    /// its field, and the last value of every field is the deal's.
    #[test]
    fn deal_history_replays_to_the_final_deal() {
        for g in deals() {
            let d = &g.deal;
            let mut last: HashMap<&str, Option<&str>> = HashMap::new();
            let mut previous = d.created_at;
            for row in &g.history {
                assert_eq!(
                    (row.id, row.entity.as_str(), row.entity_id),
                    (0, "deal", d.id.0)
                );
                assert_eq!(row.actor_id, Some(d.owner_id));
                assert!(
                    row.changed_at >= previous,
                    "deal {} history out of order",
                    d.id
                );
                previous = row.changed_at;
                let before = last.get(row.field.as_str()).copied().flatten();
                assert_eq!(
                    row.old_value.as_deref(),
                    before,
                    "deal {} {}",
                    d.id,
                    row.field
                );
                assert_ne!(row.old_value, row.new_value, "deal {} {}", d.id, row.field);
                if before.is_none() {
                    assert_eq!(
                        row.changed_at, d.created_at,
                        "{} starts at creation",
                        row.field
                    );
                }
                last.insert(&row.field, row.new_value.as_deref());
            }
            let expected = [
                ("pipeline_id", d.pipeline_id.to_string()),
                ("stage_id", d.stage_id.to_string()),
                ("amount_minor", d.amount_minor.unwrap().to_string()),
                ("currency", d.currency.to_string()),
                ("close_date", d.close_date.unwrap().to_string()),
                ("owner_id", d.owner_id.to_string()),
                ("forecast_category", d.forecast_category.as_str().to_owned()),
            ];
            for (field, value) in expected {
                assert_eq!(last[field], Some(value.as_str()), "deal {} {field}", d.id);
            }
            assert_eq!(d.updated_at, previous, "deal {} updated_at", d.id);
        }
    }

    #[test]
    fn closed_deals_end_in_their_won_or_lost_stage() {
        let g = generator();
        let (mut won, mut lost, mut open) = (0, 0, 0);
        for d in deals().iter().map(|g| &g.deal) {
            let track = if d.pipeline_id == PipelineId(1) {
                &g.new_business
            } else {
                &g.renewals
            };
            if let Some(closed_at) = d.closed_at {
                assert_eq!(d.close_date, Some(closed_at.date_naive()));
                assert_eq!(d.next_step, None);
                if Some(d.stage_id) == track.won.map(|s| s.id) {
                    won += 1;
                    assert_eq!(d.forecast_category, ForecastCategory::Closed);
                    assert_eq!(d.lost_reason, None);
                } else {
                    lost += 1;
                    assert_eq!(Some(d.stage_id), track.lost.map(|s| s.id));
                    assert_eq!(d.forecast_category, ForecastCategory::Omitted);
                    assert!(d.lost_reason.is_some());
                }
            } else {
                open += 1;
                let stage = track.open.iter().find(|s| s.id == d.stage_id).unwrap();
                assert_eq!(d.forecast_category, stage.forecast);
                assert!(d.next_step.is_some() && d.lost_reason.is_none());
            }
        }
        assert!(
            won > 60 && lost > 100 && open > 100,
            "won {won}, lost {lost}, open {open}"
        );
    }

    #[test]
    fn revenue_splits_sum_to_one_hundred_percent() {
        let mut split = 0;
        let mut overlay = 0;
        for d in deals().iter().map(|g| &g.deal) {
            let revenue: Vec<_> = d
                .splits
                .iter()
                .filter(|s| s.kind == SplitKind::Revenue)
                .collect();
            if !revenue.is_empty() {
                split += 1;
                assert_eq!(
                    revenue
                        .iter()
                        .map(|s| s.percent.basis_points())
                        .sum::<i64>(),
                    10_000
                );
                assert_eq!(revenue[0].user_id, d.owner_id);
                assert_ne!(revenue[1].user_id, d.owner_id);
            }
            for s in d.splits.iter().filter(|s| s.kind == SplitKind::Overlay) {
                overlay += 1;
                assert_eq!(s.percent, Percent::HUNDRED);
                assert_ne!(s.user_id, d.owner_id);
            }
        }
        assert!(
            (0.05..0.16).contains(&share(split, SCALE.deals)),
            "{split} split"
        );
        assert!(
            (0.02..0.09).contains(&share(overlay, SCALE.deals)),
            "{overlay} overlays"
        );
    }

    #[test]
    fn deal_contacts_are_the_accounts_with_exactly_one_primary() {
        for d in deals().iter().map(|g| &g.deal) {
            assert!((1..=3).contains(&d.contacts.len()));
            assert_eq!(d.contacts.iter().filter(|c| c.is_primary).count(), 1);
            let account = d.account_id.unwrap().0;
            for c in &d.contacts {
                assert_eq!(
                    (c.contact_id.0 - 1) / 3 + 1,
                    account,
                    "contact of another account"
                );
                assert!(ROLES.contains(&c.role.as_deref().unwrap()));
            }
        }
    }

    /// Scheduled meetings may lie ahead and open tasks may fall due later; everything else has
    /// happened.
    #[test]
    fn every_timestamp_is_before_today() {
        // Mid-quarter, and the first day of a quarter (when the current quarter is empty).
        for today in [today(), date(2026, 4, 1)] {
            let g = Generator::new(
                7,
                roster(today),
                Scale {
                    deals: 300,
                    ..SCALE
                },
            );
            let end = midnight(today);
            for i in 0..300 {
                let GeneratedDeal {
                    deal,
                    history,
                    activities,
                } = g.deal(i);
                assert!(deal.created_at >= midnight(g.calendar.window_start()));
                assert!(deal.created_at < end && deal.updated_at < end);
                assert!(deal.closed_at.is_none_or(|at| at < end));
                assert!(history.iter().all(|h| h.changed_at < end));
                for a in &activities {
                    assert!(a.created_at < end && a.updated_at < end, "{a:?}");
                    assert!(a.created_at >= deal.created_at, "{a:?}");
                    assert!(a.ends_at.is_none_or(|ends| ends >= a.occurred_at));
                    if a.meeting_status == Some(MeetingStatus::Scheduled) {
                        assert!(a.occurred_at >= end);
                    } else {
                        assert!(a.occurred_at < end, "{a:?}");
                        assert!(a.ends_at.is_none_or(|ends| ends < end), "{a:?}");
                    }
                    assert!(
                        a.completed_at
                            .is_none_or(|at| at < end && at >= a.occurred_at)
                    );
                }
            }
            for i in 0..SCALE.accounts {
                let (account, contacts) = g.account(i);
                assert!(account.created_at < end);
                assert!(contacts.iter().all(|c| c.created_at < end));
            }
        }
    }

    #[test]
    fn deals_start_after_their_account_and_mostly_on_weekdays() {
        let g = generator();
        let mut weekend = 0;
        for d in deals().iter().map(|g| &g.deal) {
            let (account, _) = g.account(usize::try_from(d.account_id.unwrap().0 - 1).unwrap());
            assert!(d.created_at > account.created_at);
            weekend += usize::from(d.created_at.weekday().num_days_from_monday() >= 5);
        }
        assert!(
            share(weekend, SCALE.deals) < 0.06,
            "{weekend} deals created at weekends"
        );
        let activities: Vec<_> = deals().iter().flat_map(|g| &g.activities).collect();
        let weekend = activities
            .iter()
            .filter(|a| a.occurred_at.weekday().num_days_from_monday() >= 5)
            .count();
        assert!(
            share(weekend, activities.len()) < 0.08,
            "{weekend} weekend activities"
        );
    }

    #[test]
    fn activity_volume_is_near_the_target() {
        let total: usize = deals().iter().map(|g| g.activities.len()).sum();
        let ratio = share(total, SCALE.activities);
        assert!(
            (0.85..1.15).contains(&ratio),
            "{total} activities for {}",
            SCALE.activities
        );
        // At benchmark density (ten a deal) too.
        let g = Generator::new(
            1,
            roster(today()),
            Scale {
                deals: 2_000,
                activities: 20_000,
                ..SCALE
            },
        );
        let total: usize = (0..2_000).map(|i| g.deal(i).activities.len()).sum();
        assert!(
            (0.85..1.15).contains(&share(total, 20_000)),
            "{total} activities for 20000"
        );
    }

    #[test]
    fn only_emails_have_a_direction_and_only_meetings_a_status() {
        for a in deals().iter().flat_map(|g| &g.activities) {
            let email = a.kind == ActivityKind::Email;
            assert_eq!(a.direction.is_some(), email, "{a:?}");
            assert_eq!(a.thread_id.is_some(), email, "{a:?}");
            assert_eq!(
                a.meeting_status.is_some(),
                a.kind == ActivityKind::Meeting,
                "{a:?}"
            );
            assert_eq!(a.due_date.is_some(), a.kind == ActivityKind::Task, "{a:?}");
            if a.kind != ActivityKind::Task {
                assert_eq!(a.completed_at, None);
            }
            if a.kind == ActivityKind::Meeting {
                assert!(a.ends_at.is_some());
            }
            assert_eq!((a.id, a.version), (ActivityId(0), 1));
        }
    }

    #[test]
    fn emails_come_in_threads_with_replies() {
        let mut threads: HashMap<&str, Vec<&Activity>> = HashMap::new();
        for a in deals().iter().flat_map(|g| &g.activities) {
            if let Some(thread) = a.thread_id.as_deref() {
                threads.entry(thread).or_default().push(a);
            }
        }
        let mut answered = 0;
        for emails in threads.values() {
            assert!(
                emails
                    .windows(2)
                    .all(|w| w[0].occurred_at < w[1].occurred_at)
            );
            assert!(
                emails.windows(2).all(|w| w[0].direction != w[1].direction),
                "turns alternate"
            );
            assert!(emails.iter().all(|e| e.deal_id == emails[0].deal_id));
            answered += usize::from(emails.len() > 1);
        }
        let ratio = share(answered, threads.len());
        assert!(
            (0.5..0.9).contains(&ratio),
            "{answered} of {} threads answered",
            threads.len()
        );
    }

    /// The honest early signal: customers on deals that end up lost answer fewer emails.
    #[test]
    fn customers_reply_less_on_deals_that_are_lost() {
        let reply_rate = |lost: bool| {
            let (mut sent, mut answered) = (0, 0);
            for g in deals()
                .iter()
                .filter(|g| g.deal.closed_at.is_some() && g.deal.lost_reason.is_some() == lost)
            {
                let threads: HashSet<_> = g
                    .activities
                    .iter()
                    .filter_map(|a| a.thread_id.as_deref())
                    .collect();
                for thread in threads {
                    let emails: Vec<_> = g
                        .activities
                        .iter()
                        .filter(|a| a.thread_id.as_deref() == Some(thread))
                        .collect();
                    if emails[0].direction == Some(Direction::Outbound) {
                        sent += 1;
                        answered += usize::from(emails.len() > 1);
                    }
                }
            }
            share(answered, sent)
        };
        let (won, lost) = (reply_rate(false), reply_rate(true));
        assert!(won > lost + 0.2, "won deals {won:.2}, lost deals {lost:.2}");
    }

    #[test]
    fn about_a_third_of_deals_have_their_close_date_pushed() {
        let pushed = deals()
            .iter()
            .filter(|g| {
                let closing = g.deal.closed_at;
                g.history.iter().any(|h| {
                    h.field == "close_date"
                        && h.old_value.is_some()
                        && Some(h.changed_at) != closing
                })
            })
            .count();
        let resized = deals()
            .iter()
            .filter(|g| {
                g.history
                    .iter()
                    .any(|h| h.field == "amount_minor" && h.old_value.is_some())
            })
            .count();
        assert!(
            (0.2..0.42).contains(&share(pushed, SCALE.deals)),
            "{pushed} pushed"
        );
        assert!(
            (0.08..0.22).contains(&share(resized, SCALE.deals)),
            "{resized} resized"
        );
    }

    #[test]
    fn some_open_deals_have_gone_quiet_for_three_weeks() {
        let cutoff = midnight(today()) - TimeDelta::days(21);
        let open: Vec<_> = deals()
            .iter()
            .filter(|g| g.deal.closed_at.is_none())
            .collect();
        let stale = open
            .iter()
            .filter(|g| g.deal.created_at < cutoff)
            .filter(|g| g.activities.iter().all(|a| a.occurred_at < cutoff))
            .count();
        assert!(
            stale > 5 && share(stale, open.len()) < 0.5,
            "{stale} of {} open deals stale",
            open.len()
        );
        let overdue = open
            .iter()
            .flat_map(|g| &g.activities)
            .filter(|a| a.kind == ActivityKind::Task && a.completed_at.is_none())
            .filter(|a| a.due_date.is_some_and(|due| due < today()))
            .count();
        assert!(overdue > 0, "no overdue tasks");
    }

    #[test]
    fn strong_reps_win_more_often_than_weak_ones() {
        let win_rate = |rep: i64| {
            let closed: Vec<_> = deals()
                .iter()
                .map(|g| &g.deal)
                .filter(|d| {
                    d.owner_id == UserId(rep)
                        && d.closed_at.is_some()
                        && d.pipeline_id == PipelineId(1)
                })
                .collect();
            share(
                closed.iter().filter(|d| d.lost_reason.is_none()).count(),
                closed.len(),
            )
        };
        // Grace (0.36) against Ben (0.18).
        assert!(
            win_rate(16) > win_rate(11),
            "{} vs {}",
            win_rate(16),
            win_rate(11)
        );
    }

    #[test]
    fn quotas_cover_six_quarters_and_are_roughly_achievable() {
        let g = generator();
        let quotas = g.quotas();
        assert_eq!(quotas.len(), 8 * QUARTERS);
        let periods: HashSet<&str> = quotas.iter().map(|q| q.period.as_str()).collect();
        let expected: HashSet<&str> = [
            "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3",
        ]
        .into();
        assert_eq!(periods, expected);
        for q in &quotas {
            assert_eq!(q.amount_minor % 500_000, 0);
            assert!(q.amount_minor > 0 && q.created_at < midnight(today()));
            assert_eq!(Period::parse(&q.period, 1).unwrap().start(), q.start_date);
        }
        // Won amounts over quota in the four full quarters, across the team.
        let past: Vec<_> = quotas
            .iter()
            .filter(|q| q.end_date <= date(2026, 4, 1))
            .collect();
        let quota: i64 = past.iter().map(|q| q.amount_minor).sum();
        let won: i64 = deals()
            .iter()
            .map(|g| &g.deal)
            .filter(|d| {
                d.lost_reason.is_none()
                    && d.closed_at
                        .is_some_and(|at| at < midnight(date(2026, 4, 1)))
            })
            .map(|d| d.amount_minor.unwrap())
            .sum();
        let attainment = to_f64(won) / to_f64(quota);
        assert!(
            (0.7..1.1).contains(&attainment),
            "attainment {attainment:.2}"
        );
    }
}
