//! `baton comp`: plan files checked with the line and field of each problem, and a plan applied
//! to a spreadsheet of credited deals without a database.

use serde_json::Value;
use std::process::{Command, Output};

fn baton(args: &[&str]) -> Output {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/comp");
    Command::new(env!("CARGO_BIN_EXE_baton"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run baton")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn plan_check_names_the_line_and_field_of_every_problem_and_fails() {
    let out = baton(&["comp", "plan", "check", "ae.toml", "bad.toml"]);
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "ae.toml: plan ae version 1 (Account Executive), paid in USD, quota per quarter, 2 components: ok\n"
    );
    let errors = stderr(&out);
    assert!(
        errors.contains("bad.toml: line 5, column 12: currency: unknown currency \"USX\""),
        "{errors}"
    );
    assert!(
        errors.contains("bad.toml: line 15, column 16: components[0].tiers[1].from_pct: overlap"),
        "{errors}"
    );
    assert!(
        baton(&["comp", "plan", "check", "ae.toml"])
            .status
            .success()
    );
}

#[test]
fn simulate_prints_each_reps_statement_with_split_credits_tiers_and_spifs_explained() {
    let out = baton(&[
        "comp",
        "simulate",
        "--plan",
        "ae.toml",
        "--credits",
        "credits.csv",
        "--period",
        "2026-Q3",
        "--quota",
        "100000",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let statements: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let summary: Vec<(&str, &str, &str)> = statements
        .iter()
        .map(|s| {
            (
                s["rep"].as_str().unwrap(),
                s["attainment_pct"].as_str().unwrap(),
                s["total"].as_str().unwrap(),
            )
        })
        .collect();
    // Ana: $60,000 at 10 % = $6,000; half of D-1002 is $50,000, of which $40,000 fills her quota
    // at 10 % and $10,000 lies above it at 15 %: $5,500; half the $500 SPIF: $250.
    // Ben: his half of D-1002 at 10 % = $5,000, and $250 of the SPIF.
    assert_eq!(
        summary,
        [
            ("ana@example.com", "110.00", "11750.00"),
            ("ben@example.com", "50.00", "5250.00")
        ]
    );
    let split_line = &statements[0]["lines"][1];
    assert_eq!(split_line["deal"], "D-1002");
    assert_eq!(split_line["amount"], "5500.00");
    assert_eq!(
        split_line["explain"],
        "deal D-1002: $100,000 × 50 % revenue split = $50,000 credit; attainment after this deal 110 % of $100,000 \
         → tier 0–100 %, 10 % marginal on $40,000, tier 100 %+, 15 % marginal on $10,000: \
         $40,000 × 10 % + $10,000 × 15 % = $5,500"
    );
}

#[test]
fn a_bad_row_is_named_by_file_line_and_field_and_nothing_is_printed() {
    let out = baton(&[
        "comp",
        "simulate",
        "--plan",
        "ae.toml",
        "--credits",
        "bad-credits.csv",
        "--period",
        "2026-Q3",
        "--quota",
        "100000",
    ]);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).contains("bad-credits.csv line 3: amount: \"12x\" is not an amount"),
        "{}",
        stderr(&out)
    );
    // A period of the wrong kind for the plan, and a rep with no quota, are named too.
    let out = baton(&[
        "comp",
        "simulate",
        "--plan",
        "ae.toml",
        "--credits",
        "credits.csv",
        "--period",
        "2026-07",
        "--quota",
        "1",
    ]);
    assert!(
        stderr(&out).contains("sets quotas per quarter"),
        "{}",
        stderr(&out)
    );
    let out = baton(&[
        "comp",
        "simulate",
        "--plan",
        "ae.toml",
        "--credits",
        "credits.csv",
        "--period",
        "2026-Q3",
    ]);
    assert!(
        stderr(&out).contains(
            "ana@example.com has no quota for 2026-Q3, and plan ae pays on attainment: give --quota"
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn run_and_explain_work_on_the_database_as_its_first_admin() {
    let dir = std::env::temp_dir().join(format!("baton-comp-cli-{}", std::process::id()));
    let data = dir.to_str().unwrap();
    let with_data = |args: &[&str]| {
        let mut all = vec!["--data-dir", data];
        all.extend_from_slice(args);
        baton(&all)
    };
    let added = with_data(&[
        "user",
        "add",
        "--email",
        "fin@example.com",
        "--name",
        "Fin",
        "--role",
        "admin",
        "--password",
        "a long enough secret",
    ]);
    assert!(added.status.success(), "{}", stderr(&added));
    let run = with_data(&["comp", "run", "--period", "2026-Q3"]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(
        String::from_utf8_lossy(&run.stdout),
        "2026-Q3: 0 statements computed, 0 ledger entries appended (run 1)\n"
    );
    let explain = with_data(&[
        "comp",
        "explain",
        "--email",
        "fin@example.com",
        "--period",
        "2026-Q3",
    ]);
    assert!(
        stderr(&explain).contains("fin@example.com is on no commission plan in 2026-Q3"),
        "{}",
        stderr(&explain)
    );
    let bad = with_data(&["comp", "run", "--period", "2026-Q5"]);
    assert!(stderr(&bad).contains("period"), "{}", stderr(&bad));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_deal_in_another_currency_converts_at_the_latest_rate_on_or_before_its_date() {
    let simulate = |extra: &[&str]| {
        let mut args = vec![
            "comp",
            "simulate",
            "--plan",
            "ae.toml",
            "--credits",
            "credits-eur.csv",
            "--period",
            "2026-Q3",
            "--quota",
            "100000",
        ];
        args.extend_from_slice(extra);
        baton(&args)
    };
    let out = simulate(&["--rates", "rates.csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let statements: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    // €50,000 on 20 August at the rate of 14 August (the 1 September one is later): $54,210.
    assert_eq!(statements[0]["total"], "5421.00");
    assert!(
        statements[0]["lines"][0]["explain"].as_str().unwrap().contains("€50,000 × 1.0842 (EUR→USD of 2026-08-14, the latest on or before 2026-08-20) = $54,210.00"),
        "{}",
        statements[0]
    );
    let out = simulate(&[]);
    assert!(
        stderr(&out).contains(
            "deal D-2001 is in EUR, but plan ae pays in USD; give exchange rates with --rates"
        ),
        "{}",
        stderr(&out)
    );
}
