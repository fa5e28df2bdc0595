//! Finding the files of a HubSpot export and what each holds.

use super::objects::EngagementKind;
use std::io;
use std::path::{Path, PathBuf};

/// What a HubSpot export file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum HubSpotObject {
    /// The owners list (id, email, name), when the export has one.
    Owners,
    Companies,
    Contacts,
    Deals,
    /// Activities: of the kind the file is named after, or of each row's own type column.
    Engagements(Option<EngagementKind>),
}

/// One export file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubSpotFile {
    pub object: HubSpotObject,
    pub path: PathBuf,
}

/// The files found in an export directory, in the order an importer loads them (owners,
/// companies, contacts, deals, then activities), and the other CSV files.
#[derive(Debug, Clone, Default)]
pub struct HubSpotFiles {
    pub found: Vec<HubSpotFile>,
    pub unrecognised: Vec<PathBuf>,
}

impl HubSpotFiles {
    /// The files holding `object`'s records (an export may split one object over several).
    pub fn of(&self, object: HubSpotObject) -> impl Iterator<Item = &Path> {
        self.found
            .iter()
            .filter(move |f| f.object == object)
            .map(|f| f.path.as_path())
    }

    /// The activity files, each with the kind its name implies.
    pub fn engagements(&self) -> impl Iterator<Item = (Option<EngagementKind>, &Path)> {
        self.found.iter().filter_map(|f| match f.object {
            HubSpotObject::Engagements(kind) => Some((kind, f.path.as_path())),
            _ => None,
        })
    }
}

/// What a file name says the file holds: the first of these words in it, case-insensitively.
/// Checked in this order, so `deal-contacts` would be contacts; HubSpot's own names hold one.
const NAMES: &[(&str, HubSpotObject)] = &[
    ("owner", HubSpotObject::Owners),
    ("compan", HubSpotObject::Companies),
    ("contact", HubSpotObject::Contacts),
    ("deal", HubSpotObject::Deals),
    ("engagement", HubSpotObject::Engagements(None)),
    ("activit", HubSpotObject::Engagements(None)),
    (
        "call",
        HubSpotObject::Engagements(Some(EngagementKind::Call)),
    ),
    (
        "email",
        HubSpotObject::Engagements(Some(EngagementKind::Email)),
    ),
    (
        "meeting",
        HubSpotObject::Engagements(Some(EngagementKind::Meeting)),
    ),
    (
        "note",
        HubSpotObject::Engagements(Some(EngagementKind::Note)),
    ),
    (
        "task",
        HubSpotObject::Engagements(Some(EngagementKind::Task)),
    ),
];

/// Lists the export files in `dir` (subdirectories are not searched).
pub fn read_dir(dir: &Path) -> io::Result<HubSpotFiles> {
    let mut files = HubSpotFiles::default();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let Some(stem) = path
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .and_then(|n| n.strip_suffix(".csv").map(str::to_owned))
        else {
            continue;
        };
        if !path.is_file() {
            continue;
        }
        match NAMES.iter().find(|(word, _)| stem.contains(word)) {
            Some(&(_, object)) => files.found.push(HubSpotFile { object, path }),
            None => files.unrecognised.push(path),
        }
    }
    files
        .found
        .sort_by(|a, b| (a.object, &a.path).cmp(&(b.object, &b.path)));
    files.unrecognised.sort();
    Ok(files)
}
