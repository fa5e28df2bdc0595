//! `baton import csv`: fields found by their names or common headers, or through a mapping file
//! and flags; references by name, domain and email; bad rows and bad mappings named; a second
//! import changing nothing.

use crate::import::{all, data_dir, open_as_admin};
use crate::support::{baton, text};
use baton_model::activity::ActivityKind;
use std::path::Path;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/csv");

fn import(data: &Path, report: &Path, object: &str, file: &str, more: &[&str]) -> String {
    let path = format!("{DIR}/{file}");
    let mut args = vec![
        "import",
        "csv",
        "--object",
        object,
        "--report",
        report.to_str().unwrap(),
    ];
    args.extend_from_slice(more);
    args.push(&path);
    let out = baton(data, &args);
    assert!(out.status.success(), "{}", text(&out));
    text(&out)
}

#[test]
fn spreadsheets_of_each_object_import_by_header_or_mapping_and_bad_rows_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let data = data_dir(dir.path(), "data");
    let report = dir.path().join("report.csv");
    let rejected = || std::fs::read_to_string(&report).unwrap();

    let out = import(&data, &report, "accounts", "accounts.csv", &[]);
    assert!(out.contains("4 rows read, 1 rejected"), "{out}");
    assert!(out.contains("1 records had no owner"), "{out}");
    assert!(
        rejected().contains("accounts.csv,5,tier,must be from 1 (top) to 5"),
        "{}",
        rejected()
    );

    let out = import(&data, &report, "contacts", "contacts.csv", &[]);
    assert!(out.contains("3 rows read, 1 rejected"), "{out}");
    assert!(
        rejected().contains("contacts.csv,4,account,\"no account is \"\"Nope Inc\"\"\""),
        "{}",
        rejected()
    );

    let mapping = format!("{DIR}/deals-mapping.toml");
    let deal_args = [
        "--mapping",
        mapping.as_str(),
        "--map",
        "stage=Phase",
        "--create-stages",
    ];
    let out = import(&data, &report, "deals", "deals.csv", &deal_args);
    assert!(out.contains("3 rows read, 1 rejected"), "{out}");
    assert!(rejected().contains("deals.csv,4,amount,"), "{}", rejected());

    let out = import(&data, &report, "activities", "activities.csv", &[]);
    assert!(out.contains("3 rows read, 1 rejected"), "{out}");
    assert!(
        rejected().contains("activities.csv,4,kind,"),
        "{}",
        rejected()
    );

    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let (store, actor) = open_as_admin(&data).await;
        let jane = store
            .user_by_email("jane@example.com")
            .await
            .unwrap()
            .expect("an owner by email, created inactive");
        assert!(!jane.active);
        let accounts = store.list_accounts(&actor, &all()).await.unwrap().items;
        let names: Vec<&str> = accounts.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names.len(), 3, "{names:?}");
        assert!(names.contains(&"umbrella.example"), "named by its domain");
        let globex = accounts.iter().find(|a| a.name == "Globex").unwrap();
        assert_eq!(
            (
                globex.domain.as_deref(),
                globex.employees,
                globex.tier,
                globex.owner_id
            ),
            (Some("globex.com"), Some(1200), Some(1), jane.id)
        );
        let initech = accounts.iter().find(|a| a.name == "Initech").unwrap();
        assert_eq!(
            initech.owner_id, actor.user_id,
            "no owner: the importing admin"
        );

        let contacts = store.list_contacts(&actor, &all()).await.unwrap().items;
        let hank = contacts.iter().find(|c| c.last_name == "Scorpio").unwrap();
        assert_eq!(
            (hank.first_name.as_deref(), hank.account_id),
            (Some("Hank"), Some(globex.id))
        );
        let peter = contacts.iter().find(|c| c.last_name == "Gibbons").unwrap();
        assert_eq!(peter.account_id, Some(initech.id), "found by domain");

        let deals = store.list_deals(&actor, &all()).await.unwrap().items;
        assert_eq!(deals.len(), 2);
        let won = deals.iter().find(|d| d.name == "Globex expansion").unwrap();
        assert_eq!(
            (
                won.amount_minor,
                won.close_date.map(|d| d.to_string()),
                won.account_id
            ),
            (Some(120_050), Some("2026-08-14".into()), Some(globex.id))
        );
        assert!(won.closed_at.is_some(), "a stage named Won is closed won");
        let full = store.get_deal(&actor, won.id).await.unwrap();
        assert_eq!(full.contacts.len(), 1);
        assert_eq!(full.contacts[0].contact_id, hank.id);
        assert!(full.contacts[0].is_primary);
        let pilot = deals.iter().find(|d| d.name == "Initech pilot").unwrap();
        let bill = store
            .user_by_email("bill.lumbergh@csv-import.invalid")
            .await
            .unwrap()
            .expect("an owner known by name only");
        assert_eq!(pilot.owner_id, bill.id);

        let activities = store.list_activities(&actor, &all()).await.unwrap().items;
        assert_eq!(activities.len(), 2);
        let call = activities
            .iter()
            .find(|a| a.kind == ActivityKind::Call)
            .unwrap();
        assert_eq!(
            (call.deal_id, call.contact_id, call.body.as_deref()),
            (Some(won.id), Some(hank.id), Some("Budget is there"))
        );
    });

    // Again, every file: everything is found by its source id and nothing changes.
    for (object, file, more) in [
        ("accounts", "accounts.csv", &[][..]),
        ("contacts", "contacts.csv", &[][..]),
        ("deals", "deals.csv", &deal_args[..]),
        ("activities", "activities.csv", &[][..]),
    ] {
        let out = import(&data, &report, object, file, more);
        let line = out
            .lines()
            .find(|l| l.starts_with(&format!("{object} ")))
            .unwrap();
        let counts: Vec<&str> = line.split_whitespace().skip(1).collect();
        assert_eq!(&counts[..2], ["0", "0"], "{out}");
    }
}

#[test]
fn a_mapping_naming_an_unknown_field_or_a_missing_column_is_refused_before_any_row() {
    let dir = tempfile::tempdir().unwrap();
    let data = data_dir(dir.path(), "data");
    let file = format!("{DIR}/deals.csv");
    let out = baton(
        &data,
        &[
            "import",
            "csv",
            "--object",
            "deals",
            "--map",
            "colour=Value",
            &file,
        ],
    );
    assert!(!out.status.success());
    assert!(
        text(&out).contains("the mapping names \"colour\", which is not a field here"),
        "{}",
        text(&out)
    );
    let out = baton(
        &data,
        &[
            "import",
            "csv",
            "--object",
            "deals",
            "--map",
            "amount=Price",
            &file,
        ],
    );
    assert!(!out.status.success());
    assert!(
        text(&out)
            .contains("reads amount from the column \"Price\", which the header does not have"),
        "{}",
        text(&out)
    );
}
