//! The generator: determinism, internal consistency, and a clean round trip through the reader.

use crate::support::{generated, small_config};
use baton_import::salesforce::{
    self, ExportFiles, Record, RowError, SfContactRole, SfEmail, SfEvent, SfOpportunity,
    SfOpportunityHistory, SfSplit, SfTask, StagePicklist,
};
use baton_import::{GenerateConfig, SfId, generate};
use std::collections::HashMap;
use std::path::Path;

fn all<T: Record>(files: &ExportFiles) -> Vec<T> {
    let rows = files
        .open::<T>()
        .expect("file present")
        .expect("header readable");
    rows.collect::<Result<Vec<T>, RowError>>()
        .expect("no row errors")
}

fn bytes_of(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&path).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn the_same_seed_gives_byte_identical_files_and_another_seed_does_not() {
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    generated(&small_config(7), a.path());
    generated(&small_config(7), b.path());
    generated(&small_config(8), c.path());
    let (a, b, c) = (bytes_of(a.path()), bytes_of(b.path()), bytes_of(c.path()));
    assert_eq!(a.len(), 12, "eleven CSV files and the ground truth");
    assert!(a == b, "same seed, same bytes");
    for ((name, x), (_, y)) in a.iter().zip(&c) {
        if name != "OpportunitySplitType.csv" {
            assert_ne!(x, y, "{name} should differ with another seed");
        }
    }
}

#[test]
fn a_generated_export_reads_back_with_zero_row_errors_and_the_counts_it_reports() {
    let dir = tempfile::tempdir().unwrap();
    let config = small_config(1);
    let summary = generated(&config, dir.path());
    let files = salesforce::read_dir(dir.path()).unwrap();
    assert_eq!(files.found.len(), 11);
    assert!(files.unrecognised.is_empty());
    macro_rules! count {
        ($t:ty) => {{
            let rows = all::<$t>(&files);
            assert_eq!(
                rows.len() as u64,
                summary.rows(&format!("{}.csv", <$t>::OBJECT)),
                "{}",
                <$t>::OBJECT
            );
            rows.len() as u64
        }};
    }
    count!(salesforce::SfUser);
    count!(salesforce::SfAccount);
    count!(salesforce::SfContact);
    assert_eq!(count!(SfOpportunity), config.deals);
    count!(SfOpportunityHistory);
    count!(SfContactRole);
    count!(salesforce::SfSplitType);
    count!(SfSplit);
    let activities = count!(SfTask) + count!(SfEvent) + count!(SfEmail);
    assert_eq!(activities, config.activities, "the activity count is exact");
    assert_eq!(
        summary.rows("User.csv"),
        12 + 1 + 2,
        "reps, the VP, a manager per eight reps"
    );
}

#[test]
fn every_history_starts_at_creation_and_ends_in_its_opportunitys_final_state() {
    let dir = tempfile::tempdir().unwrap();
    generated(&small_config(3), dir.path());
    let files = salesforce::read_dir(dir.path()).unwrap();
    let mut history: HashMap<SfId, Vec<SfOpportunityHistory>> = HashMap::new();
    for h in all::<SfOpportunityHistory>(&files) {
        history
            .entry(h.opportunity_id.unwrap())
            .or_default()
            .push(h);
    }
    let mut picklist = StagePicklist::new();
    for o in all::<SfOpportunity>(&files) {
        picklist.add_opportunity(&o);
        let rows = &history[&o.id];
        let (first, last) = (&rows[0], rows.last().unwrap());
        assert_eq!(first.created_date, o.created_date, "{}", o.id);
        assert!(
            rows.windows(2)
                .all(|w| w[0].created_date <= w[1].created_date)
        );
        assert_eq!(last.stage_name, o.stage_name, "{}", o.id);
        assert_eq!(last.close_date, o.close_date, "{}", o.id);
        assert_eq!(last.probability, o.probability, "{}", o.id);
        let amount = o.amount.unwrap();
        let minor = baton_import::parse::to_minor(last.amount.unwrap(), amount.currency.exponent());
        assert_eq!(minor, Ok(amount.minor), "{}", o.id);
        let closed = matches!(o.stage_name.as_deref(), Some("Closed Won" | "Closed Lost"));
        assert_eq!(o.is_closed, Some(closed));
        assert_eq!(
            o.is_won,
            Some(o.stage_name.as_deref() == Some("Closed Won"))
        );
        if closed {
            assert!(
                rows[..rows.len() - 1].iter().all(|h| !h
                    .stage_name
                    .as_deref()
                    .unwrap()
                    .starts_with("Closed"))
            );
        }
    }
    let names: Vec<String> = picklist.finish().into_iter().map(|s| s.name).collect();
    assert_eq!(
        names,
        [
            "Prospecting",
            "Qualification",
            "Needs Analysis",
            "Value Proposition",
            "Proposal/Price Quote",
            "Negotiation/Review",
            "Closed Won",
            "Closed Lost"
        ]
    );
}

