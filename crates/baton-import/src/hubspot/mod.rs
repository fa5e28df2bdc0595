//! Reading HubSpot's CSV exports: companies, contacts, deals, activities (calls, emails,
//! meetings, notes, tasks, or all of them in one engagements file) and, when the export has
//! one, the owners list.
//!
//! HubSpot names an export file after what it holds (`hubspot-crm-exports-all-deals-2026-11-01.csv`),
//! so files are recognised by the word in their name (see [`read_dir`]). A column is matched
//! under its label as the export UI writes it (`Deal Stage`) or its internal property name as
//! the API and full-data exports write it (`dealstage`). Other columns are kept per row in
//! `extra`; a deal's `Date entered "<stage> (<pipeline>)"` columns (or `hs_date_entered_<stage>`)
//! become its stage history.
//!
//! Ids are HubSpot's numeric record ids, unique per object. Owners are named however the export
//! names them: an owner id, an email address, `Name (email)` or just a name ([`OwnerRef`](crate::parse::OwnerRef)).
//! Times are ISO or US forms as [`parse`](crate::parse) reads them, or milliseconds since the
//! epoch as the API writes them.

mod files;
mod objects;

pub use files::{HubSpotFile, HubSpotFiles, HubSpotObject, read_dir};
pub use objects::{
    EngagementKind, HsCompany, HsContact, HsDeal, HsEngagement, HsOwner, StageEntered,
};
