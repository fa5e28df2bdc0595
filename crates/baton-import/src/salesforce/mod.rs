//! Reading a Salesforce Data Export: one CSV file per object, a header row of API field names.
//!
//! Each object's file is read with [`table`](crate::table) into its typed row struct; ids of 15
//! or 18 characters are normalised to 18 ([`SfId`](crate::SfId)).

mod files;
pub mod objects;
mod stages;

pub use crate::table::{FieldFailure, FileError, Record, Row, RowError, Rows, open};
pub use files::{ExportFiles, KNOWN_OBJECTS, read_dir};
pub use objects::{
    SfAccount, SfContact, SfContactRole, SfEmail, SfEvent, SfOpportunity, SfOpportunityHistory,
    SfSplit, SfSplitType, SfTask, SfUser,
};
pub use stages::{StagePicklist, StageSeen};
