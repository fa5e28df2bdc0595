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

use crate::table::{FileError, Record, open_mapped};
use baton_model::imports::{CsvObject, ImportPreview, MappedField};
use std::path::Path;

/// The fields of `object`'s rows, as a mapping names them.
pub fn fields(object: CsvObject) -> Vec<&'static str> {
    let columns = match object {
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

/// The header of the CSV at `path`, its first `rows` rows, and the column each of `object`'s
/// fields is read from under `mapping` (as [`open_mapped`](crate::table::open_mapped) takes
/// it): what an import shows before it starts.
pub fn preview(
    object: CsvObject,
    path: &Path,
    mapping: &[(String, String)],
    rows: usize,
) -> Result<ImportPreview, FileError> {
    fn read<T: Record>(
        path: &Path,
        mapping: &[(String, String)],
        rows: usize,
    ) -> Result<ImportPreview, FileError> {
        let mut file = open_mapped::<T>(path, mapping)?;
        let fields = file
            .mapping()
            .into_iter()
            .map(|(field, column)| MappedField {
                field: field.to_owned(),
                column: column.map(str::to_owned),
            })
            .collect();
        Ok(ImportPreview {
            header: file.header().to_vec(),
            rows: std::iter::from_fn(|| file.next_cells())
                .take(rows)
                .collect(),
            fields,
        })
    }
    match object {
        CsvObject::Accounts => read::<CsvAccount>(path, mapping, rows),
        CsvObject::Contacts => read::<CsvContact>(path, mapping, rows),
        CsvObject::Deals => read::<CsvDeal>(path, mapping, rows),
        CsvObject::Activities => read::<CsvActivity>(path, mapping, rows),
    }
}
