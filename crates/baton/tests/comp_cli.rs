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
