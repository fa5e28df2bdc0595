//! The demo organisation, and generated data at any scale for trials and benchmarks.
//!
//! Users, teams and pipelines are created through the store like any others (so they are
//! audited); the bulk of the records — accounts, contacts, deals with their history, activities,
//! quotas — come from the deterministic [`generate::Generator`] and go in through the bulk path.

pub mod generate;

use anyhow::Context;
use baton_model::pipeline::{ForecastCategory, StageOutcome};
use baton_model::records::{
    AccountInput, CompAssignment, CompPeriodStatus, ContactInput, DealInput, DealRefundInput,
    OrgSettingsChanges, Pipeline, PipelineChanges, RefundKind, StageSpec, TeamChanges, UserChanges,
    WorkingHours,
};
use baton_model::{Currency, Period, PeriodKind, Role, StageId, TimeZone, UserId};
use baton_store::{Actor, ListQuery, Store};
use chrono::NaiveDate;
use generate::{Generator, RepProfile, Roster, Scale};

/// `baton seed`: how much to generate.
#[derive(clap::Args)]
pub struct SeedArgs {
    /// Sales reps (in teams of eight, each with a manager).
    #[arg(long, env = "BATON_SEED_REPS", default_value_t = 8)]
    reps: usize,
    #[arg(long, env = "BATON_SEED_ACCOUNTS", default_value_t = 300)]
    accounts: usize,
    #[arg(long, env = "BATON_SEED_DEALS", default_value_t = 600)]
    deals: usize,
    /// Activities in all, roughly.
    #[arg(long, env = "BATON_SEED_ACTIVITIES", default_value_t = 20_000)]
    activities: usize,
    /// Random seed: the same seed and day give the same data.
    #[arg(long, env = "BATON_SEED", default_value_t = 42)]
    seed: u64,
}

const DEMO_DOMAIN: &str = "demo.baton.local";

struct Person {
    first: &'static str,
    last: &'static str,
    role: Role,
    zone: &'static str,
}

const fn person(first: &'static str, last: &'static str, role: Role, zone: &'static str) -> Person {
    Person {
        first,
        last,
        role,
        zone,
    }
}

/// The essay's team: an admin, a coordinator, finance, a head of sales over two team managers,
/// and eight reps across time zones.
const PEOPLE: [Person; 14] = [
    person("Priya", "Shah", Role::Admin, "America/New_York"),
    person("Maria", "Lopez", Role::Coordinator, "America/New_York"),
    person("Frank", "Okafor", Role::Finance, "America/Chicago"),
    person("Helen", "Park", Role::Manager, "America/New_York"),
    person("Dana", "Whitfield", Role::Manager, "America/New_York"),
    person("Luis", "Romero", Role::Manager, "America/Los_Angeles"),
    person("Ana", "Silva", Role::Rep, "America/New_York"),
    person("Ben", "Carter", Role::Rep, "America/Chicago"),
    person("Chloe", "Dubois", Role::Rep, "Europe/London"),
    person("Diego", "Ramos", Role::Rep, "America/New_York"),
    person("Emma", "Novak", Role::Rep, "America/Los_Angeles"),
    person("Farid", "Haddad", Role::Rep, "America/Denver"),
    person("Grace", "Kim", Role::Rep, "America/Los_Angeles"),
    person("Hiro", "Tanaka", Role::Rep, "Asia/Tokyo"),
];

fn stage(
    name: &str,
    probability: i64,
    forecast: ForecastCategory,
    outcome: StageOutcome,
) -> StageSpec {
    StageSpec {
        id: None,
        name: name.to_owned(),
        probability,
        forecast_category: forecast,
        outcome,
    }
}

