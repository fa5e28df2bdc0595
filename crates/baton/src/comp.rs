//! `baton comp …`: commission plans from the command line, with no database: check a plan file,
//! and simulate a plan on a spreadsheet of credited deals (see `docs/comp-simulate.md`).

use anyhow::{Context, bail};
use baton_comp::credit::allocate;
use baton_comp::rates::{ExchangeRates, Rate};
use baton_comp::statement::{RepPeriod, Statement, compute, compute_with_rates};
use baton_comp::{CompError, Credit, CreditKind, Plan};
use baton_model::records::CompStatement;
use baton_model::{Currency, DealId, Money, Percent, Period, Role, UserId, readable_money};
use baton_store::{Actor, ListQuery, Store};
use chrono::NaiveDate;
use clap::Subcommand;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Subcommand)]
pub enum CompCommand {
    /// Commission plan files.
    #[command(subcommand)]
    Plan(PlanCommand),
    /// Compute every statement of a period and append what changed to the ledger.
    Run {
        /// The period: 2026-07, 2026-Q3 or FY2026.
        #[arg(long, env = "BATON_PERIOD")]
        period: String,
        /// Who runs it (finance or admin); the first admin by default.
        #[arg(long = "as", env = "BATON_AS")]
        as_email: Option<String>,
    },
    /// Print one person's statement for a period, every line with its explanation.
    Explain {
        /// The person's email.
        #[arg(long, env = "BATON_EMAIL")]
        email: String,
        /// The period: 2026-07, 2026-Q3 or FY2026.
        #[arg(long, env = "BATON_PERIOD")]
        period: String,
    },
    /// Apply a plan to a CSV of credited deals and print each rep's statement, every line with
    /// its explanation, as JSON. Needs no database.
    Simulate {
        /// The plan file (TOML).
        #[arg(long, env = "BATON_PLAN")]
        plan: PathBuf,
        /// The credited deals: one row per rep's credit (columns in docs/comp-simulate.md).
        #[arg(long, env = "BATON_CREDITS")]
        credits: PathBuf,
        /// The period: 2026-07, 2026-Q3 or FY2026, as the plan's quota period.
        #[arg(long, env = "BATON_PERIOD")]
        period: String,
        /// Each rep's quota for the period, unless the file has a `quota` column.
        #[arg(long, env = "BATON_QUOTA")]
        quota: Option<String>,
        /// Exchange rates for deals in other currencies: a CSV with `from`, `to`, `date` and
        /// `rate` columns; a credit converts at the latest rate on or before its date.
        #[arg(long, env = "BATON_RATES")]
        rates: Option<PathBuf>,
        /// The month the fiscal year starts in (1–12).
        #[arg(long, env = "BATON_FISCAL_START_MONTH", default_value_t = 1)]
        fiscal_start_month: u32,
    },
}

