//! The console's gate on both dialects: what it refuses, why, and what it runs instead.

use super::*;

/// The rewrite as a rep with user id 7 would get it for deals; everything else open.
fn rep_filter(view: &str) -> String {
    match view {
        "rpt_deals" => format!("{VIEW_ALIAS}.owner_id IN (7)"),
        _ => "TRUE".into(),
    }
}

fn both(sql: &str) -> [Result<String, Refusal>; 2] {
    [Dialect::Sqlite, Dialect::Postgres].map(|d| check(sql, d, &rep_filter, 100))
}

/// Asserts `sql` is refused on both dialects with a message containing `why`.
#[track_caller]
fn refused(sql: &str, why: &str) {
    for result in both(sql) {
        match result {
            Err(message) => assert!(
                message.to_lowercase().contains(&why.to_lowercase()),
                "{sql}: refused with {message:?}, expected it to mention {why:?}"
            ),
            Ok(rewritten) => panic!("{sql}: accepted as {rewritten}"),
        }
    }
}

#[track_caller]
fn accepted(sql: &str) -> String {
    let [sqlite, postgres] = both(sql);
    let sqlite = sqlite.unwrap_or_else(|e| panic!("{sql}: refused on SQLite: {e}"));
    postgres.unwrap_or_else(|e| panic!("{sql}: refused on PostgreSQL: {e}"));
    sqlite
}

#[test]
fn writes_are_refused_saying_the_console_only_reads() {
    refused(
        "INSERT INTO deals (name) VALUES ('x')",
        "INSERT changes data",
    );
    refused("UPDATE deals SET name = 'x'", "UPDATE changes data");
    refused("DELETE FROM deals", "DELETE changes data");
    refused("REPLACE INTO deals (id) VALUES (1)", "changes data");
}

#[test]
fn schema_changes_settings_and_attachments_are_refused() {
    refused("CREATE TABLE x (a INTEGER)", "CREATE changes the schema");
    refused("DROP TABLE deals", "DROP changes the schema");
    refused(
        "ALTER TABLE deals ADD COLUMN x TEXT",
        "ALTER changes the schema",
    );
    refused("PRAGMA table_info(users)", "PRAGMA");
    refused(
        "ATTACH DATABASE '/tmp/x.db' AS x",
        "ATTACH opens another database",
    );
    refused("SET statement_timeout = 0", "SET is not a query");
}

#[test]
fn only_one_statement_is_accepted() {
    refused("SELECT 1; SELECT 2", "exactly one statement");
    refused("SELECT 1; DELETE FROM deals", "exactly one statement");
    refused("  ", "empty");
    refused("-- nothing\n", "empty");
}

#[test]
fn tables_other_than_the_reporting_views_are_refused() {
    for table in [
        "users",
        "sessions",
        "api_tokens",
        "user_credentials",
        "sqlite_master",
    ] {
        refused(
            &format!("SELECT * FROM {table}"),
            &format!("only rpt_ views can be read; {table} is not one"),
        );
    }
    refused(
        "SELECT * FROM pg_catalog.pg_user",
        "pg_catalog.pg_user is not one",
    );
    refused(
        "SELECT * FROM information_schema.tables",
        "information_schema.tables is not one",
    );
    refused("SELECT * FROM main.rpt_deals", "main.rpt_deals is not one");
    refused("SELECT * FROM rpt_secrets", "there is no view rpt_secrets");
    refused(
        "SELECT * FROM pragma_table_info('users')",
        "table functions",
    );
    refused(
        "SELECT d.id FROM rpt_deals d WHERE d.owner_id IN (SELECT user_id FROM sessions)",
        "sessions is not one",
    );
}

#[test]
fn dangerous_functions_are_refused_by_name() {
    for call in [
        "load_extension('/tmp/x.so')",
        "pg_sleep(10)",
        "pg_read_file('/etc/passwd')",
        "set_config('role', 'postgres', false)",
        "current_setting('data_directory')",
        "lo_import('/etc/passwd')",
        "dblink('host=x', 'select 1')",
        "randomblob(1000000000)",
        "zeroblob(1000000000)",
        "readfile('/etc/passwd')",
        "writefile('/tmp/x', 'y')",
        "fts3_tokenizer('simple')",
        "nextval('deals_id_seq')",
    ] {
        let name = call.split('(').next().unwrap_or_default();
        refused(
            &format!("SELECT {call}"),
            &format!("the function {name} is not allowed"),
        );
    }
    refused("SELECT pg_catalog.now()", "without a schema");
}

