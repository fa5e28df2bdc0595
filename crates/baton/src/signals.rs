//! `baton signals --as-of DATE` and `baton forecast --as-of DATE`: the signals engine run over
//! the whole organisation as of a past (or the present) instant, one JSON object a line. With
//! `--weeks N` it repeats every seven days from that date, reading the database once — the
//! backtest in `bench/signals.sh` runs this way. `baton signals --refresh` keeps what the
//! engine says instead, as the server does on its schedule (`--deal ID` judges those deals
//! again alone), and prints how long it took.

use crate::cli::Cli;
use anyhow::Context;
use baton_signals::{Timeline, evaluate};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use clap::Args;
use serde_json::json;
use std::io::{BufWriter, Write};

#[derive(Args)]
pub struct AsOfArgs {
    /// The date to look from (the start of that day in the organisation's time zone), or an
    /// RFC 3339 instant; default: now.
    #[arg(long)]
    as_of: Option<String>,
    /// Repeat every seven days from `--as-of`, this many times in all.
    #[arg(long, default_value_t = 1)]
    weeks: u32,
}

#[derive(Args)]
pub struct SignalsArgs {
    #[command(flatten)]
    as_of: AsOfArgs,
    /// Keep the findings, win probabilities and forecast as of now instead of printing the
    /// findings (what `baton serve` does on its schedule); prints a summary with the time
    /// taken.
    #[arg(long, conflicts_with_all = ["as_of", "weeks"])]
    refresh: bool,
    /// With `--refresh`: judge only this deal again, alone, with what the last refresh
    /// learned (as the server does when a deal changes); repeatable, one summary each.
    #[arg(long, requires = "refresh")]
    deal: Vec<i64>,
}

/// Runs `baton signals`.
pub async fn signals(cli: &Cli, args: &SignalsArgs) -> anyhow::Result<()> {
    if !args.refresh {
        return run(cli, &args.as_of, Output::Findings).await;
    }
    let store = cli.open().await?;
    let mut out = std::io::stdout().lock();
    if args.deal.is_empty() {
        let started = std::time::Instant::now();
        let done = store.refresh_signals().await?;
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        writeln!(out, "{}", json!({"refreshed": done, "ms": ms}))?;
    }
    for &deal in &args.deal {
        let started = std::time::Instant::now();
        let done = store
            .refresh_deal_signals(baton_model::DealId(deal))
            .await?
            .context("no refresh has run yet: run `baton signals --refresh` first")?;
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        writeln!(
            out,
            "{}",
            json!({"deal": deal, "refreshed": done, "ms": ms})
        )?;
    }
    Ok(())
}

/// What to print.
#[derive(Clone, Copy)]
pub enum Output {
    Findings,
    Forecast,
}

/// Runs `baton signals` or `baton forecast`.
pub async fn run(cli: &Cli, args: &AsOfArgs, output: Output) -> anyhow::Result<()> {
    let store = cli.open().await?;
    let input = store.signal_input().await?;
    let first = match &args.as_of {
        None => baton_store::now(),
        Some(text) => parse_as_of(text, &input)?,
    };
    let timeline = Timeline::new(input);
    let mut out = BufWriter::new(std::io::stdout().lock());
    for week in 0..args.weeks {
        let at = first + Duration::days(7 * i64::from(week));
        let report = evaluate(&timeline, at);
        match output {
            Output::Findings => {
                for finding in &report.findings {
                    serde_json::to_writer(&mut out, finding)?;
                    writeln!(out)?;
                }
            }
            Output::Forecast => forecast_lines(&mut out, &timeline, &report)?,
        }
    }
    out.flush()?;
    Ok(())
}

fn forecast_lines(
    out: &mut impl Write,
    timeline: &Timeline,
    report: &baton_signals::Report,
) -> anyhow::Result<()> {
    for p in &report.probabilities {
        let Some(deal) = timeline.deal(p.deal) else {
            continue;
        };
        let now = timeline.deal_at(deal, report.as_of);
        let line = json!({
            "type": "deal",
            "as_of": report.as_of,
            "deal": { "id": deal.id, "name": deal.name, "source_id": deal.source_id },
            "owner": now.as_ref().map(|d| d.owner),
            "stage": now.as_ref().map(|d| d.stage.name.clone()),
            "stage_probability": now.as_ref().map(|d| d.stage.probability),
            "amount_minor": now.as_ref().and_then(|d| timeline.converted(d, report.as_of)),
            "close_date": now.as_ref().and_then(|d| d.close_date),
            "probability": (p.probability * 10_000.0).round() / 10_000.0,
            "method": p.method,
            "factors": p.factors,
        });
        serde_json::to_writer(&mut *out, &line)?;
        writeln!(out)?;
    }
    for row in &report.forecast.rows {
        let mut line = serde_json::to_value(row)?;
        line["type"] = json!("forecast");
        line["as_of"] = json!(report.as_of);
        line["in_quarter_rate"] = json!(report.forecast.in_quarter_rate);
        serde_json::to_writer(&mut *out, &line)?;
        writeln!(out)?;
    }
    Ok(())
}

fn parse_as_of(text: &str, input: &baton_signals::Input) -> anyhow::Result<DateTime<Utc>> {
    if let Ok(date) = text.parse::<NaiveDate>() {
        return Ok(input.instant(date));
    }
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .with_context(|| {
            format!("--as-of {text:?}: expected a date like 2026-06-30 or an RFC 3339 instant")
        })
}
