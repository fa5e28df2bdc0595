//! Helpers shared by the tests.

use baton_import::salesforce::{Record, RowError, Rows};
use baton_import::{GenerateConfig, GenerateSummary, generate};
use std::io::Cursor;
use std::path::Path;

/// Reads `bytes` as a file of `T` records and splits the outcome.
pub fn read<T: Record>(name: &str, bytes: impl Into<Vec<u8>>) -> (Vec<T>, Vec<RowError>) {
    let rows = Rows::<T>::new(name, Cursor::new(bytes.into())).expect("the header is readable");
    let mut ok = Vec::new();
    let mut errors = Vec::new();
    for row in rows {
        match row {
            Ok(row) => ok.push(row),
            Err(e) => errors.push(e),
        }
    }
    (ok, errors)
}

/// A small org, quick to generate in a debug build.
pub fn small_config(seed: u64) -> GenerateConfig {
    GenerateConfig {
        reps: 12,
        accounts: 150,
        deals: 600,
        activities: 6_000,
        seed,
        ..GenerateConfig::default()
    }
}

/// Generates `config` into `dir`.
pub fn generated(config: &GenerateConfig, dir: &Path) -> GenerateSummary {
    generate(config, dir).expect("generation succeeds")
}