async fn create_pipelines(store: &Store) -> anyhow::Result<(Pipeline, Pipeline)> {
    use ForecastCategory::{BestCase, Closed, Commit, Omitted, Pipeline as Early};
    use StageOutcome::{Lost, Open, Won};
    let new_business = store
        .create_pipeline(
            None,
            PipelineChanges {
                name: Some("New Business".into()),
                is_default: Some(true),
                stages: Some(vec![
                    stage("Prospecting", 10, Early, Open),
                    stage("Qualification", 20, Early, Open),
                    stage("Discovery", 35, Early, Open),
                    stage("Proposal", 55, BestCase, Open),
                    stage("Negotiation", 75, Commit, Open),
                    stage("Closed Won", 100, Closed, Won),
                    stage("Closed Lost", 0, Omitted, Lost),
                ]),
            },
        )
        .await?;
    let renewals = store
        .create_pipeline(
            None,
            PipelineChanges {
                name: Some("Renewals".into()),
                is_default: Some(false),
                stages: Some(vec![
                    stage("Upcoming", 60, BestCase, Open),
                    stage("Negotiating", 80, Commit, Open),
                    stage("Renewed", 100, Closed, Won),
                    stage("Churned", 0, Omitted, Lost),
                ]),
            },
        )
        .await?;
    Ok((new_business, renewals))
}

async fn add_user(
    store: &Store,
    name: String,
    email: String,
    role: Role,
    zone: &str,
    hash: Option<String>,
) -> anyhow::Result<UserId> {
    let changes = UserChanges {
        email: Some(email.parse().map_err(|e| anyhow::anyhow!("{e}"))?),
        name: Some(name),
        role: Some(role),
        time_zone: Some(zone.parse().map_err(|e| anyhow::anyhow!("{e}"))?),
        active: Some(true),
        password: None,
    };
    Ok(store.create_user(None, changes, hash).await?.id)
}

async fn init_org(store: &Store) -> anyhow::Result<()> {
    let settings = OrgSettingsChanges {
        name: None,
        currency: Some(Currency::USD),
        fiscal_year_start_month: Some(1),
        time_zone: Some(
            "America/New_York"
                .parse::<TimeZone>()
                .map_err(|e| anyhow::anyhow!("{e}"))?,
        ),
    };
    store.init_org("Northwind Supply", &settings).await?;
    Ok(())
}

/// Seeds the demo organisation into an empty database and returns its logins:
/// (role, email, password), one per person.
pub async fn seed(store: &Store) -> anyhow::Result<Vec<(Role, String, String)>> {
    init_org(store).await?;
    let mut logins = Vec::new();
    let mut ids = Vec::new();
    for p in &PEOPLE {
        let email = format!("{}@{DEMO_DOMAIN}", p.first.to_lowercase());
        let password = crate::cli::generate_password();
        let hash = baton_server::auth::hash_password(password.clone()).await?;
        let id = add_user(
            store,
            format!("{} {}", p.first, p.last),
            email.clone(),
            p.role,
            p.zone,
            Some(hash),
        )
        .await?;
        logins.push((p.role, email, password));
        ids.push(id);
    }
    let team = |name: &str, manager: usize, members: &[usize]| TeamChanges {
        name: Some(name.to_owned()),
        manager_id: Some(Some(ids[manager])),
        member_ids: Some(members.iter().map(|i| ids[*i]).collect()),
    };
    store
        .create_team(None, team("Sales Leadership", 3, &[4, 5]))
        .await?;
    store
        .create_team(None, team("East", 4, &[6, 7, 8, 9]))
        .await?;
    store
        .create_team(None, team("West", 5, &[10, 11, 12, 13]))
        .await?;
    // Chloe, in London, stays late so that the East team can meet her in New York's morning:
    // times after 17:00 London rank below those inside everyone's core hours.
    let chloe = Actor {
        user_id: ids[8],
        role: Role::Rep,
    };
    let long_day = vec!["08:00-19:00".to_owned()];
    let hours = WorkingHours {
        weekly: vec![
            long_day.clone(),
            long_day.clone(),
            long_day.clone(),
            long_day.clone(),
            vec!["08:00-16:00".to_owned()],
            Vec::new(),
            Vec::new(),
        ],
        buffer_after_minutes: 10,
        ..WorkingHours::default()
    };
    store.set_working_hours(&chloe, ids[8], hours).await?;
    let (new_business, renewals) = create_pipelines(store).await?;
    let proposal = new_business.stages[3].id;

    // How each rep sells: Ana and Grace are strong, Ben is new and finding his feet.
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
    let reps = (6..14)
        .zip(profiles)
        .map(|(i, (win_rate, effort, size))| RepProfile {
            user_id: ids[i],
            team_manager: if i < 10 { ids[4] } else { ids[5] },
            win_rate,
            effort,
            size,
        })
        .collect();
    let roster = Roster {
        today: chrono::Utc::now().date_naive(),
        currency: Currency::USD,
        reps,
        new_business,
        renewals,
    };
    let scale = Scale {
        accounts: 300,
        contacts_per_account: 3,
        deals: 600,
        activities: 20_000,
    };
    load(store, Generator::new(42, roster, scale), None).await?;
    let ben = Actor {
        user_id: ids[7],
        role: Role::Rep,
    };
    plant_data_issues(store, &ben, proposal).await?;
    plant_duplicates(store, &ben).await?;
    let finance = Actor {
        user_id: ids[2],
        role: Role::Finance,
    };
    seed_commissions(store, &finance, &ids[6..14], &ids[3..6]).await?;
    Ok(logins)
}

