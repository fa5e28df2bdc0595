//! A SQL console result as a CSV file: the column names, then every row the console returned
//! (up to its row cap). Text cells, column names included (a query names its own columns), go
//! through [`neutralise`]; numbers are written as they are, so `-12` stays a number.

use super::list::Format;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use baton_import::formula::neutralise;
use baton_store::SqlTable;
use serde_json::Value;

/// The header telling a CSV's reader that the result was cut at the console's row cap.
pub const TRUNCATED_HEADER: &str = "x-baton-truncated";

/// The result as CSV text.
pub fn csv_bytes(table: &SqlTable) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(table.columns.iter().map(|c| neutralise(c).into_owned()))?;
    for row in &table.rows {
        out.write_record(row.iter().map(cell))?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

/// One value as a cell: empty for null, numbers and booleans as written, text neutralised.
fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => neutralise(text).into_owned(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        other => neutralise(&other.to_string()).into_owned(),
    }
}

/// The result as a CSV download named `name`, marked with [`TRUNCATED_HEADER`] when it was cut.
pub fn csv_download(table: &SqlTable, name: &str) -> Result<Response, csv::Error> {
    let mut response = csv_bytes(table)?.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(Format::Csv.content_type()),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    if table.truncated {
        headers.insert(TRUNCATED_HEADER, HeaderValue::from_static("true"));
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_that_would_run_as_a_formula_is_quoted_and_numbers_and_nulls_are_not() {
        let table = SqlTable {
            columns: vec!["name".into(), "=total".into(), "won".into()],
            rows: vec![
                vec![json!("=HYPERLINK(\"x\")"), json!(-12), json!(true)],
                vec![json!("@me"), json!(1.5), Value::Null],
            ],
            truncated: false,
            elapsed_ms: 0,
        };
        let text = String::from_utf8(csv_bytes(&table).unwrap()).unwrap();
        assert_eq!(
            text,
            "name,'=total,won\n\"'=HYPERLINK(\"\"x\"\")\",-12,true\n'@me,1.5,\n"
        );
    }
}
