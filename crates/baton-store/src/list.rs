//! List queries: filters, sort, search and keyset (cursor) pagination, shared by every list.
//!
//! A request's parameters are checked against the list's [`ListSpec`] allow-list; only column
//! expressions written in the spec ever reach the SQL text, and every value is a bound parameter.
//!
//! Filters: `field=v` (equals), `field_in=a,b,c`, `field_gte`, `field_gt`, `field_lte`, `field_lt`,
//! `field_null=true|false`. Sort: `sort=field` or `sort=-field` (descending), ties broken by id.
//! Search: `q=prefix` matches the start of the list's searchable fields, ignoring case. Archived
//! records are hidden unless `archived=true` (only archived) or `archived=any`.
//! Pages: `limit` (1–500, default 50) and the `next_cursor` of the previous page.

use crate::db::{Arg, Dialect, Row};
use crate::{Result, StoreError};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use baton_model::FieldErrors;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The type of a filterable or sortable column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Int,
    Text,
    Bool,
    Date,
    Time,
}

/// What a list allows: its table, columns, filters, sorts and searchable fields.
pub(crate) struct ListSpec {
    /// `FROM` clause; the main table's alias must be `x`.
    pub from: &'static str,
    /// The select list.
    pub columns: &'static str,
    /// `(parameter, column expression, type)`.
    pub filters: &'static [(&'static str, &'static str, Kind)],
    /// `(parameter, column expression, type, nullable)`; the first is the default sort.
    pub sorts: &'static [(&'static str, &'static str, Kind, bool)],
    /// Column expressions matched by `q` as a case-insensitive prefix.
    pub search: &'static [&'static str],
    /// The sort of a search with no `sort` of its own: the order of the index the search
    /// walks, so the first page comes straight off it (results come alphabetically).
    pub search_sort: Option<&'static str>,
    /// Whether the table has `archived_at`.
    pub archivable: bool,
}

/// Which archived records a list includes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Archived {
    /// Only live records (the default).
    #[default]
    Exclude,
    /// Only archived records.
    Only,
    /// Both.
    Include,
}

/// A list request as received: paging, sort, search and filters, not yet checked.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub limit: Option<u32>,
    pub cursor: Option<String>,
    pub sort: Option<String>,
    pub q: Option<String>,
    pub archived: Archived,
    /// Every other parameter: `(name, value)` filters.
    pub filters: Vec<(String, String)>,
}

/// The largest page.
pub const MAX_LIMIT: u32 = 500;
/// The page size when none is asked for.
pub const DEFAULT_LIMIT: u32 = 50;

impl ListQuery {
    /// Sorts query-string pairs into paging, sort, search and filter parameters.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Result<ListQuery> {
        let mut list = ListQuery::default();
        let mut errors = FieldErrors::new();
        for (key, value) in pairs {
            if baton_model::records::has_control_chars(&value) {
                errors.add(key, "must not contain control characters");
                continue;
            }
            match key.as_str() {
                "limit" => match value.parse::<u32>() {
                    Ok(n) if (1..=MAX_LIMIT).contains(&n) => list.limit = Some(n),
                    _ => errors.add(
                        "limit",
                        format!("must be a whole number from 1 to {MAX_LIMIT}"),
                    ),
                },
                "cursor" => list.cursor = Some(value).filter(|v| !v.is_empty()),
                "sort" => list.sort = Some(value),
                "q" => list.q = Some(value.trim().to_owned()).filter(|v| !v.is_empty()),
                "archived" => match value.as_str() {
                    "false" => list.archived = Archived::Exclude,
                    "true" => list.archived = Archived::Only,
                    "any" => list.archived = Archived::Include,
                    _ => errors.add("archived", "must be true, false or any"),
                },
                _ => list.filters.push((key, value)),
            }
        }
        errors.into_result(list).map_err(StoreError::Invalid)
    }

    fn limit(&self) -> u32 {
        self.limit.unwrap_or(DEFAULT_LIMIT)
    }
}

/// One page of a list.
#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// Where the previous page ended.
#[derive(Debug, Serialize, Deserialize)]
struct Cursor {
    /// The sort the cursor belongs to.
    s: String,
    /// The last row's sort value.
    v: Value,
    /// The last row's id.
    id: i64,
}

fn parse_value(kind: Kind, param: &str, text: &str) -> std::result::Result<Arg, String> {
    let text = text.trim();
    match kind {
        Kind::Int => text
            .parse::<i64>()
            .map(Arg::from)
            .map_err(|_| format!("{text:?} is not a whole number")),
        Kind::Text => Ok(Arg::from(text)),
        Kind::Bool => match text {
            "true" => Ok(Arg::from(true)),
            "false" => Ok(Arg::from(false)),
            _ => Err(format!("{text:?} is not true or false")),
        },
        Kind::Date => text
            .parse::<NaiveDate>()
            .map(Arg::from)
            .map_err(|_| format!("{text:?} is not a date (YYYY-MM-DD)")),
        Kind::Time => text
            .parse::<DateTime<Utc>>()
            .or_else(|_| {
                text.parse::<NaiveDate>()
                    .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc())
            })
            .map(Arg::from)
            .map_err(|_| format!("{text:?} is not a time (RFC 3339) or date")),
    }
    .map_err(|m| format!("{m} (in {param})"))
}