#[test]
fn data_modifying_ctes_and_select_into_are_refused() {
    // sqlparser reads a DML body inside WITH on the PostgreSQL dialect.
    let sql = "WITH gone AS (DELETE FROM deals RETURNING id) SELECT count(*) FROM gone";
    let postgres = check(sql, Dialect::Postgres, &rep_filter, 100);
    assert!(
        postgres
            .as_ref()
            .is_err_and(|m| m.contains("data-modifying DELETE")),
        "{postgres:?}"
    );
    let sqlite = check(sql, Dialect::Sqlite, &rep_filter, 100);
    assert!(
        sqlite.as_ref().is_err_and(|m| m.contains("DELETE")),
        "{sqlite:?}"
    );
    refused("SELECT * INTO stolen FROM rpt_deals", "SELECT … INTO");
}

#[test]
fn locking_clauses_casts_and_parameters_are_refused() {
    let lock = check(
        "SELECT id FROM rpt_deals FOR UPDATE",
        Dialect::Postgres,
        &rep_filter,
        100,
    );
    assert!(lock.is_err_and(|m| m.contains("FOR UPDATE")));
    refused("SELECT 'users'::regclass", "casting to regclass");
    refused("SELECT * FROM rpt_deals WHERE id = $1", "parameters");
    refused(
        "WITH rpt_deals AS (SELECT 1) SELECT * FROM rpt_deals",
        "kept for the reporting views",
    );
}

#[test]
fn every_view_reference_reads_through_the_visibility_filter() {
    let sql = accepted("SELECT count(*) FROM rpt_deals");
    assert!(
        sql.contains(
            "FROM (SELECT * FROM rpt_deals AS baton_v WHERE baton_v.owner_id IN (7)) AS rpt_deals"
        ),
        "{sql}"
    );
    let aliased =
        accepted("SELECT d.name FROM rpt_deals AS d JOIN rpt_accounts a ON a.id = d.account_id");
    assert!(
        aliased.contains("baton_v.owner_id IN (7)) AS d"),
        "{aliased}"
    );
    assert!(aliased.contains("WHERE true) a ON"), "{aliased}");
    let nested = accepted("SELECT (SELECT max(amount_minor) FROM rpt_deals) AS top");
    assert!(nested.contains("baton_v.owner_id IN (7)"), "{nested}");
}

#[test]
fn with_names_are_renamed_so_they_cannot_reach_a_real_table() {
    let sql = accepted(
        "WITH won AS (SELECT owner_id, amount_minor FROM rpt_deals WHERE stage_outcome = 'won') \
         SELECT owner_id, sum(amount_minor) FROM won GROUP BY owner_id",
    );
    assert!(sql.contains("WITH baton_cte_won AS"), "{sql}");
    assert!(sql.contains("FROM baton_cte_won AS won"), "{sql}");
    // A WITH name out of scope is not a view either: refused, not resolved to the table.
    refused(
        "SELECT * FROM (WITH users AS (SELECT 1 AS id) SELECT id FROM users) AS x, users",
        "users is not one",
    );
}

#[test]
fn standard_reporting_queries_are_accepted() {
    accepted(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10) \
         SELECT sum(i) FROM n",
    );
    accepted(
        "SELECT owner_name, count(*) AS deals, sum(amount_minor) AS total, \
         rank() OVER (ORDER BY sum(amount_minor) DESC) AS place \
         FROM rpt_deals WHERE NOT archived GROUP BY owner_name ORDER BY place",
    );
    accepted(
        "SELECT stage, avg(amount_minor), coalesce(max(close_date), CAST('2026-01-01' AS DATE)) \
         FROM rpt_deals d WHERE EXISTS (SELECT 1 FROM rpt_activities a WHERE a.deal_id = d.id) \
         GROUP BY stage HAVING count(*) > 1",
    );
    accepted(
        "SELECT CASE WHEN amount_minor > 100 THEN 'big' ELSE 'small' END, \
         lower(substr(name, 1, 3)) FROM rpt_deals UNION ALL SELECT 'x', 'y'",
    );
}

#[test]
fn the_row_cap_becomes_a_limit_unless_a_smaller_one_is_written() {
    let sql = accepted("SELECT id FROM rpt_deals");
    assert!(sql.ends_with("LIMIT 101"), "{sql}");
    let small = accepted("SELECT id FROM rpt_deals LIMIT 5");
    assert!(small.ends_with("LIMIT 5"), "{small}");
    let large = accepted("SELECT id FROM rpt_deals LIMIT 100000 OFFSET 3");
    assert!(large.contains("LIMIT 101 OFFSET 3"), "{large}");
}
