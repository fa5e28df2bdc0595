//! The console's gate: parses a query with the backend's dialect, refuses anything but one
//! read-only `SELECT` over the reporting views, and rewrites what it lets through so that it can
//! only read rows the caller may see.
//!
//! The rewrite is what makes the rules hold by construction rather than by inspection:
//! - every `rpt_*` reference becomes a subquery `(SELECT * FROM rpt_x AS baton_v WHERE <the
//!   caller's visibility predicate>) AS <the reference's alias or name>`, so no query, however
//!   written, sees a row the predicate excludes;
//! - every `WITH` name is renamed to `baton_cte_<name>` at its definition and at each reference
//!   this walk resolves to it. If the walk's scoping were wrong somewhere (a later sibling in a
//!   non-recursive PostgreSQL `WITH`, say), the database would look for a table
//!   `baton_cte_<name>`, which does not exist: a reference can never fall through to a real
//!   table such as `users`;
//! - any other table name is refused, so `users`, `sessions`, `api_tokens`, `sqlite_master`,
//!   `pg_catalog.*` and `information_schema.*` are out of reach whatever the search path.
//!
//! Functions and casts pass an allow-list ([`super::allow`]); expressions outside a known set of
//! plain SQL forms are refused rather than guessed about.

use super::allow::{FUNCTIONS, TYPES, VIEWS};
use crate::Dialect;
use sqlparser::ast::{
    BinaryOperator, DataType, Expr, Function, FunctionArguments, Ident, LimitClause, ObjectName,
    ObjectNamePart, Query, Select, SetExpr, Statement, TableAlias, TableFactor, Value, VisitMut,
    VisitorMut,
};
use sqlparser::dialect::{self, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;
use std::ops::ControlFlow;

/// The longest query text accepted, in bytes.
pub const MAX_QUERY_BYTES: usize = 100_000;

/// The prefix given to every `WITH` name; no table of Baton's starts with it.
const CTE_PREFIX: &str = "baton_cte_";

/// The alias of a view inside the subquery that filters it.
pub(crate) const VIEW_ALIAS: &str = "baton_v";

/// Why a query was refused, for the person who wrote it.
pub(crate) type Refusal = String;

/// Checks `sql` and returns the SQL to run: the same query with each view filtered by
/// `filter(view)` (a predicate over [`VIEW_ALIAS`]) and at most `row_cap + 1` rows asked for,
/// so the caller can tell a result was cut.
pub(crate) fn check(
    sql: &str,
    dialect: Dialect,
    filter: &dyn Fn(&str) -> String,
    row_cap: usize,
) -> Result<String, Refusal> {
    let parser_dialect: &dyn dialect::Dialect = match dialect {
        Dialect::Sqlite => &SQLiteDialect {},
        Dialect::Postgres => &PostgreSqlDialect {},
    };
    let mut query = parse_one_query(sql, dialect, parser_dialect)?;
    let mut walker = Walker {
        dialect: parser_dialect,
        filter,
        ctes: Vec::new(),
    };
    if let ControlFlow::Break(refusal) = query.visit(&mut walker) {
        return Err(refusal);
    }
    cap_rows(&mut query, row_cap);
    Ok(query.to_string())
}

/// Parses `sql` into exactly one query, or says why not.
fn parse_one_query(
    sql: &str,
    dialect: Dialect,
    parser_dialect: &dyn dialect::Dialect,
) -> Result<Box<Query>, Refusal> {
    if sql.trim().is_empty() {
        return Err("the query is empty: write one SELECT over the rpt_ views".into());
    }
    if sql.len() > MAX_QUERY_BYTES {
        return Err(format!(
            "the query is {} bytes long; the limit is {MAX_QUERY_BYTES}",
            sql.len()
        ));
    }
    let statements = Parser::parse_sql(parser_dialect, sql).map_err(|e| {
        first_keyword(sql)
            .and_then(|k| refusal_for_keyword(&k))
            .unwrap_or_else(|| format!("the query is not valid {} SQL: {e}", name_of(dialect)))
    })?;
    match <[Statement; 1]>::try_from(statements) {
        Ok([Statement::Query(query)]) => Ok(query),
        Ok([other]) => {
            let text = other.to_string();
            let keyword = first_keyword(&text).unwrap_or_default();
            Err(refusal_for_keyword(&keyword).unwrap_or_else(|| {
                format!("{keyword} is not a query: the SQL console runs exactly one SELECT")
            }))
        }
        Err(statements) if statements.is_empty() => {
            Err("the query is empty: write one SELECT over the rpt_ views".into())
        }
        Err(statements) => Err(format!(
            "send exactly one statement; this text holds {} (separated by ;)",
            statements.len()
        )),
    }
}

fn name_of(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Sqlite => "SQLite",
        Dialect::Postgres => "PostgreSQL",
    }
}

