//! `baton`: the one binary. It wires configuration (flags and `BATON_*` environment variables)
//! to the store and the server; the work itself lives in the library crates.
#![forbid(unsafe_code)]

mod calendar;
mod cli;
mod comp;
mod demo;
mod export;
mod import;
mod signals;

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    cli::init_logging(&cli);
    match cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