/// The account executives' plan: 10 % to quota, an accelerator above it, half pay under a
/// quarter of quota, $250 for each deal from a partner.
const AE_PLAN: &str = include_str!("plans/ae.toml");
/// The managers' plan: an override on their people's revenue and overlays on their own.
const MANAGER_PLAN: &str = include_str!("plans/manager.toml");

/// Plans for the reps and managers, last quarter run and approved, this quarter run: so "my
/// commission" shows real numbers and finance has a period to approve.
async fn seed_commissions(
    store: &Store,
    finance: &Actor,
    reps: &[UserId],
    managers: &[UserId],
) -> anyhow::Result<()> {
    store.save_comp_plan(finance, AE_PLAN).await?;
    store.save_comp_plan(finance, MANAGER_PLAN).await?;
    let plan_start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default();
    for (people, plan) in [(reps, "ae"), (managers, "manager")] {
        for &user_id in people {
            store
                .assign_comp_plan(
                    finance,
                    CompAssignment {
                        user_id,
                        plan_id: plan.to_owned(),
                        from: plan_start,
                        to: None,
                    },
                )
                .await?;
        }
    }
    let this_quarter = Period::containing(chrono::Utc::now().date_naive(), PeriodKind::Quarter, 1);
    let last_quarter = this_quarter.previous().to_string();
    store.run_commissions(finance, &last_quarter).await?;
    store
        .set_comp_period_status(finance, &last_quarter, CompPeriodStatus::Approved)
        .await?;
    churn_a_recent_win(store, finance, this_quarter).await?;
    store
        .run_commissions(finance, &this_quarter.to_string())
        .await?;
    Ok(())
}

/// A customer won late last quarter churns early this one, so this quarter shows a clawback.
async fn churn_a_recent_win(
    store: &Store,
    finance: &Actor,
    this_quarter: Period,
) -> anyhow::Result<()> {
    let today = chrono::Utc::now().date_naive();
    // Within the plan's 90-day clawback window of today.
    let since = (today - chrono::Days::new(80)).max(this_quarter.previous().start());
    let query = ListQuery::from_pairs([
        ("outcome".to_owned(), "won".to_owned()),
        ("close_date_gte".to_owned(), since.to_string()),
        ("close_date_lt".to_owned(), this_quarter.start().to_string()),
        ("sort".to_owned(), "-amount_minor".to_owned()),
        ("limit".to_owned(), "1".to_owned()),
    ])
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    if let Some(deal) = store.list_deals(finance, &query).await?.items.first() {
        store
            .add_deal_refund(
                finance,
                deal.id,
                DealRefundInput {
                    kind: RefundKind::Churn,
                    on: today.max(this_quarter.start()),
                    amount_minor: None,
                    note: Some("Went with a competitor after the pilot.".to_owned()),
                },
            )
            .await?;
    }
    Ok(())
}

