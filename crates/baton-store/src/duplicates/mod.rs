//! Duplicate accounts and contacts: finding them ([`find`]), merging them into one record
//! ([`merge`]) and undoing a merge ([`undo`]). The rules are in `docs/duplicates.md`.

mod fields;
mod find;
mod merge;
mod undo;

use crate::{Actor, Result, StoreError};
use baton_model::Role;

/// Admins and coordinators merge duplicates and dismiss them: keeping the data clean is the
/// coordinator's job.
pub(crate) fn ensure_merger(actor: &Actor) -> Result<()> {
    if matches!(actor.role, Role::Admin | Role::Coordinator) {
        Ok(())
    } else {
        Err(StoreError::Forbidden(
            "only admins and coordinators can merge duplicates".into(),
        ))
    }
}
