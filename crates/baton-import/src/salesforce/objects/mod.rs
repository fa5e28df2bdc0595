//! One typed row struct per Salesforce object, with the columns it knows.
//!
//! Field names follow the Salesforce API names in snake case. Every field except `id` is
//! optional, because real exports leave out columns the exporting user could not see; an
//! importer decides which absences matter. Columns an object does not know are kept in `extra`.

pub mod account;
pub mod contact;
pub mod contact_role;
pub mod email;
pub mod event;
pub mod history;
pub mod opportunity;
pub mod split;
pub mod split_type;
pub mod task;
pub mod user;

pub use account::SfAccount;
pub use contact::SfContact;
pub use contact_role::SfContactRole;
pub use email::SfEmail;
pub use event::SfEvent;
pub use history::SfOpportunityHistory;
pub use opportunity::SfOpportunity;
pub use split::SfSplit;
pub use split_type::SfSplitType;
pub use task::SfTask;
pub use user::SfUser;
