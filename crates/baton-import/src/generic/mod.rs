//! Reading any CSV of accounts, contacts, deals or activities: each Baton field is found under
//! its own name (`close_date`) or a common header for it (`Close Date`, `Expected Close`), or
//! from the column a mapping names ([`open_mapped`](crate::table::open_mapped)).
//!
//! References are by what a spreadsheet holds: an account by name or domain, a contact by email,
//! a deal by name or id, an owner by email or name ([`OwnerRef`](crate::parse::OwnerRef)). The
//! `id` column is optional; when present it identifies the row across imports.

mod account;
mod activity;
mod contact;
mod deal;

pub use account::CsvAccount;
pub use activity::CsvActivity;
pub use contact::CsvContact;
pub use deal::CsvDeal;

use crate::table::Record;

/// The objects a CSV can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvObject {
    Accounts,
    Contacts,
    Deals,
    Activities,
}

impl CsvObject {
    /// The fields of the object's rows, as a mapping names them.
    pub fn fields(self) -> Vec<&'static str> {
        let columns = match self {
            CsvObject::Accounts => CsvAccount::COLUMNS,
            CsvObject::Contacts => CsvContact::COLUMNS,
            CsvObject::Deals => CsvDeal::COLUMNS,
            CsvObject::Activities => CsvActivity::COLUMNS,
        };
        columns
            .iter()
            .map(|c| crate::table::column_name(c))
            .collect()
    }
}
