//! `baton generate` and `baton import salesforce`: every row imported or rejected with its
//! file, line and reason; a second import changes nothing; and an import killed with SIGKILL
//! and run again ends in exactly the state of an uninterrupted one.

use crate::support::{baton, text};
use baton_model::Role;
use baton_store::{Actor, ListQuery, OpenOptions, SourceKind, Store};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// A data directory with an admin, who imports run as.
pub fn data_dir(root: &Path, name: &str) -> std::path::PathBuf {
    let data = root.join(name);
    let out = baton(
        &data,
        &[
            "user",
            "add",
            "--email",
            "admin@example.com",
            "--name",
            "Admin",
            "--role",
            "admin",
            "--password",
            "correct horse battery",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    data
}

/// The data directory's store, and its admin to read it as.
pub async fn open_as_admin(data: &Path) -> (Store, Actor) {
    let url = format!("sqlite://{}", data.join("baton.db").display());
    let store = Store::open(&url, &OpenOptions::default()).await.unwrap();
    let admin = store
        .user_by_email("admin@example.com")
        .await
        .unwrap()
        .unwrap();
    let actor = Actor {
        user_id: admin.id,
        role: Role::Admin,
    };
    (store, actor)
}

/// A list query for every record of the small fixtures.
pub fn all() -> ListQuery {
    ListQuery {
        limit: Some(500),
        ..ListQuery::default()
    }
}

/// Every imported record's Salesforce id, per kind.
async fn imported(data: &Path) -> Vec<BTreeSet<String>> {
    let url = format!("sqlite://{}", data.join("baton.db").display());
    let store = Store::open(&url, &OpenOptions::default()).await.unwrap();
    let mut all = Vec::new();
    for kind in [
        SourceKind::User,
        SourceKind::Account,
        SourceKind::Contact,
        SourceKind::Deal,
        SourceKind::Activity,
    ] {
        all.push(
            store
                .source_ids(kind, "sf:")
                .await
                .unwrap()
                .into_keys()
                .collect(),
        );
    }
    all
}

/// Whether the import writing into `data` has committed any deal, and any activity, yet
/// (neither while its database is still being created). Read on a read-only connection of its
/// own, which never waits for the import's writes.
async fn committed(data: &Path) -> (bool, bool) {
    use sqlx::{Connection, sqlite::SqliteConnectOptions};
    let options = SqliteConnectOptions::new()
        .filename(data.join("baton.db"))
        .read_only(true);
    let Ok(mut conn) = sqlx::SqliteConnection::connect_with(&options).await else {
        return (false, false);
    };
    let mut any = [false; 2];
    for (seen, table) in any.iter_mut().zip(["deals", "activities"]) {
        let sql = format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE source_id LIKE 'sf:%')");
        *seen = sqlx::query_scalar::<_, bool>(sqlx::AssertSqlSafe(sql))
            .fetch_one(&mut conn)
            .await
            .unwrap_or(false);
    }
    let _ = conn.close().await;
    (any[0], any[1])
}

#[test]
fn bad_rows_are_reported_with_file_line_and_reason_and_the_rest_is_imported() {
    let dir = tempfile::tempdir().unwrap();
    let data = data_dir(dir.path(), "data");
    let export = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/import");
    let report = dir.path().join("report.csv");
    let out = baton(
        &data,
        &[
            "import",
            "salesforce",
            export,
            "--report",
            report.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("8 rows read, 2 rejected"),
        "{}",
        text(&out)
    );
    assert!(
        text(&out)
            .contains("Opportunity.csv: not imported: Custom_Score__c (the custom fields option, --custom-fields, keeps them"),
        "unknown columns are named: {}",
        text(&out)
    );
    // A new organisation's pipeline takes the export's stages, the one only its history knows
    // among them; the first snapshot records every field, the next what changed.
    let summary = text(&out);
    let history = summary
        .lines()
        .find(|l| l.starts_with("field_history "))
        .unwrap();
    assert_eq!(
        history.split_whitespace().collect::<Vec<_>>(),
        ["field_history", "7", "0", "0"],
        "{summary}"
    );
    let rejected = std::fs::read_to_string(&report).unwrap();
    assert!(
        rejected.contains("Opportunity.csv,3,OwnerId,005000000000009AAA is not a user in User.csv"),
        "{rejected}"
    );
    assert!(
        rejected.contains("Opportunity.csv,4,CloseDate,"),
        "{rejected}"
    );

    // All or nothing: the same export writes nothing at all.
    let strict = data_dir(dir.path(), "strict");
    let out = baton(
        &strict,
        &[
            "import",
            "salesforce",
            export,
            "--all-or-nothing",
            "--report",
            report.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("nothing was written"), "{}", text(&out));
    let rt = tokio::runtime::Runtime::new().unwrap();
    assert!(
        rt.block_on(imported(&strict))
            .iter()
            .all(BTreeSet::is_empty)
    );
    let kinds = rt.block_on(imported(&data));
    assert_eq!(
        kinds[3].len(),
        2,
        "two good opportunities, the one with a quoted newline among them"
    );
}

#[test]
fn a_second_import_changes_nothing_and_a_killed_import_rerun_ends_as_an_uninterrupted_one() {
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("export");
    let out = baton(
        &dir.path().join("unused"),
        &[
            "generate",
            "--reps",
            "8",
            "--accounts",
            "150",
            "--deals",
            "3000",
            "--activities",
            "60000",
            "--seed",
            "7",
            "--out",
            export.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let export = export.to_str().unwrap();

    let whole = data_dir(dir.path(), "whole");
    let out = baton(&whole, &["import", "salesforce", export]);
    assert!(
        out.status.success() && text(&out).contains(", 0 rejected"),
        "{}",
        text(&out)
    );
    let again = baton(&whole, &["import", "salesforce", export]);
    let summary = text(&again);
    let deals = summary.lines().find(|l| l.starts_with("deals ")).unwrap();
    assert_eq!(
        deals.split_whitespace().collect::<Vec<_>>(),
        ["deals", "0", "0", "3000"],
        "{summary}"
    );

    let killed = data_dir(dir.path(), "killed");
    let mut child = Command::new(env!("CARGO_BIN_EXE_baton"))
        .arg("--data-dir")
        .arg(&killed)
        .args(["import", "salesforce", export])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Killed once its deals are in and before any activity is (they come last): in the
    // middle, however fast the machine.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let started = std::time::Instant::now();
    while rt.block_on(committed(&killed)) == (false, false) {
        assert!(
            started.elapsed() < Duration::from_mins(2),
            "no deal was ever committed"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import ended before its deals were seen"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    // SIGKILL: no chance to clean up.
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(
        !status.success(),
        "the import was still running when killed"
    );
    let partial = rt.block_on(imported(&killed));
    let expected = rt.block_on(imported(&whole));
    assert_ne!(partial, expected, "the kill came before the end");
    let out = baton(&killed, &["import", "salesforce", export]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(rt.block_on(imported(&killed)), expected);
}