/// The first word of `sql`, upper case, after blanks and comments.
fn first_keyword(sql: &str) -> Option<String> {
    let mut rest = sql.trim_start();
    loop {
        if let Some(after) = rest.strip_prefix("--") {
            rest = after.split_once('\n').map_or("", |(_, r)| r).trim_start();
        } else if let Some(after) = rest.strip_prefix("/*") {
            rest = after.split_once("*/").map_or("", |(_, r)| r).trim_start();
        } else {
            break;
        }
    }
    let word: String = rest.chars().take_while(char::is_ascii_alphabetic).collect();
    (!word.is_empty()).then(|| word.to_ascii_uppercase())
}

/// Why a statement starting with `keyword` is refused, when it is a kind the console never runs.
fn refusal_for_keyword(keyword: &str) -> Option<Refusal> {
    let why = match keyword {
        "INSERT" | "UPDATE" | "DELETE" | "MERGE" | "REPLACE" | "UPSERT" | "TRUNCATE" | "COPY" => {
            "changes data, and the SQL console only reads"
        }
        "CREATE" | "DROP" | "ALTER" | "RENAME" | "COMMENT" | "GRANT" | "REVOKE" | "REINDEX"
        | "VACUUM" | "ANALYZE" | "CLUSTER" | "REFRESH" => {
            "changes the schema or the database (DDL), and the SQL console only reads"
        }
        "PRAGMA" => {
            "reads or changes the database's settings, which the SQL console does not allow"
        }
        "ATTACH" | "DETACH" => "opens another database file, which the SQL console does not allow",
        "SET" | "RESET" | "BEGIN" | "START" | "COMMIT" | "END" | "ROLLBACK" | "SAVEPOINT"
        | "RELEASE" | "LOCK" | "LISTEN" | "NOTIFY" | "DO" | "CALL" | "EXECUTE" | "PREPARE"
        | "DEALLOCATE" | "LOAD" | "EXPLAIN" | "SHOW" | "DISCARD" | "DECLARE" | "FETCH" => {
            "is not a query; the SQL console runs exactly one SELECT"
        }
        _ => return None,
    };
    Some(format!(
        "{keyword} {why}: write one SELECT over the rpt_ views"
    ))
}

/// Walks the query, refusing what is not allowed and rewriting table references.
struct Walker<'a> {
    dialect: &'a dyn dialect::Dialect,
    filter: &'a dyn Fn(&str) -> String,
    /// The `WITH` names in scope, one list per enclosing query (lower case, unprefixed).
    ctes: Vec<Vec<String>>,
}

impl Walker<'_> {
    fn is_cte(&self, name: &str) -> bool {
        self.ctes.iter().flatten().any(|n| n == name)
    }

    /// The subquery that stands for `view`: the view filtered by the caller's visibility.
    fn filtered_view(&self, view: &str, alias: TableAlias) -> Result<TableFactor, Refusal> {
        let sql = format!(
            "SELECT * FROM {view} AS {VIEW_ALIAS} WHERE {}",
            (self.filter)(view)
        );
        let subquery = Parser::new(self.dialect)
            .try_with_sql(&sql)
            .and_then(|mut p| p.parse_query())
            .map_err(|e| format!("internal error filtering {view}: {e}"))?;
        Ok(TableFactor::Derived {
            lateral: false,
            subquery,
            alias: Some(alias),
            sample: None,
        })
    }
}