#[derive(Subcommand)]
pub enum PlanCommand {
    /// Check plan files: each problem with its line, column and field; exits 1 if any has one.
    Check {
        /// Plan files (TOML).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

pub async fn run(cli: &crate::cli::Cli, command: &CompCommand) -> anyhow::Result<()> {
    match command {
        CompCommand::Run { period, as_email } => {
            let store = cli.open().await?;
            let actor = operator(&store, as_email.as_deref()).await?;
            let run = store.run_commissions(&actor, period).await?;
            println!(
                "{}: {} statements computed, {} ledger entries appended (run {})",
                run.period, run.statements, run.entries, run.id
            );
            Ok(())
        }
        CompCommand::Explain { email, period } => {
            let store = cli.open().await?;
            let actor = operator(&store, None).await?;
            let Some(user) = store.user_by_email(email).await? else {
                bail!("there is no user with email {email}");
            };
            let statement = store
                .comp_statement(&actor, user.id, period)
                .await
                .map_err(|e| match e {
                    baton_store::StoreError::NotFound => {
                        anyhow::anyhow!("{email} is on no commission plan in {period}")
                    }
                    other => other.into(),
                })?;
            print!("{}", explain(&statement));
            Ok(())
        }
        CompCommand::Plan(PlanCommand::Check { files }) => check(files),
        CompCommand::Simulate {
            plan,
            credits,
            period,
            quota,
            rates,
            fiscal_start_month,
        } => {
            let plan = load_plan(plan)?;
            let period = Period::parse(period, *fiscal_start_month).context("--period")?;
            let quota = quota
                .as_deref()
                .map(|q| Money::parse_major(q, plan.currency))
                .transpose()
                .map_err(|e| anyhow::anyhow!("--quota: {e}"))?;
            let sheet = read_credits(credits, &plan)?;
            let rates = rates.as_deref().map(read_rates).transpose()?;
            let statements = simulate(&plan, period, quota, rates.as_ref(), &sheet)?;
            println!("{}", serde_json::to_string_pretty(&statements)?);
            Ok(())
        }
    }
}

/// Who a command runs as: the finance or admin user named, or the first active admin.
pub(crate) async fn operator(store: &Store, email: Option<&str>) -> anyhow::Result<Actor> {
    let user = if let Some(email) = email {
        store
            .user_by_email(email)
            .await?
            .with_context(|| format!("there is no user with email {email}"))?
    } else {
        let everyone = Actor {
            user_id: UserId(0),
            role: Role::Admin,
        };
        let admins = ListQuery::from_pairs([
            ("role".to_owned(), "admin".to_owned()),
            ("active".to_owned(), "true".to_owned()),
            ("sort".to_owned(), "id".to_owned()),
            ("limit".to_owned(), "1".to_owned()),
        ])
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        store
            .list_users(&everyone, &admins)
            .await?
            .items
            .into_iter()
            .next()
            .context("there is no active admin; add one with `baton user add`")?
    };
    Ok(Actor {
        user_id: user.id,
        role: user.role,
    })
}

/// A statement as text: the totals, then each line with its explanation.
fn explain(s: &CompStatement) -> String {
    let money = |minor| readable_money(minor, s.currency);
    let mut out = format!(
        "{} · {} · plan {} v{} · period {}\nquota {} · credited {} · attainment {} · earned {} · booked {}\n",
        s.user_name,
        s.period,
        s.plan_id,
        s.plan_version,
        s.status.as_str(),
        money(s.quota_minor),
        money(s.credited_minor),
        s.attainment_pct
            .as_ref()
            .map_or_else(|| "–".to_owned(), |a| format!("{a} %")),
        money(s.total_minor),
        money(s.booked_minor),
    );
    for line in &s.lines {
        let _ = write!(
            out,
            "\n{} {} {} {}\n  {}\n",
            line.date.map(|d| d.to_string()).unwrap_or_default(),
            line.key,
            money(line.amount_minor),
            line.deal_name.as_deref().unwrap_or(""),
            line.explain
        );
    }
    out
}

fn check(files: &[PathBuf]) -> anyhow::Result<()> {
    let mut failed = 0;
    for file in files {
        let source =
            std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        match Plan::from_toml(&source) {
            Ok(plan) => println!(
                "{}: plan {} version {} ({}), paid in {}, quota per {}, {} component{}: ok",
                file.display(),
                plan.id,
                plan.version,
                plan.name,
                plan.currency,
                plan.quota_period,
                plan.components.len(),
                if plan.components.len() == 1 { "" } else { "s" }
            ),
            Err(errors) => {
                failed += 1;
                for error in &errors.0 {
                    eprintln!("{}: {error}", file.display());
                }
            }
        }
    }
    if failed > 0 {
        bail!("{failed} of {} plan files have problems", files.len());
    }
    Ok(())
}

fn load_plan(file: &Path) -> anyhow::Result<Plan> {
    let source =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    Plan::from_toml(&source).map_err(|errors| {
        let lines: Vec<String> = errors
            .0
            .iter()
            .map(|e| format!("{}: {e}", file.display()))
            .collect();
        anyhow::anyhow!("the plan has problems:\n{}", lines.join("\n"))
    })
}

/// The credits of a sheet, with the names its rows use for reps and deals.
struct Sheet {
    /// Rep names (as written in the file) by the id given them here.
    reps: Vec<String>,
    /// Deal ids as written in the file, by the id given them here.
    deals: Vec<String>,
    /// Each rep's credits, in file order.
    credits: BTreeMap<UserId, Vec<Credit>>,
    /// Each rep's quota from a `quota` column.
    quotas: HashMap<UserId, Money>,
}

/// Columns the sheet reads itself; every other column is a deal attribute for plan conditions.
const KNOWN: [&str; 9] = [
    "rep",
    "deal",
    "amount",
    "currency",
    "credit_date",
    "split",
    "kind",
    "payment_date",
    "quota",
];

fn read_credits(file: &Path, plan: &Plan) -> anyhow::Result<Sheet> {
    let name = file.display().to_string();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_path(file)
        .with_context(|| format!("reading {name}"))?;
    let headers: Vec<String> = reader
        .headers()
        .with_context(|| format!("{name}: reading the header row"))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_ascii_lowercase())
        .collect();
    for required in ["rep", "deal", "amount", "credit_date"] {
        if !headers.iter().any(|h| h == required) {
            bail!("{name}: the header row has no `{required}` column");
        }
    }
    let mut sheet = Sheet {
        reps: Vec::new(),
        deals: Vec::new(),
        credits: BTreeMap::new(),
        quotas: HashMap::new(),
    };
    let mut rep_ids: HashMap<String, UserId> = HashMap::new();
    let mut deal_ids: HashMap<String, DealId> = HashMap::new();
    for record in reader.records() {
        let record = record.with_context(|| format!("{name}: reading a row"))?;
        let line = record.position().map_or(0, csv::Position::line);
        let at = |column: &str, message: String| {
            anyhow::anyhow!("{name} line {line}: {column}: {message}")
        };
        let cell = |column: &str| {
            headers
                .iter()
                .position(|h| h == column)
                .and_then(|i| record.get(i))
                .filter(|v| !v.is_empty())
        };
        let required = |column: &str| cell(column).ok_or_else(|| at(column, "is empty".into()));
        let rep = intern(required("rep")?, &mut rep_ids, &mut sheet.reps, |n| {
            UserId(n)
        });
        let deal = intern(required("deal")?, &mut deal_ids, &mut sheet.deals, |n| {
            DealId(n)
        });
        let currency: Currency = match cell("currency") {
            Some(code) => code
                .parse()
                .map_err(|_| at("currency", format!("{code:?} is not an ISO 4217 currency")))?,
            None => plan.currency,
        };
        let amount = Money::parse_major(required("amount")?, currency)
            .map_err(|e| at("amount", e.to_string()))?;
        let date = |column: &str| {
            cell(column)
                .map(|d| {
                    NaiveDate::parse_from_str(d, "%Y-%m-%d")
                        .map_err(|_| at(column, format!("{d:?} is not a date (YYYY-MM-DD)")))
                })
                .transpose()
        };
        let close_date =
            date("credit_date")?.ok_or_else(|| at("credit_date", "is empty".into()))?;
        let share = match cell("split") {
            Some(split) => percent(split).map_err(|m| at("split", m))?,
            None => Percent::HUNDRED,
        };
        let kind = match cell("kind").map(str::to_ascii_lowercase).as_deref() {
            None | Some("revenue") => CreditKind::Revenue,
            Some("overlay") => CreditKind::Overlay,
            Some("roll_up" | "rollup") => CreditKind::RollUp,
            Some(other) => {
                return Err(at(
                    "kind",
                    format!("{other:?} is not revenue, overlay or roll_up"),
                ));
            }
        };
        if let Some(quota) = cell("quota") {
            let quota =
                Money::parse_major(quota, plan.currency).map_err(|e| at("quota", e.to_string()))?;
            if let Some(earlier) = sheet.quotas.insert(rep, quota)
                && earlier != quota
            {
                return Err(at(
                    "quota",
                    format!("differs from this rep's quota on an earlier row ({earlier})"),
                ));
            }
        }
        let attributes: BTreeMap<String, String> = headers
            .iter()
            .zip(record.iter())
            .filter(|(h, v)| !KNOWN.contains(&h.as_str()) && !v.is_empty())
            .map(|(h, v)| (h.clone(), v.to_owned()))
            .collect();
        let credited = allocate(
            amount.minor,
            &[
                share.basis_points(),
                Percent::HUNDRED.basis_points() - share.basis_points(),
            ],
        )[0];
        sheet.credits.entry(rep).or_default().push(Credit {
            deal,
            rep,
            kind,
            share,
            deal_amount: amount,
            amount: Money {
                minor: credited,
                currency,
            },
            close_date,
            payment_date: date("payment_date")?,
            attributes: (!attributes.is_empty()).then(|| Arc::new(attributes)),
        });
    }
    Ok(sheet)
}

/// The id of `name` among those seen so far (numbered from 1 in order of appearance).
fn intern<Id: Copy>(
    name: &str,
    ids: &mut HashMap<String, Id>,
    names: &mut Vec<String>,
    make: impl Fn(i64) -> Id,
) -> Id {
    *ids.entry(name.to_owned()).or_insert_with(|| {
        names.push(name.to_owned());
        make(i64::try_from(names.len()).unwrap_or(i64::MAX))
    })
}

/// `50`, `50%` or `33.33` as a share from 0 to 100 %, to the basis point.
fn percent(text: &str) -> Result<Percent, String> {
    let number: Decimal = text
        .trim_end_matches('%')
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a percentage"))?;
    let basis_points = number * Decimal::ONE_HUNDRED;
    if !basis_points.fract().is_zero() {
        return Err(format!("{text:?} has more than two decimals"));
    }
    i64::try_from(basis_points)
        .ok()
        .and_then(|bp| Percent::from_basis_points(bp).ok())
        .ok_or_else(|| format!("{text:?} is not from 0 to 100"))
}

/// Exchange rates from a CSV with `from`, `to`, `date` and `rate` columns.
fn read_rates(file: &Path) -> anyhow::Result<ExchangeRates> {
    let name = file.display().to_string();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(file)
        .with_context(|| format!("reading {name}"))?;
    let headers: Vec<String> = reader
        .headers()
        .with_context(|| format!("{name}: reading the header row"))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_ascii_lowercase())
        .collect();
    let column = |wanted: &str| {
        headers
            .iter()
            .position(|h| h == wanted)
            .with_context(|| format!("{name}: the header row has no `{wanted}` column"))
    };
    let (from, to, date, rate) = (
        column("from")?,
        column("to")?,
        column("date")?,
        column("rate")?,
    );
    let mut rates = ExchangeRates::default();
    for record in reader.records() {
        let record = record.with_context(|| format!("{name}: reading a row"))?;
        let line = record.position().map_or(0, csv::Position::line);
        let cell = |i: usize| record.get(i).unwrap_or_default();
        Rate::parse(cell(from), cell(to), cell(date), cell(rate))
            .and_then(|r| rates.insert(r))
            .map_err(|e| anyhow::anyhow!("{name} line {line}: {e}"))?;
    }
    Ok(rates)
}

