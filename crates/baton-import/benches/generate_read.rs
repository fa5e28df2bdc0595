//! Generating and reading a Salesforce-shaped export of 100,000 opportunities, 1,000,000
//! activities and matching accounts, contacts, history, roles and splits (about 2 million rows).
//!
//! * `generate`: [`baton_import::generate`] into a temporary directory.
//! * `read`: every file of that export through the typed reader, all rows parsed.
//!
//! Throughput is reported in rows per second (every CSV row, all files together). Before
//! measuring, it prints each file's row count and the size on disk.
//!
//! Run with `cargo bench -p baton-import --bench generate_read`.
#![expect(clippy::cast_precision_loss, reason = "sizes far below 2^52")]

use baton_import::salesforce::{
    self, ExportFiles, Record, SfAccount, SfContact, SfContactRole, SfEmail, SfEvent,
    SfOpportunity, SfOpportunityHistory, SfSplit, SfSplitType, SfTask, SfUser,
};
use baton_import::{GenerateConfig, generate};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;

fn config() -> GenerateConfig {
    GenerateConfig {
        reps: 100,
        accounts: 10_000,
        deals: 100_000,
        activities: 1_000_000,
        seed: 42,
        ..GenerateConfig::default()
    }
}

/// Reads every row of `T`'s file; returns rows read.
fn drain<T: Record>(files: &ExportFiles) -> u64 {
    let Some(rows) = files.open::<T>() else {
        return 0;
    };
    let mut n = 0;
    for row in rows.expect("readable header") {
        black_box(row.expect("no row errors"));
        n += 1;
    }
    n
}

fn read_all(files: &ExportFiles) -> u64 {
    drain::<SfUser>(files)
        + drain::<SfAccount>(files)
        + drain::<SfContact>(files)
        + drain::<SfOpportunity>(files)
        + drain::<SfOpportunityHistory>(files)
        + drain::<SfContactRole>(files)
        + drain::<SfSplitType>(files)
        + drain::<SfSplit>(files)
        + drain::<SfTask>(files)
        + drain::<SfEvent>(files)
        + drain::<SfEmail>(files)
}

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let summary = generate(&config(), dir.path()).expect("generation succeeds");
    let mut bytes = 0;
    for (file, rows) in &summary.files {
        let size = std::fs::metadata(dir.path().join(file)).map_or(0, |m| m.len());
        bytes += size;
        println!("{file:<28} {rows:>10} rows {:>8.1} MB", size as f64 / 1e6);
    }
    let rows = summary.total_rows();
    println!(
        "{:<28} {rows:>10} rows {:>8.1} MB",
        "total",
        bytes as f64 / 1e6
    );
    let files = salesforce::read_dir(dir.path()).expect("export directory");

    let mut group = c.benchmark_group("export_100k_deals");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(25));
    group.throughput(Throughput::Elements(rows));
    group.bench_function("generate", |b| {
        let out = tempfile::tempdir().expect("temporary directory");
        b.iter(|| generate(&config(), out.path()).expect("generation succeeds"));
    });
    group.bench_function("read", |b| {
        b.iter(|| assert_eq!(read_all(&files), rows));
    });
    group.finish();
}

criterion_group!(generate_read, benches);
criterion_main!(generate_read);
