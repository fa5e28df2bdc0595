//! The quarterly review as tables: the sheets of its XLSX download (one per table, with the
//! charts' data), each also a CSV, and the tables its page shows.

use super::list::{Cell, ListExportError, Table, csv_bytes, xlsx_bytes};
use super::record::major;
use baton_model::Currency;
use baton_reports::{Number, QuarterlyReport};

/// One table of the review.
pub(crate) struct Sheet {
    /// Its name in a CSV download's `table=`.
    pub key: &'static str,
    pub title: &'static str,
    pub table: Table,
}

fn money(minor: i64, currency: Currency) -> Cell {
    Cell::Money(major(minor, currency))
}

fn opt_money(minor: Option<i64>, currency: Currency) -> Cell {
    minor.map_or(Cell::Empty, |m| money(m, currency))
}

fn number(value: Option<f64>) -> Cell {
    value.map_or(Cell::Empty, Cell::Number)
}

fn metric(unit: &str, value: Option<Number>, currency: Currency) -> Cell {
    match (unit, value) {
        (_, None) => Cell::Empty,
        ("money" | "money_per_day", Some(Number::Whole(m))) => money(m, currency),
        (_, Some(Number::Whole(n))) => Cell::Int(n),
        (_, Some(Number::Ratio(r))) => Cell::Number(r),
    }
}

/// Every table of the review, in the order of the page.
pub(crate) fn quarterly_tables(r: &QuarterlyReport) -> Vec<Sheet> {
    let c = r.currency;
    let summary = Table {
        headers: &[
            "Metric",
            "Unit",
            "This quarter",
            "Previous quarter",
            "Change",
            "Change %",
            "Same quarter last year",
            "Change",
            "Change %",
        ],
        rows: r
            .metrics
            .iter()
            .map(|m| {
                vec![
                    Cell::Text(m.label.into()),
                    Cell::Text(m.unit.into()),
                    metric(m.unit, m.current, c),
                    metric(m.unit, m.previous, c),
                    metric(m.unit, m.change_previous.difference, c),
                    number(m.change_previous.percent),
                    metric(m.unit, m.year_ago, c),
                    metric(m.unit, m.change_year_ago.difference, c),
                    number(m.change_year_ago.percent),
                ]
            })
            .collect(),
    };
    let reps = Table {
        headers: &[
            "Rep",
            "Team",
            "Quota",
            "Closed won",
            "Attainment %",
            "Won",
            "Lost",
            "Win rate %",
            "Average deal",
            "Pipeline at start",
            "Weighted pipeline",
            "Slipped",
            "Calls",
            "Emails sent",
            "Emails received",
            "Meetings",
            "Median response (min)",
            "Unanswered",
        ],
        rows: r
            .reps
            .iter()
            .map(|p| {
                vec![
                    Cell::Text(p.name.clone()),
                    Cell::text(p.team.as_ref()),
                    opt_money(p.quota_minor, c),
                    money(p.won_minor, c),
                    number(p.attainment),
                    Cell::Int(p.won),
                    Cell::Int(p.lost),
                    number(p.win_rate),
                    opt_money(p.average_deal_minor, c),
                    money(p.pipeline_minor, c),
                    money(p.weighted_pipeline_minor, c),
                    Cell::Int(p.slipped),
                    Cell::Int(p.calls),
                    Cell::Int(p.emails_sent),
                    Cell::Int(p.emails_received),
                    Cell::Int(p.meetings),
                    number(p.median_response_minutes),
                    Cell::Int(p.unanswered),
                ]
            })
            .collect(),
    };
    let weeks = Table {
        headers: &[
            "Week",
            "Starts",
            "Closed won",
            "Cumulative",
            "Previous quarter, cumulative",
            "Same quarter last year, cumulative",
        ],
        rows: r
            .weeks
            .iter()
            .map(|w| {
                vec![
                    Cell::Int(i64::from(w.week)),
                    Cell::Date(w.starts),
                    money(w.won_minor, c),
                    money(w.cumulative_minor, c),
                    money(w.previous_cumulative_minor, c),
                    money(w.year_ago_cumulative_minor, c),
                ]
            })
            .collect(),
    };
    let stages = Table {
        headers: &[
            "Pipeline",
            "Stage",
            "Entered",
            "Moved on",
            "Conversion %",
            "Mean days in stage",
            "Median days in stage",
            "Stints ended",
            "Still in stage at the end",
        ],
        rows: r
            .stages
            .iter()
            .map(|s| {
                vec![
                    Cell::Text(s.pipeline.clone()),
                    Cell::Text(s.stage.clone()),
                    Cell::Int(s.entered),
                    Cell::Int(s.converted),
                    number(s.conversion),
                    number(s.mean_days),
                    number(s.median_days),
                    Cell::Int(s.stints_ended),
                    Cell::Int(s.open),
                ]
            })
            .collect(),
    };
    let mut bands: Vec<Vec<Cell>> = r
        .attainment_bands
        .iter()
        .map(|b| vec![Cell::Text(format!("{} %", b.band)), Cell::Int(b.people)])
        .collect();
    bands.push(vec![
        Cell::Text("No quota".into()),
        Cell::Int(r.without_quota),
    ]);
    let attainment = Table {
        headers: &["Attainment", "People"],
        rows: bands,
    };
    let won_by = Table {
        headers: &["By", "Key", "Won", "Closed won"],
        rows: [
            ("Team", &r.won_by_team),
            ("Month", &r.won_by_month),
            ("Source", &r.won_by_source),
            ("Industry", &r.won_by_industry),
        ]
        .into_iter()
        .flat_map(|(by, rows)| {
            rows.iter().map(move |k| {
                vec![
                    Cell::Text(by.into()),
                    Cell::Text(k.key.clone()),
                    Cell::Int(k.won),
                    money(k.won_minor, c),
                ]
            })
        })
        .collect(),
    };
    let slipped = Table {
        headers: &[
            "Deal",
            "Owner",
            "Amount",
            "Close date in the quarter",
            "Close date now",
        ],
        rows: r
            .slipped
            .iter()
            .map(|s| {
                vec![
                    Cell::Text(s.name.clone()),
                    Cell::Text(s.owner.clone()),
                    opt_money(s.amount_minor, c),
                    Cell::Date(s.from),
                    Cell::Date(s.to),
                ]
            })
            .collect(),
    };
    [
        ("summary", "Metrics", summary),
        ("reps", "By rep", reps),
        ("weeks", "Closed won by week", weeks),
        ("stages", "Stages", stages),
        ("attainment", "Attainment", attainment),
        (
            "won_by",
            "Closed won by team, month, source and industry",
            won_by,
        ),
        ("slipped", "Slipped deals", slipped),
    ]
    .into_iter()
    .map(|(key, title, table)| Sheet { key, title, table })
    .collect()
}

/// The review as a workbook, one sheet per table.
pub(crate) fn xlsx(r: &QuarterlyReport) -> Result<Vec<u8>, ListExportError> {
    let sheets = quarterly_tables(r);
    let named: Vec<(&str, &Table)> = sheets.iter().map(|s| (s.key, &s.table)).collect();
    xlsx_bytes(&named)
}

/// One table of the review as CSV, or `None` when the review has no table `key`.
pub(crate) fn csv(r: &QuarterlyReport, key: &str) -> Result<Option<Vec<u8>>, ListExportError> {
    quarterly_tables(r)
        .iter()
        .find(|s| s.key == key)
        .map(|s| csv_bytes(&s.table))
        .transpose()
}