/// What a real CRM has and the Today page's "Data to fix" card is for, made by Ben, the new
/// rep: an account added again under another spelling, contacts from a trade show with no
/// account, and a deal at Proposal whose close date he cleared.
async fn plant_data_issues(store: &Store, rep: &Actor, late_stage: StageId) -> anyhow::Result<()> {
    let list = |pairs: &[(&str, &str)]| {
        ListQuery::from_pairs(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        )
    };
    let invalid = |e: baton_model::FieldErrors| anyhow::anyhow!("{e}");
    let owner = rep.user_id.to_string();
    let theirs = store
        .list_accounts(
            rep,
            &list(&[("owner_id", &owner), ("sort", "name"), ("limit", "1")])?,
        )
        .await?;
    if let Some(original) = theirs.items.first() {
        let again = AccountInput {
            name: Some(original.name.to_uppercase()),
            domain: Some(original.domain.clone()),
            industry: Some(original.industry.clone()),
            ..AccountInput::default()
        };
        store
            .create_account(rep, again.validate(true).map_err(invalid)?)
            .await?;
    }
    for (first, last, email) in [
        ("Priya", "Raman", "priya.raman@gmail.com"),
        ("Tom", "Becker", "tbecker@outlook.com"),
    ] {
        let contact = ContactInput {
            first_name: Some(Some(first.to_owned())),
            last_name: Some(last.to_owned()),
            email: Some(Some(email.to_owned())),
            title: Some(Some("Met at SaaStr".to_owned())),
            ..ContactInput::default()
        };
        store
            .create_contact(rep, contact.validate(true).map_err(invalid)?)
            .await?;
    }
    let stage = late_stage.to_string();
    let late = store
        .list_deals(
            rep,
            &list(&[("owner_id", &owner), ("stage_id", &stage), ("limit", "1")])?,
        )
        .await?;
    if let Some(deal) = late.items.first() {
        let cleared = DealInput {
            close_date: Some(None),
            ..DealInput::default()
        };
        store
            .update_deal(
                rep,
                deal.id,
                deal.version,
                cleared.validate(false).map_err(invalid)?,
            )
            .await?;
    }
    Ok(())
}

/// What the "Possible duplicates" review is for, as imports and hurried reps make them: a
/// company entered twice under two spellings of its legal name, each with its own contact, and
/// a trade-show contact entered again with the email typed in another case.
async fn plant_duplicates(store: &Store, rep: &Actor) -> anyhow::Result<()> {
    let invalid = |e: baton_model::FieldErrors| anyhow::anyhow!("{e}");
    let mut accounts = Vec::new();
    for (name, domain, industry) in [
        (
            "Northwind Traders Inc",
            Some("northwindtraders.com"),
            Some("Retail"),
        ),
        ("NORTHWIND TRADERS, INC.", None, None),
    ] {
        let account = AccountInput {
            name: Some(name.to_owned()),
            domain: Some(domain.map(str::to_owned)),
            industry: Some(industry.map(str::to_owned)),
            ..AccountInput::default()
        };
        accounts.push(
            store
                .create_account(rep, account.validate(true).map_err(invalid)?)
                .await?,
        );
    }
    for ((first, last, email), account) in [
        ("Nancy", "Davolio", "nancy.davolio@northwindtraders.com"),
        ("Andrew", "Fuller", "andrew.fuller@northwindtraders.com"),
    ]
    .into_iter()
    .zip(&accounts)
    {
        let contact = ContactInput {
            first_name: Some(Some(first.to_owned())),
            last_name: Some(last.to_owned()),
            email: Some(Some(email.to_owned())),
            account_id: Some(Some(account.id)),
            ..ContactInput::default()
        };
        store
            .create_contact(rep, contact.validate(true).map_err(invalid)?)
            .await?;
    }
    let again = ContactInput {
        first_name: Some(Some("Priya".to_owned())),
        last_name: Some("Raman".to_owned()),
        email: Some(Some("Priya.Raman@Gmail.com".to_owned())),
        phone: Some(Some("+1 415 555 0142".to_owned())),
        ..ContactInput::default()
    };
    store
        .create_contact(rep, again.validate(true).map_err(invalid)?)
        .await?;
    Ok(())
}

