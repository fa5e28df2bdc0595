//! The `baton` command line, run as a user runs it: one test binary for every subcommand.

mod backup;
mod calendar;
mod comp;
mod csv;
mod export;
mod hubspot;
mod import;
mod support;