impl VisitorMut for Walker<'_> {
    type Break = Refusal;

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<Refusal> {
        check_query_clauses(query)?;
        check_body(&query.body)?;
        let mut names = Vec::new();
        if let Some(with) = &mut query.with {
            for cte in &mut with.cte_tables {
                let name = cte_name(&cte.alias.name)?;
                cte.alias.name = Ident::new(format!("{CTE_PREFIX}{name}"));
                names.push(name);
            }
        }
        self.ctes.push(names);
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, _query: &mut Query) -> ControlFlow<Refusal> {
        self.ctes.pop();
        ControlFlow::Continue(())
    }

    fn pre_visit_select(&mut self, select: &mut Select) -> ControlFlow<Refusal> {
        if select.into.is_some() {
            return ControlFlow::Break(
                "SELECT … INTO creates a table or writes variables, and the SQL console only reads"
                    .into(),
            );
        }
        if !select.lateral_views.is_empty() || !select.connect_by.is_empty() {
            return ControlFlow::Break("LATERAL VIEW and CONNECT BY are not supported".into());
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, table: &mut TableFactor) -> ControlFlow<Refusal> {
        match table {
            TableFactor::Table { name, args, .. } => {
                if args.is_some() {
                    return ControlFlow::Break(format!(
                        "table functions such as {name}(…) are not allowed: read the rpt_ views"
                    ));
                }
                let Some(bare) = bare_name(name) else {
                    return ControlFlow::Break(not_a_view(&name.to_string()));
                };
                if self.is_cte(&bare) || VIEWS.contains(&bare.as_str()) {
                    ControlFlow::Continue(())
                } else if bare.starts_with("rpt_") {
                    ControlFlow::Break(format!(
                        "there is no view {bare}; the reporting views are {}",
                        VIEWS.join(", ")
                    ))
                } else {
                    ControlFlow::Break(not_a_view(&bare))
                }
            }
            TableFactor::Derived { .. } | TableFactor::NestedJoin { .. } => {
                ControlFlow::Continue(())
            }
            other => ControlFlow::Break(format!(
                "only the rpt_ views, subqueries and joins may appear in FROM; {other} is not allowed"
            )),
        }
    }

    fn post_visit_table_factor(&mut self, table: &mut TableFactor) -> ControlFlow<Refusal> {
        let TableFactor::Table {
            name, alias: slot, ..
        } = table
        else {
            return ControlFlow::Continue(());
        };
        let Some(ObjectNamePart::Identifier(written)) = name.0.first().cloned() else {
            return ControlFlow::Continue(());
        };
        let bare = written.value.to_lowercase();
        let alias = slot.take().unwrap_or(TableAlias {
            explicit: true,
            name: written,
            columns: Vec::new(),
            at: None,
        });
        if self.is_cte(&bare) {
            *name = ObjectName::from(vec![Ident::new(format!("{CTE_PREFIX}{bare}"))]);
            *slot = Some(alias);
            return ControlFlow::Continue(());
        }
        match self.filtered_view(&bare, alias) {
            Ok(filtered) => {
                *table = filtered;
                ControlFlow::Continue(())
            }
            Err(refusal) => ControlFlow::Break(refusal),
        }
    }

    fn pre_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<Refusal> {
        check_expr(expr)
    }
}

fn not_a_view(name: &str) -> Refusal {
    format!(
        "only rpt_ views can be read; {name} is not one (the views are {})",
        VIEWS.join(", ")
    )
}

/// The lower-case name of a one-part table name; `None` for `schema.table` and the like.
fn bare_name(name: &ObjectName) -> Option<String> {
    match name.0.as_slice() {
        [ObjectNamePart::Identifier(ident)] => Some(ident.value.to_lowercase()),
        _ => None,
    }
}