fn simulate(
    plan: &Plan,
    period: Period,
    quota: Option<Money>,
    rates: Option<&ExchangeRates>,
    sheet: &Sheet,
) -> anyhow::Result<Vec<Value>> {
    let name = |id: UserId| {
        usize::try_from(id.0 - 1)
            .ok()
            .and_then(|i| sheet.reps.get(i))
            .cloned()
            .unwrap_or_default()
    };
    let mut statements = Vec::new();
    for (rep, credits) in &sheet.credits {
        let quota = sheet.quotas.get(rep).copied().or(quota).unwrap_or(Money {
            minor: 0,
            currency: plan.currency,
        });
        let input = RepPeriod {
            rep: *rep,
            period,
            quota,
            active: None,
            credits,
            clawbacks: &[],
            draw_owed: 0,
        };
        let statement = match rates {
            Some(rates) => compute_with_rates(plan, &input, rates),
            None => compute(plan, &input),
        }
        .map_err(|e| match e {
            CompError::NoQuota { .. } => anyhow::anyhow!(
                "{} has no quota for {period}, and plan {} pays on attainment: give --quota or \
                 a `quota` column",
                name(*rep),
                plan.id
            ),
            other => anyhow::anyhow!(
                "{}'s statement: {}{}",
                name(*rep),
                relabel_deals(&other.to_string(), &sheet.deals),
                if matches!(other, CompError::CurrencyMismatch { .. }) {
                    "; give exchange rates with --rates"
                } else {
                    ""
                }
            ),
        })?;
        statements.push(to_json(&statement, &name(*rep), &sheet.deals));
    }
    Ok(statements)
}

