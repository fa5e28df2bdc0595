//! Plan file errors that point at the line and the field, so finance can fix the file.

use std::fmt;
use std::ops::Range;

/// One problem in a plan file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanError {
    /// 1-based line of the offending value (0 when the file gives no position).
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The field, as a path: `components[1].tiers[2].from_pct`.
    pub field: String,
    /// What is wrong, in words.
    pub message: String,
}

impl PlanError {
    /// An error at the byte range `span` of `source`.
    pub(crate) fn at(
        source: &str,
        span: Option<Range<usize>>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        let (line, column) = span.map_or((0, 0), |s| line_column(source, s.start));
        PlanError {
            line,
            column,
            field: field.into(),
            message: message.into(),
        }
    }
}

/// The 1-based line and column of a byte offset.
fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = source.get(..offset).unwrap_or(source);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "line {}, column {}: ", self.line, self.column)?;
        }
        if self.field.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.field, self.message)
        }
    }
}

/// Every problem found in a plan file, in the order of the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct PlanErrors(pub Vec<PlanError>);

impl fmt::Display for PlanErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_one_based_lines_and_character_columns() {
        let source = "a = 1\nbé = 2\n";
        assert_eq!(line_column(source, 0), (1, 1));
        assert_eq!(line_column(source, 6), (2, 1));
        // "bé = " is 6 bytes but 5 characters.
        assert_eq!(line_column(source, 12), (2, 6));
    }

    #[test]
    fn an_error_reads_line_column_field_and_message() {
        let error = PlanError::at("x = 1\ny = 2", Some(6..7), "y", "must be positive");
        assert_eq!(error.to_string(), "line 2, column 1: y: must be positive");
    }
}
