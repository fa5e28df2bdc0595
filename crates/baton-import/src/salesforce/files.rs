//! Finding the object files in an export directory.

use super::{
    Record, SfAccount, SfContact, SfContactRole, SfEmail, SfEvent, SfOpportunity,
    SfOpportunityHistory, SfSplit, SfSplitType, SfTask, SfUser,
};
use crate::table::{FileError, Rows, open};
use std::io;
use std::path::{Path, PathBuf};

/// The objects this reader knows, in the order an importer should load them (referenced
/// records before the records that reference them).
pub const KNOWN_OBJECTS: &[&str] = &[
    SfUser::OBJECT,
    SfAccount::OBJECT,
    SfContact::OBJECT,
    SfOpportunity::OBJECT,
    SfOpportunityHistory::OBJECT,
    SfContactRole::OBJECT,
    SfSplitType::OBJECT,
    SfSplit::OBJECT,
    SfTask::OBJECT,
    SfEvent::OBJECT,
    SfEmail::OBJECT,
];

/// The files found in an export directory.
#[derive(Debug, Clone, Default)]
pub struct ExportFiles {
    /// `(object, path)` for each known object present, in [`KNOWN_OBJECTS`] order.
    pub found: Vec<(&'static str, PathBuf)>,
    /// Other `.csv` files (custom objects, objects this reader does not know), sorted.
    pub unrecognised: Vec<PathBuf>,
}

/// Lists the export files in `dir`. File names are matched case-insensitively (`task.CSV` is
/// the `Task` file); subdirectories are not searched.
pub fn read_dir(dir: &Path) -> io::Result<ExportFiles> {
    let mut found: Vec<(&'static str, PathBuf)> = Vec::new();
    let mut unrecognised = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if !path.is_file() {
            continue;
        }
        let Some(name) = path
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
        else {
            continue;
        };
        let Some(stem) = name.strip_suffix(".csv") else {
            continue;
        };
        match KNOWN_OBJECTS.iter().find(|o| o.eq_ignore_ascii_case(stem)) {
            Some(object) if !found.iter().any(|(o, _)| o == object) => found.push((object, path)),
            _ => unrecognised.push(path),
        }
    }
    found.sort_by_key(|(object, _)| KNOWN_OBJECTS.iter().position(|o| o == object));
    unrecognised.sort();
    Ok(ExportFiles {
        found,
        unrecognised,
    })
}

impl ExportFiles {
    /// The path of `object`'s file, if present.
    pub fn path(&self, object: &str) -> Option<&Path> {
        self.found
            .iter()
            .find(|(o, _)| o.eq_ignore_ascii_case(object))
            .map(|(_, p)| p.as_path())
    }

    /// Opens `T`'s file, `None` when the export does not have one.
    pub fn open<T: Record>(&self) -> Option<Result<Rows<T>, FileError>> {
        self.path(T::OBJECT).map(open::<T>)
    }
}
