//! `baton export --out FILE.zip`: the whole organisation as a Salesforce Data Export, written
//! as the operator (the first admin) like `baton import`, so nothing is left out. The format is
//! `baton_server::export::org`'s; `docs/export.md` describes it.

use crate::cli::Cli;
use anyhow::Context;
use clap::Args;
use std::path::PathBuf;

#[derive(Args)]
pub struct ExportArgs {
    /// The zip file to write; an existing file is never overwritten.
    #[arg(long, env = "BATON_EXPORT_OUT")]
    out: PathBuf,
}

/// Runs `baton export`.
pub async fn run(cli: &Cli, args: &ExportArgs) -> anyhow::Result<()> {
    let store = cli.open().await?;
    let actor = crate::comp::operator(&store, None).await?;
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let started = std::time::Instant::now();
    let written = baton_server::export::write_org(&store, &actor, std::io::BufWriter::new(file))
        .await
        .with_context(|| format!("writing {}", args.out.display()));
    let written = match written {
        Ok(w) => w,
        Err(e) => {
            // A half-written zip is no export.
            let _ = std::fs::remove_file(&args.out);
            return Err(e);
        }
    };
    let mut total = 0;
    for (file, rows) in &written.files {
        println!("{file:<32} {rows:>12} rows");
        total += rows;
    }
    println!(
        "{total} rows in {:.1} s into {}",
        started.elapsed().as_secs_f64(),
        args.out.display()
    );
    Ok(())
}