/// Builds the page query: the visibility predicate `visible` (over alias `x`) and the request's
/// filters, search, sort and cursor; `args` are its parameters in order.
pub(crate) fn paginate(
    spec: &ListSpec,
    list: &ListQuery,
    visible: &str,
    dialect: Dialect,
) -> Result<(String, Vec<Arg>)> {
    let mut errors = FieldErrors::new();
    let mut args: Vec<Arg> = Vec::new();
    let next = |args: &mut Vec<Arg>, arg: Arg| {
        args.push(arg);
        format!("${}", args.len())
    };
    let mut conditions = vec![format!("({visible})")];
    // The expressions that a filter compares with a value.
    let mut compared: Vec<&str> = Vec::new();
    if spec.archivable {
        match list.archived {
            Archived::Exclude => conditions.push("x.archived_at IS NULL".into()),
            Archived::Only => conditions.push("x.archived_at IS NOT NULL".into()),
            Archived::Include => {}
        }
    }

    for (param, value) in &list.filters {
        let (name, op) = [
            ("_in", "IN"),
            ("_gte", ">="),
            ("_gt", ">"),
            ("_lte", "<="),
            ("_lt", "<"),
            ("_null", "NULL"),
        ]
        .iter()
        .find_map(|(suffix, op)| param.strip_suffix(suffix).map(|n| (n, *op)))
        .filter(|(n, _)| spec.filters.iter().any(|f| f.0 == *n))
        .unwrap_or((param.as_str(), "="));
        let Some(&(_, expr, kind)) = spec.filters.iter().find(|f| f.0 == name) else {
            let known: Vec<&str> = spec.filters.iter().map(|f| f.0).collect();
            errors.add(
                param.clone(),
                format!("is not a filter here; filters: {}", known.join(", ")),
            );
            continue;
        };
        if op != "NULL" {
            compared.push(expr);
        }
        match op {
            "NULL" => match value.as_str() {
                "true" => conditions.push(format!("{expr} IS NULL")),
                "false" => conditions.push(format!("{expr} IS NOT NULL")),
                _ => errors.add(param.clone(), "must be true or false"),
            },
            "IN" => {
                let mut placeholders = Vec::new();
                for item in value.split(',').filter(|s| !s.trim().is_empty()) {
                    match parse_value(kind, param, item) {
                        Ok(arg) => placeholders.push(next(&mut args, arg)),
                        Err(m) => errors.add(param.clone(), m),
                    }
                }
                if placeholders.is_empty() {
                    errors.add(param.clone(), "must list at least one value");
                } else if placeholders.len() > 100 {
                    errors.add(param.clone(), "may list at most 100 values");
                } else {
                    conditions.push(format!("{expr} IN ({})", placeholders.join(", ")));
                }
            }
            op => match parse_value(kind, param, value) {
                Ok(arg) => {
                    let p = next(&mut args, arg);
                    conditions.push(format!("{expr} {op} {p}"));
                }
                Err(m) => errors.add(param.clone(), m),
            },
        }
    }

    if let Some(q) = &list.q {
        if spec.search.is_empty() {
            errors.add("q", "this list cannot be searched");
        } else {
            let p = next(&mut args, Arg::from(q.as_str()));
            let (collate, max_char) = match dialect {
                Dialect::Sqlite => ("", "char(1114111)"),
                Dialect::Postgres => (" COLLATE \"C\"", "chr(1114111)"),
            };
            let any: Vec<String> = spec
                .search
                .iter()
                .map(|e| {
                    format!(
                        "(lower({e}){collate} >= lower({p}) AND lower({e}){collate} < (lower({p}) || {max_char}))"
                    )
                })
                .collect();
            conditions.push(format!("({})", any.join(" OR ")));
        }
    }

    let sort_text = sort_of(spec, list);
    let (descending, sort_name) = sort_text
        .strip_prefix('-')
        .map_or((false, sort_text.as_str()), |s| (true, s));
    let Some(&(_, sort_expr, sort_kind, nullable)) = spec.sorts.iter().find(|s| s.0 == sort_name)
    else {
        let known: Vec<&str> = spec.sorts.iter().map(|s| s.0).collect();
        errors.add(
            "sort",
            format!("cannot sort by {sort_name:?}; sorts: {}", known.join(", ")),
        );
        return Err(StoreError::Invalid(errors));
    };
    // A column compared with a value in the filters holds no NULLs here: sorting needs no
    // NULLs-last term, and an index on the column serves the order.
    let nullable = nullable && !compared.contains(&sort_expr);
    let (cmp, dir) = if descending {
        ("<", "DESC")
    } else {
        (">", "ASC")
    };

    if let Some(cursor_text) = &list.cursor {
        match decode_cursor(cursor_text) {
            Some(c) if c.s == sort_text => {
                let id = next(&mut args, Arg::from(c.id));
                if sort_expr == "x.id" {
                    conditions.push(format!("x.id {cmp} {id}"));
                } else if c.v.is_null() {
                    conditions.push(format!("({sort_expr} IS NULL AND x.id {cmp} {id})"));
                } else {
                    match cursor_arg(sort_kind, &c.v) {
                        Some(arg) => {
                            let v = next(&mut args, arg);
                            let tail = if nullable {
                                format!(" OR {sort_expr} IS NULL")
                            } else {
                                String::new()
                            };
                            conditions
                                .push(format!("(({sort_expr}, x.id) {cmp} ({v}, {id}){tail})"));
                        }
                        None => errors.add("cursor", "is not a cursor from this list"),
                    }
                }
            }
            Some(_) => errors.add(
                "cursor",
                "belongs to a different sort; start again without it",
            ),
            None => errors.add("cursor", "is not a cursor from this list"),
        }
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }

    let order = if sort_expr == "x.id" {
        format!("x.id {dir}")
    } else if nullable {
        format!("({sort_expr} IS NULL), {sort_expr} {dir}, x.id {dir}")
    } else {
        format!("{sort_expr} {dir}, x.id {dir}")
    };
    let sql = format!(
        "SELECT {columns}, {sort_expr} AS sort_value FROM {from} WHERE {conditions} \
         ORDER BY {order} LIMIT {limit}",
        columns = spec.columns,
        from = spec.from,
        conditions = conditions.join(" AND "),
        limit = list.limit() + 1,
    );
    Ok((sql, args))
}

