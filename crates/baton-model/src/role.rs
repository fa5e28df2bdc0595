//! Roles: what a user may see and do.

crate::string_enum! {
    /// A user's one role in the organisation.
    ///
    /// Visibility by role: admin and coordinator see everything; a manager sees records owned by
    /// their team's members, recursively down the teams they manage; a rep sees what they own plus
    /// the accounts and contacts of their deals; finance reads deals, users and commission data and
    /// edits no CRM records.
    pub enum Role as "role" {
        /// Manages the organisation: users, teams, pipelines, custom fields, tokens.
        Admin = "admin",
        /// Runs the sales operation day to day: sees and edits all CRM records.
        Coordinator = "coordinator",
        /// Leads a team: sees and edits their team's records.
        Manager = "manager",
        /// Sells: sees and edits their own records.
        Rep = "rep",
        /// Reads deals and users for commissions; edits no CRM records.
        Finance = "finance",
    }
}

impl Role {
    /// Whether this role may create and change accounts, contacts, deals and activities at all.
    pub fn edits_crm_records(self) -> bool {
        !matches!(self, Role::Finance)
    }

    /// Whether this role manages organisation settings, users, teams, pipelines and fields.
    pub fn is_admin(self) -> bool {
        matches!(self, Role::Admin)
    }
}

#[cfg(test)]
mod tests {
    use super::Role;

    #[test]
    fn roles_round_trip_through_their_names_and_unknown_names_list_the_choices() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), *role);
        }
        assert_eq!("Manager".parse::<Role>().unwrap(), Role::Manager);
        let err = "boss".parse::<Role>().unwrap_err().to_string();
        assert_eq!(
            err,
            "unknown role \"boss\": expected one of admin, coordinator, manager, rep, finance"
        );
    }
}