/// A `WITH` name, lower case: letters, digits and `_`, not starting with `rpt_`.
fn cte_name(ident: &Ident) -> ControlFlow<Refusal, String> {
    let name = ident.value.to_lowercase();
    let plain = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !plain {
        return ControlFlow::Break(format!("WITH name {ident}: use letters, digits and _ only"));
    }
    if name.starts_with("rpt_") {
        return ControlFlow::Break(format!(
            "WITH name {name}: names starting with rpt_ are kept for the reporting views"
        ));
    }
    ControlFlow::Continue(name)
}

/// Refuses the clauses of a query that lock, export or are foreign to both backends.
fn check_query_clauses(query: &Query) -> ControlFlow<Refusal> {
    if !query.locks.is_empty() {
        return ControlFlow::Break(
            "FOR UPDATE / FOR SHARE locks rows, and the SQL console only reads".into(),
        );
    }
    if query.for_clause.is_some()
        || query.settings.is_some()
        || query.format_clause.is_some()
        || !query.pipe_operators.is_empty()
    {
        return ControlFlow::Break(
            "FOR XML/JSON, SETTINGS, FORMAT and pipe operators are not supported".into(),
        );
    }
    ControlFlow::Continue(())
}

/// Refuses a query body that writes: `WITH x AS (DELETE …)`, `TABLE name`.
fn check_body(body: &SetExpr) -> ControlFlow<Refusal> {
    let writes = match body {
        SetExpr::Select(_) | SetExpr::Query(_) | SetExpr::Values(_) => {
            return ControlFlow::Continue(());
        }
        SetExpr::SetOperation { left, right, .. } => {
            check_body(left)?;
            return check_body(right);
        }
        SetExpr::Table(table) => {
            return ControlFlow::Break(format!(
                "TABLE {} is not supported: write SELECT * FROM one of the rpt_ views",
                table
                    .table_name
                    .as_ref()
                    .map_or_else(|| "…".to_owned(), ToString::to_string)
            ));
        }
        SetExpr::Insert(_) => "INSERT",
        SetExpr::Update(_) => "UPDATE",
        SetExpr::Delete(_) => "DELETE",
        SetExpr::Merge(_) => "MERGE",
    };
    ControlFlow::Break(format!(
        "a data-modifying {writes} inside the query (such as WITH x AS ({writes} …)) changes \
         data, and the SQL console only reads"
    ))
}

/// Refuses expressions outside plain SQL: unknown functions, casts to non-standard types,
/// parameters, custom operators, schema-qualified names.
fn check_expr(expr: &Expr) -> ControlFlow<Refusal> {
    match expr {
        Expr::Function(function) => check_function(function),
        Expr::Cast { data_type, .. } => check_type(data_type),
        Expr::TypedString(typed) => check_type(&typed.data_type),
        Expr::Value(value) if matches!(value.value, Value::Placeholder(_)) => {
            ControlFlow::Break(format!(
                "parameters such as {value} cannot be bound here: write the value into the query"
            ))
        }
        Expr::BinaryOp { op, .. }
            if matches!(
                op,
                BinaryOperator::Custom(_)
                    | BinaryOperator::PGCustomBinaryOperator(_)
                    | BinaryOperator::Assignment
            ) =>
        {
            ControlFlow::Break(format!("the operator {op} is not allowed"))
        }
        Expr::CompoundIdentifier(parts) if parts.len() > 2 => ControlFlow::Break(format!(
            "{expr}: write a column as column or table.column, without a schema"
        )),
        Expr::QualifiedWildcard(name, _) if name.0.len() > 1 => {
            ControlFlow::Break(format!("{expr}: write table.*, without a schema"))
        }
        Expr::Identifier(_)
        | Expr::CompoundIdentifier(_)
        | Expr::IsFalse(_)
        | Expr::IsNotFalse(_)
        | Expr::IsTrue(_)
        | Expr::IsNotTrue(_)
        | Expr::IsNull(_)
        | Expr::IsNotNull(_)
        | Expr::IsUnknown(_)
        | Expr::IsNotUnknown(_)
        | Expr::IsDistinctFrom(..)
        | Expr::IsNotDistinctFrom(..)
        | Expr::In { .. }
        | Expr::Between { .. }
        | Expr::BinaryOp { .. }
        | Expr::Like { .. }
        | Expr::ILike { .. }
        | Expr::SimilarTo { .. }
        | Expr::AnyOp { .. }
        | Expr::AllOp { .. }
        | Expr::UnaryOp { .. }
        | Expr::AtTimeZone { .. }
        | Expr::Extract { .. }
        | Expr::Ceil { .. }
        | Expr::Floor { .. }
        | Expr::Position { .. }
        | Expr::Substring { .. }
        | Expr::Trim { .. }
        | Expr::Overlay { .. }
        | Expr::Collate { .. }
        | Expr::Nested(_)
        | Expr::Value(_)
        | Expr::Case { .. }
        | Expr::Exists { .. }
        | Expr::Subquery(_)
        | Expr::GroupingSets(_)
        | Expr::Cube(_)
        | Expr::Rollup(_)
        | Expr::Tuple(_)
        | Expr::Array(_)
        | Expr::Interval(_)
        | Expr::Wildcard(_)
        | Expr::QualifiedWildcard(..) => ControlFlow::Continue(()),
        other => ControlFlow::Break(format!(
            "{other} uses SQL the console does not accept; see docs/reporting-schema.md"
        )),
    }
}

