//! A console result as the SQL page shows it: the table, its row count, whether it was cut
//! and how long it took, with the chart builder's choices; or the console's reason for no
//! result. The same fragment is the whole page's result section and htmx's answer to a run.

use super::super::format::count;
use super::super::forms::Submitted;
use askama::Template;
use askama_web::WebTemplate;
use baton_store::SqlTable;
use baton_store::sql_console::{ChartKind, SavedChart};
use serde_json::Value;

#[derive(Template, WebTemplate, Default)]
#[template(path = "sql/result.html")]
pub struct ResultView {
    /// Why there is no result: the console's refusal or the database's error.
    error: Option<String>,
    table: Option<TableView>,
    chart: ChartChoice,
}

/// The rows of a result, ready to show.
pub struct TableView {
    columns: Vec<String>,
    rows: Vec<Vec<Cell>>,
    truncated: bool,
    /// The console's row cap, at which `truncated` results were cut.
    cap: usize,
    elapsed_ms: u64,
}

/// One value: its text, and `num` (right-aligned, read as a number by the chart builder) or
/// `null` as its class.
pub struct Cell {
    pub(crate) text: String,
    pub(crate) class: &'static str,
}

impl ResultView {
    /// A result to show, with the chart choices that still name its columns.
    pub fn table(table: SqlTable, cap: usize, chart: ChartChoice) -> ResultView {
        let chart = chart.within(&table.columns);
        ResultView {
            error: None,
            table: Some(TableView {
                rows: table
                    .rows
                    .iter()
                    .map(|row| row.iter().map(Cell::of).collect())
                    .collect(),
                columns: table.columns,
                truncated: table.truncated,
                cap,
                elapsed_ms: table.elapsed_ms,
            }),
            chart,
        }
    }

    /// No result, for this reason.
    pub fn refusal(message: String) -> ResultView {
        ResultView {
            error: Some(message),
            ..ResultView::default()
        }
    }

    /// Whether the query was refused or failed.
    pub fn refused(&self) -> bool {
        self.error.is_some()
    }
}

impl TableView {
    /// "1 row", "2,345 rows".
    fn count(&self) -> String {
        let n = self.rows.len();
        format!("{} {}", count(n), if n == 1 { "row" } else { "rows" })
    }

    /// The row cap, "10,000".
    fn cap(&self) -> String {
        count(self.cap)
    }
}

impl Cell {
    /// A console value as a table cell.
    pub(crate) fn of(value: &Value) -> Cell {
        match value {
            Value::Null => Cell {
                text: "NULL".into(),
                class: "null",
            },
            Value::Number(n) => Cell {
                text: n.to_string(),
                class: "num",
            },
            Value::String(s) => Cell {
                text: s.clone(),
                class: "",
            },
            other => Cell {
                text: other.to_string(),
                class: "",
            },
        }
    }
}

/// The chart builder's choices: the kind, the x column, the y columns and the series column
/// (blank: none). Names only; [`ChartChoice::within`] drops those a result does not have.
#[derive(Default, Clone)]
pub struct ChartChoice {
    kind: String,
    x: String,
    y: Vec<String>,
    series: String,
}

impl From<&SavedChart> for ChartChoice {
    fn from(chart: &SavedChart) -> Self {
        ChartChoice {
            kind: chart.kind().as_str().to_owned(),
            x: chart.x().to_owned(),
            y: chart.y().to_vec(),
            series: chart.series().unwrap_or_default().to_owned(),
        }
    }
}

impl ChartChoice {
    /// The choices as the form sent them (`chart_kind`, `chart_x`, `chart_y` repeated,
    /// `chart_series`).
    pub fn from_form(form: &Submitted) -> ChartChoice {
        ChartChoice {
            kind: form.get("chart_kind"),
            x: form.get("chart_x"),
            y: form
                .all("chart_y")
                .filter(|y| !y.is_empty())
                .map(str::to_owned)
                .collect(),
            series: form.get("chart_series"),
        }
    }

    /// The chart to keep with a saved query, when both axes are chosen.
    pub fn to_saved(&self) -> Option<SavedChart> {
        let kind = ChartKind::parse(&self.kind).unwrap_or(ChartKind::Bar);
        SavedChart::parse(kind, &self.x, &self.y, Some(&self.series)).ok()
    }

    /// The same choices without the columns `columns` lacks.
    fn within(self, columns: &[String]) -> ChartChoice {
        let has = |c: &String| columns.contains(c);
        ChartChoice {
            x: if has(&self.x) { self.x } else { String::new() },
            y: self.y.into_iter().filter(has).collect(),
            series: if has(&self.series) {
                self.series
            } else {
                String::new()
            },
            kind: self.kind,
        }
    }

    /// The kinds to pick from, as (value, label, selected).
    fn kinds(&self) -> Vec<(&'static str, &'static str, bool)> {
        let chosen = ChartKind::parse(&self.kind).unwrap_or(ChartKind::Bar);
        ChartKind::ALL
            .into_iter()
            .map(|k| {
                let label = match k {
                    ChartKind::Bar => "Bars",
                    ChartKind::Line => "Lines",
                };
                (k.as_str(), label, k == chosen)
            })
            .collect()
    }

    fn is_x(&self, column: &str) -> bool {
        self.x == column
    }

    fn is_y(&self, column: &str) -> bool {
        self.y.iter().any(|y| y == column)
    }

    fn is_series(&self, column: &str) -> bool {
        self.series == column
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn chart_choices_naming_columns_the_result_lacks_are_dropped() {
        let form = Submitted::parse(
            b"chart_kind=line&chart_x=month&chart_y=won&chart_y=gone&chart_series=team",
        );
        let choice = ChartChoice::from_form(&form).within(&["month".into(), "won".into()]);
        assert_eq!(
            (
                choice.x.as_str(),
                choice.y.as_slice(),
                choice.series.as_str()
            ),
            ("month", &["won".to_owned()][..], "")
        );
        let saved = choice.to_saved().expect("a chart with both axes");
        assert_eq!(saved.kind(), ChartKind::Line);
        assert!(
            ChartChoice::default().to_saved().is_none(),
            "no axes, no chart"
        );
    }

    #[test]
    fn a_result_counts_its_rows_and_marks_numbers_and_nulls() {
        let table = SqlTable {
            columns: vec!["name".into(), "n".into()],
            rows: (0..1234).map(|_| vec![json!("a"), Value::Null]).collect(),
            truncated: false,
            elapsed_ms: 3,
        };
        let view = ResultView::table(table, 10_000, ChartChoice::default());
        let table = view.table.expect("a table");
        assert_eq!(table.count(), "1,234 rows");
        assert_eq!(table.cap(), "10,000");
        assert_eq!(table.rows[0][1].class, "null");
        assert_eq!(Cell::of(&json!(-2.5)).class, "num");
    }
}