/// The sort a list request asked for, or the list's default (by search order when searching).
fn sort_of(spec: &ListSpec, list: &ListQuery) -> String {
    match (&list.sort, &list.q, spec.search_sort) {
        (Some(sort), _, _) => sort.clone(),
        (None, Some(_), Some(search_sort)) => search_sort.to_owned(),
        _ => spec.sorts[0].0.to_owned(),
    }
}

fn decode_cursor(text: &str) -> Option<Cursor> {
    let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn cursor_arg(kind: Kind, v: &Value) -> Option<Arg> {
    Some(match kind {
        Kind::Int => Arg::from(v.as_i64()?),
        Kind::Text => Arg::from(v.as_str()?),
        Kind::Bool => Arg::from(v.as_bool()?),
        Kind::Date => Arg::from(v.as_str()?.parse::<NaiveDate>().ok()?),
        Kind::Time => Arg::from(v.as_str()?.parse::<DateTime<Utc>>().ok()?),
    })
}

fn sort_value(kind: Kind, row: &Row) -> Result<Value> {
    Ok(match kind {
        Kind::Int => row.get::<Option<i64>>("sort_value")?.into(),
        Kind::Text => row.get::<Option<String>>("sort_value")?.into(),
        Kind::Bool => row.get::<Option<bool>>("sort_value")?.into(),
        Kind::Date => row
            .get::<Option<NaiveDate>>("sort_value")?
            .map(|d| d.to_string())
            .into(),
        Kind::Time => row
            .get::<Option<DateTime<Utc>>>("sort_value")?
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
            .into(),
    })
}

impl<T> Page<T> {
    /// Turns the `limit + 1` rows of a page query into a page and the cursor after it.
    pub(crate) fn from_rows(
        spec: &ListSpec,
        list: &ListQuery,
        mut rows: Vec<Row>,
        map: impl Fn(&Row) -> Result<T>,
    ) -> Result<Page<T>> {
        let limit = list.limit() as usize;
        let more = rows.len() > limit;
        rows.truncate(limit);
        let next_cursor = match rows.last() {
            Some(last) if more => {
                let sort_text = sort_of(spec, list);
                let name = sort_text.trim_start_matches('-');
                let kind = spec
                    .sorts
                    .iter()
                    .find(|s| s.0 == name)
                    .map_or(Kind::Int, |s| s.2);
                let cursor = Cursor {
                    s: sort_text.clone(),
                    v: sort_value(kind, last)?,
                    id: last.get("id")?,
                };
                let json =
                    serde_json::to_vec(&cursor).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                Some(URL_SAFE_NO_PAD.encode(json))
            }
            _ => None,
        };
        let items = rows.iter().map(map).collect::<Result<Vec<T>>>()?;
        Ok(Page { items, next_cursor })
    }

    /// Applies `f` to every item, keeping the cursor.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_cursor: self.next_cursor,
        }
    }
}