/// `baton seed`: a generated organisation of any size, for trials and benchmarks. Reps get no
/// password (create tokens with `baton token create`).
pub async fn seed_scaled(store: &Store, args: &SeedArgs) -> anyhow::Result<()> {
    if !store.is_empty().await? {
        anyhow::bail!("the database already holds an organisation; seed an empty one");
    }
    // Every generated account, deal and activity needs a rep to own it.
    if args.reps == 0 {
        anyhow::bail!("--reps must be at least 1");
    }
    init_org(store).await?;
    add_user(
        store,
        "Admin".into(),
        format!("admin@{DEMO_DOMAIN}"),
        Role::Admin,
        "UTC",
        None,
    )
    .await?;
    add_user(
        store,
        "Coordinator".into(),
        format!("coordinator@{DEMO_DOMAIN}"),
        Role::Coordinator,
        "UTC",
        None,
    )
    .await?;
    let mut reps = Vec::new();
    for team_index in 0..args.reps.div_ceil(8) {
        let manager = add_user(
            store,
            format!("Manager {}", team_index + 1),
            format!("manager{}@{DEMO_DOMAIN}", team_index + 1),
            Role::Manager,
            "America/New_York",
            None,
        )
        .await?;
        let mut members = Vec::new();
        for r in (team_index * 8)..((team_index + 1) * 8).min(args.reps) {
            let id = add_user(
                store,
                format!("Rep {}", r + 1),
                format!("rep{}@{DEMO_DOMAIN}", r + 1),
                Role::Rep,
                "America/New_York",
                None,
            )
            .await?;
            members.push(id);
            #[expect(clippy::cast_precision_loss, reason = "small counts")]
            let spread = (r % 7) as f64 / 7.0;
            reps.push(RepProfile {
                user_id: id,
                team_manager: manager,
                win_rate: 0.18 + 0.2 * spread,
                effort: 0.8 + 0.4 * spread,
                size: 1.0,
            });
        }
        let changes = TeamChanges {
            name: Some(format!("Team {}", team_index + 1)),
            manager_id: Some(Some(manager)),
            member_ids: Some(members),
        };
        store.create_team(None, changes).await?;
    }
    let (new_business, renewals) = create_pipelines(store).await?;
    let roster = Roster {
        today: chrono::Utc::now().date_naive(),
        currency: Currency::USD,
        reps,
        new_business,
        renewals,
    };
    let scale = Scale {
        accounts: args.accounts,
        contacts_per_account: 3,
        deals: args.deals,
        activities: args.activities,
    };
    load(
        store,
        Generator::new(args.seed, roster, scale),
        Some(std::time::Duration::from_secs(5)),
    )
    .await
}

/// Streams the generator's records into the store in chunks, committing as it goes; with
/// `progress`, logs a line that often.
async fn load(
    store: &Store,
    generator: Generator,
    progress: Option<std::time::Duration>,
) -> anyhow::Result<()> {
    const CHUNK: usize = 2_000;
    let scale = generator.scale();
    let started = std::time::Instant::now();
    let mut last_report = started;
    let report = |what: &str, done: usize, total: usize, last: &mut std::time::Instant| {
        if let Some(every) = progress
            && (last.elapsed() >= every || done == total)
        {
            eprintln!("{what}: {done}/{total} after {:.0?}", started.elapsed());
            *last = std::time::Instant::now();
        }
    };
    for start in (0..scale.accounts).step_by(CHUNK) {
        let end = (start + CHUNK).min(scale.accounts);
        let (accounts, contacts): (Vec<_>, Vec<_>) =
            (start..end).map(|i| generator.account(i)).unzip();
        let mut bulk = store.bulk(None).await?;
        bulk.accounts(&accounts).await?;
        bulk.contacts(&contacts.into_iter().flatten().collect::<Vec<_>>())
            .await?;
        bulk.commit().await.context("loading accounts")?;
        report("accounts", end, scale.accounts, &mut last_report);
    }
    let mut next_activity = store.max_ids().await?.activities + 1;
    for start in (0..scale.deals).step_by(CHUNK) {
        let end = (start + CHUNK).min(scale.deals);
        let mut deals = Vec::with_capacity(end - start);
        let mut history = Vec::new();
        let mut activities = Vec::new();
        for i in start..end {
            let g = generator.deal(i);
            deals.push(g.deal);
            history.extend(g.history);
            for mut a in g.activities {
                a.id = baton_model::ActivityId(next_activity);
                next_activity += 1;
                activities.push(a);
            }
        }
        let mut bulk = store.bulk(None).await?;
        bulk.deals(&deals).await?;
        bulk.history(&history).await?;
        bulk.activities(&activities).await?;
        bulk.commit().await.context("loading deals")?;
        report("deals", end, scale.deals, &mut last_report);
    }
    let mut bulk = store.bulk(None).await?;
    bulk.quotas(&generator.quotas()).await?;
    bulk.commit().await?;
    store.finish_bulk_load().await?;
    Ok(())
}
