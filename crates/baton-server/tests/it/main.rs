//! Integration tests: the real server on port 0, over HTTP, on SQLite and (when
//! `BATON_TEST_POSTGRES_URL` is set) on PostgreSQL. One binary keeps link time low.

mod helpers;

mod bad_input;
mod board;
mod calendar;
mod commissions;
mod comp_carry;
mod concurrency;
mod crud;
mod duplicates;
mod export;
mod history;
mod idempotency;
mod import;
mod import_jobs;
mod operations;
mod reports;
mod signals;
mod sql;
mod sql_page;
mod visibility;
mod web;
