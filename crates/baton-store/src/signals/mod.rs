//! Signals in the store: the engine's input gathered from the whole organisation
//! ([`input`]), and its findings kept with their history and what people did about them, each
//! open deal's win probability, and the latest forecast ([`findings`]).

mod findings;
mod input;

pub use findings::{FindingFilter, FindingStatus, RefreshSummary, StoredFinding, WinOdds};