/// Allows the functions of [`FUNCTIONS`], by bare name.
fn check_function(function: &Function) -> ControlFlow<Refusal> {
    let Some(name) = bare_name(&function.name) else {
        return ControlFlow::Break(format!(
            "{}: functions are called by their bare name, without a schema",
            function.name
        ));
    };
    if !matches!(function.parameters, FunctionArguments::None) {
        return ControlFlow::Break(format!("{name}(…)(…) is not supported"));
    }
    if FUNCTIONS.contains(&name.as_str()) {
        ControlFlow::Continue(())
    } else {
        ControlFlow::Break(format!(
            "the function {name} is not allowed in the SQL console; it accepts aggregate, \
             window, date, string, maths and conditional functions (see docs/reporting-schema.md)"
        ))
    }
}

/// Allows casts to the standard types of [`TYPES`].
fn check_type(data_type: &DataType) -> ControlFlow<Refusal> {
    let text = data_type.to_string().to_lowercase();
    let head: String = text
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    if TYPES.contains(&head.as_str()) {
        ControlFlow::Continue(())
    } else {
        ControlFlow::Break(format!(
            "casting to {text} is not allowed; cast to a standard type (integer, bigint, real, \
             numeric, text, date, timestamp, interval, boolean)"
        ))
    }
}

/// Asks for at most `row_cap + 1` rows from the outermost query, so the result is cut in the
/// database and the caller still learns that there were more.
fn cap_rows(query: &mut Query, row_cap: usize) {
    if query.fetch.is_some() {
        return;
    }
    let wanted = row_cap.saturating_add(1);
    let limit = Expr::value(Value::Number(wanted.to_string(), false));
    match &mut query.limit_clause {
        None => {
            query.limit_clause = Some(LimitClause::LimitOffset {
                limit: Some(limit),
                offset: None,
                limit_by: Vec::new(),
            });
        }
        Some(LimitClause::LimitOffset {
            limit: written @ None,
            ..
        }) => *written = Some(limit),
        Some(LimitClause::LimitOffset {
            limit: Some(written),
            ..
        }) => {
            let over = match written {
                Expr::Value(v) => match &v.value {
                    Value::Number(n, _) => n.parse::<u64>().map_or(true, |n| n > wanted as u64),
                    _ => false,
                },
                _ => false,
            };
            if over {
                *written = limit;
            }
        }
        Some(LimitClause::OffsetCommaLimit { .. }) => {}
    }
}

#[cfg(test)]
#[path = "check_tests.rs"]
mod tests;
