//! The chart kept with a saved query: which result columns the console's chart builder draws,
//! and how. Only names are kept; the columns are looked up again in each new result, so a
//! chart whose columns a changed query no longer returns is simply not drawn.

use baton_model::FieldErrors;
use serde::{Deserialize, Serialize};

/// The longest column name a chart may name, in characters.
pub const MAX_COLUMN_CHARS: usize = 200;
/// The most value columns one chart draws.
pub const MAX_Y_COLUMNS: usize = 8;

/// How a chart draws its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChartKind {
    /// Grouped bars, one group per x value.
    Bar,
    /// A line per series.
    Line,
}

impl ChartKind {
    /// Every kind, in the order a picker lists them.
    pub const ALL: [ChartKind; 2] = [ChartKind::Bar, ChartKind::Line];

    /// `bar` or `line`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChartKind::Bar => "bar",
            ChartKind::Line => "line",
        }
    }

    /// Parses `bar` or `line`.
    pub fn parse(text: &str) -> Option<ChartKind> {
        ChartKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// A chart of a query's result: the x column (the labels), one or more y columns (the values)
/// and an optional series column whose distinct values each become a series of their own (a
/// pivot). Built only through [`SavedChart::parse`], so a kept chart always names columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawChart")]
pub struct SavedChart {
    kind: ChartKind,
    x: String,
    y: Vec<String>,
    series: Option<String>,
}

/// A chart as stored, before its checks.
#[derive(Deserialize)]
struct RawChart {
    kind: ChartKind,
    x: String,
    y: Vec<String>,
    series: Option<String>,
}

impl TryFrom<RawChart> for SavedChart {
    type Error = String;

    fn try_from(raw: RawChart) -> Result<Self, Self::Error> {
        SavedChart::parse(raw.kind, &raw.x, &raw.y, raw.series.as_deref())
            .map_err(|e| e.to_string())
    }
}

impl SavedChart {
    /// A chart drawing the columns `y` against `x`, split by `series` when given (blank means
    /// none). Errors name the fields `chart.x`, `chart.y` and `chart.series`.
    pub fn parse(
        kind: ChartKind,
        x: &str,
        y: &[String],
        series: Option<&str>,
    ) -> Result<SavedChart, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = |field: &str, text: &str, errors: &mut FieldErrors| {
            let text = text.trim();
            if text.is_empty() {
                errors.add(field, "choose a column");
            } else if text.chars().count() > MAX_COLUMN_CHARS {
                errors.add(
                    field,
                    format!("a column name is at most {MAX_COLUMN_CHARS} characters"),
                );
            }
            text.to_owned()
        };
        let x = name("chart.x", x, &mut errors);
        let y: Vec<String> = y
            .iter()
            .map(|column| name("chart.y", column, &mut errors))
            .collect();
        if y.is_empty() {
            errors.add("chart.y", "choose at least one column of values");
        } else if y.len() > MAX_Y_COLUMNS {
            errors.add(
                "chart.y",
                format!("a chart draws at most {MAX_Y_COLUMNS} columns of values"),
            );
        }
        let series = series
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| name("chart.series", s, &mut errors));
        if errors.is_empty() {
            Ok(SavedChart { kind, x, y, series })
        } else {
            Err(errors)
        }
    }

    /// Bars or lines.
    pub fn kind(&self) -> ChartKind {
        self.kind
    }

    /// The column of labels along the x axis.
    pub fn x(&self) -> &str {
        &self.x
    }

    /// The columns of values.
    pub fn y(&self) -> &[String] {
        &self.y
    }

    /// The column whose distinct values each make a series, if any.
    pub fn series(&self) -> Option<&str> {
        self.series.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_names_an_x_column_and_at_least_one_y_column() {
        let errors = SavedChart::parse(ChartKind::Bar, " ", &[], None).unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["chart.x", "chart.y"]);
    }

    #[test]
    fn a_blank_series_means_none_and_names_are_trimmed() {
        let chart =
            SavedChart::parse(ChartKind::Line, " month ", &["won ".into()], Some(" ")).unwrap();
        assert_eq!(
            (chart.x(), chart.y(), chart.series()),
            ("month", &["won".to_owned()][..], None)
        );
    }

    #[test]
    fn a_stored_chart_reads_back_as_it_was_written() {
        let chart = SavedChart::parse(
            ChartKind::Bar,
            "owner_name",
            &["total".into()],
            Some("stage"),
        )
        .unwrap();
        let json = serde_json::to_value(&chart).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "bar", "x": "owner_name", "y": ["total"], "series": "stage"})
        );
        assert_eq!(serde_json::from_value::<SavedChart>(json).unwrap(), chart);
        let bad = serde_json::json!({"kind": "pie", "x": "a", "y": ["b"], "series": null});
        assert!(serde_json::from_value::<SavedChart>(bad).is_err());
    }
}
