//! Who is asking.

use baton_model::{Role, UserId};

/// The signed-in user on whose behalf a store call runs. Every read and write takes one, and the
/// SQL it runs is limited to what this actor may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub user_id: UserId,
    pub role: Role,
}

impl Actor {
    /// Refuses roles that may not change CRM records (finance).
    pub(crate) fn ensure_edits_crm(&self) -> crate::Result<()> {
        if self.role.edits_crm_records() {
            Ok(())
        } else {
            Err(crate::StoreError::Forbidden(format!(
                "the {} role cannot change CRM records",
                self.role
            )))
        }
    }

    /// Refuses everyone but admins.
    pub(crate) fn ensure_admin(&self) -> crate::Result<()> {
        if self.role.is_admin() {
            Ok(())
        } else {
            Err(crate::StoreError::Forbidden(
                "only an admin can do this".into(),
            ))
        }
    }
}