#[test]
fn revenue_splits_total_100_and_replies_answer_an_earlier_email_of_their_thread() {
    let dir = tempfile::tempdir().unwrap();
    generated(&small_config(5), dir.path());
    let files = salesforce::read_dir(dir.path()).unwrap();
    let types = all::<salesforce::SfSplitType>(&files);
    let revenue = types
        .iter()
        .find(|t| t.is_total_validated == Some(true))
        .unwrap()
        .id;
    let mut totals: HashMap<SfId, rust_decimal::Decimal> = HashMap::new();
    for s in all::<SfSplit>(&files)
        .into_iter()
        .filter(|s| s.split_type_id == Some(revenue))
    {
        *totals.entry(s.opportunity_id.unwrap()).or_default() += s.split_percentage.unwrap();
    }
    assert_eq!(totals.len() as u64, small_config(5).deals);
    assert!(
        totals
            .values()
            .all(|t| *t == rust_decimal::Decimal::ONE_HUNDRED)
    );

    let emails = all::<SfEmail>(&files);
    let by_id: HashMap<SfId, &SfEmail> = emails.iter().map(|e| (e.id, e)).collect();
    let mut replies = 0;
    for e in emails.iter().filter(|e| e.incoming == Some(true)) {
        let asked = by_id[&e.reply_to_email_message_id.unwrap()];
        assert_eq!(asked.thread_identifier, e.thread_identifier);
        assert!(asked.message_date < e.message_date);
        assert_eq!(asked.to_address, e.from_address);
        replies += 1;
    }
    assert!(replies > 100, "replies: {replies}");
}

#[test]
fn the_ground_truth_names_planted_reps_and_accounts_of_the_export() {
    let dir = tempfile::tempdir().unwrap();
    let summary = generated(&small_config(9), dir.path());
    assert_eq!((summary.struggling_reps, summary.sideways_accounts), (1, 5));
    let text = std::fs::read_to_string(dir.path().join("ground_truth.json")).unwrap();
    let truth: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(truth["as_of"], "2026-11-01");
    let users = std::fs::read_to_string(dir.path().join("User.csv")).unwrap();
    let rep = &truth["struggling_reps"][0];
    assert!(users.contains(rep["user_id"].as_str().unwrap()));
    assert!(rep["activity_drops_from"].as_str().unwrap() < rep["wins_drop_from"].as_str().unwrap());
    let accounts = std::fs::read_to_string(dir.path().join("Account.csv")).unwrap();
    for account in truth["sideways_accounts"].as_array().unwrap() {
        assert!(accounts.contains(account["account_id"].as_str().unwrap()));
    }
}

#[test]
fn generation_needs_at_least_one_rep_and_one_account() {
    let dir = tempfile::tempdir().unwrap();
    let config = GenerateConfig {
        reps: 0,
        ..small_config(1)
    };
    assert_eq!(
        generate(&config, dir.path()).unwrap_err().kind(),
        std::io::ErrorKind::InvalidInput
    );
    let tiny = GenerateConfig {
        reps: 1,
        accounts: 1,
        deals: 3,
        activities: 10,
        ..small_config(1)
    };
    let summary = generated(&tiny, dir.path());
    assert_eq!(summary.rows("Opportunity.csv"), 3);
    assert_eq!(
        summary.rows("Task.csv") + summary.rows("Event.csv") + summary.rows("EmailMessage.csv"),
        10
    );
}