/// A statement as the simulation prints it: amounts as decimal strings in the plan currency.
fn to_json(statement: &Statement, rep: &str, deals: &[String]) -> Value {
    let currency = statement.currency;
    let money = |minor: i64| Money { minor, currency }.to_major_string();
    json!({
        "rep": rep,
        "period": statement.period.to_string(),
        "plan": statement.plan_id,
        "plan_version": statement.plan_version,
        "currency": currency.to_string(),
        "quota": statement.quota.to_string(),
        "credited": statement.credited.to_string(),
        "attainment_pct": statement.attainment.map(|a| a.round_dp(2).to_string()),
        "total": money(statement.total),
        "lines": statement.lines.iter().map(|line| json!({
            "component": line.component_id(),
            "kind": line.kind.name(),
            "deal": line.deal().map(|d| deal_name(d, deals)),
            "date": line.date,
            "amount": money(line.amount),
            "explain": relabel_deals(&line.explain(), deals),
        })).collect::<Vec<_>>(),
    })
}

fn deal_name(id: DealId, deals: &[String]) -> String {
    usize::try_from(id.0 - 1)
        .ok()
        .and_then(|i| deals.get(i))
        .cloned()
        .unwrap_or_else(|| id.to_string())
}

/// The engine names deals by number ("deal 3"); the sheet's own ids read better ("deal
/// D-1042").
fn relabel_deals(text: &str, deals: &[String]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("deal ") {
        let (before, after) = rest.split_at(at + "deal ".len());
        out.push_str(before);
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        match after[..digits].parse::<i64>() {
            Ok(n) if digits > 0 => out.push_str(&deal_name(DealId(n), deals)),
            _ => out.push_str(&after[..digits]),
        }
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_are_exact_to_the_basis_point() {
        assert_eq!(percent("50").unwrap().basis_points(), 5_000);
        assert_eq!(percent("33.33%").unwrap().basis_points(), 3_333);
        assert!(
            percent("33.333")
                .unwrap_err()
                .contains("more than two decimals")
        );
        assert!(percent("120").unwrap_err().contains("from 0 to 100"));
        assert!(percent("half").is_err());
    }

    #[test]
    fn deal_numbers_read_as_the_sheets_ids() {
        let deals = vec!["D-1042".to_owned(), "006Ab".to_owned()];
        assert_eq!(
            relabel_deals("deal 2: $1 credit; deal 1 reached tier", &deals),
            "deal 006Ab: $1 credit; deal D-1042 reached tier"
        );
        assert_eq!(relabel_deals("no deals here", &deals), "no deals here");
    }
}
