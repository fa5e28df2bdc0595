//! Running `baton` on a data directory and reading what it said.

use std::path::Path;
use std::process::{Command, Output};

/// `baton --data-dir DATA ARGS…` on the embedded database, whatever the environment says.
pub fn baton(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_baton"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("BATON_DATABASE_URL")
        .output()
        .expect("run baton")
}

/// Stdout and stderr together.
pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
