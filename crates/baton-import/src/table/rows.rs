//! Streaming one export file into typed rows.

use super::decode::{Decoded, LineCounter, Start, sniff};
use super::error::{FileError, RowError};
use super::row::Row;
use super::{Record, column_name};
use csv::ByteRecord;
use std::fs::File;
use std::io::Read;
use std::marker::PhantomData;
use std::path::Path;

type Source = LineCounter<std::io::Chain<std::io::Cursor<Vec<u8>>, Box<dyn Read + Send + Sync>>>;

/// The rows of one export file, read one record at a time (memory stays bounded by the
/// largest record, whatever the file's size).
///
/// Yields `Ok(row)` or a [`RowError`] per record and never panics. Records whose fields are all
/// empty (spreadsheet leftovers like `,,,,`) are skipped. A record with more or fewer fields
/// than the header is rejected. An I/O error ends the iteration after being reported once.
pub struct Rows<T> {
    file: String,
    csv: csv::Reader<Source>,
    record: ByteRecord,
    decoded: Decoded,
    header: Vec<String>,
    columns: Vec<Option<usize>>,
    extra: Vec<usize>,
    finished: bool,
    /// The line of the last record read.
    line: u64,
    /// The byte offset the last record read starts at.
    offset: u64,
    object: PhantomData<fn() -> T>,
}

/// Opens `path` as a file of `T` records.
pub fn open<T: Record>(path: &Path) -> Result<Rows<T>, FileError> {
    open_mapped(path, &[])
}

/// Opens `path` as a file of `T` records, reading each `(field, column)` of `mapping` from that
/// column rather than the one its names would find.
pub fn open_mapped<T: Record>(
    path: &Path,
    mapping: &[(String, String)],
) -> Result<Rows<T>, FileError> {
    let file = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let handle = File::open(path).map_err(|source| FileError::Io {
        file: file.clone(),
        source,
    })?;
    Rows::mapped(file, handle, mapping)
}

impl<T: Record> Rows<T> {
    /// Reads the header of `reader`; `file` names it in errors.
    pub fn new(
        file: impl Into<String>,
        reader: impl Read + Send + Sync + 'static,
    ) -> Result<Self, FileError> {
        Self::mapped(file, reader, &[])
    }

    /// [`Rows::new`] with a mapping of fields to columns, as [`open_mapped`] takes it.
    pub fn mapped(
        file: impl Into<String>,
        reader: impl Read + Send + Sync + 'static,
        mapping: &[(String, String)],
    ) -> Result<Self, FileError> {
        let file = file.into();
        if let Some((field, _)) = mapping
            .iter()
            .find(|(field, _)| !T::COLUMNS.iter().any(|c| column_name(c) == field))
        {
            return Err(FileError::UnknownField {
                file,
                field: field.clone(),
                known: T::COLUMNS.iter().map(|c| column_name(c)).collect(),
            });
        }
        let io = |source| FileError::Io {
            file: file.clone(),
            source,
        };
        let source = match sniff(Box::new(reader)).map_err(io)? {
            Start::Text(source) => LineCounter::new(source),
            Start::Utf16 => return Err(FileError::Utf16 { file }),
        };
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(1 << 16)
            .from_reader(source);
        let mut record = ByteRecord::new();
        let mut decoded = Decoded::default();
        let read = csv
            .read_byte_record(&mut record)
            .map_err(|e| FileError::Io {
                file: file.clone(),
                source: e.into(),
            })?;
        if !read {
            return Err(FileError::Empty { file });
        }
        decoded.decode(&record);
        let header: Vec<String> = (0..decoded.len())
            .map(|i| decoded.get(i).unwrap_or("").trim().to_owned())
            .collect();
        let mut claimed = vec![false; header.len()];
        let columns: Vec<Option<usize>> = T::COLUMNS
            .iter()
            .map(|names| {
                let mapped = mapping.iter().find(|(f, _)| f == column_name(names));
                let i = header.iter().zip(&claimed).position(|(h, taken)| {
                    !taken
                        && match mapped {
                            Some((_, column)) => h.eq_ignore_ascii_case(column),
                            None => names.split('|').any(|name| h.eq_ignore_ascii_case(name)),
                        }
                })?;
                claimed[i] = true;
                Some(i)
            })
            .collect();
        if let Some((field, column)) = mapping.iter().find(|(field, _)| {
            let at = T::COLUMNS.iter().position(|c| column_name(c) == field);
            at.and_then(|at| columns[at]).is_none()
        }) {
            return Err(FileError::MappedColumnMissing {
                file,
                field: field.clone(),
                column: column.clone(),
            });
        }
        if T::FIRST_REQUIRED && columns.first().copied().flatten().is_none() {
            return Err(FileError::MissingColumn {
                file,
                column: column_name(T::COLUMNS[0]),
            });
        }
        let extra = (0..header.len()).filter(|&i| !claimed[i]).collect();
        Ok(Self {
            file,
            csv,
            record,
            decoded,
            header,
            columns,
            extra,
            finished: false,
            line: 1,
            offset: 0,
            object: PhantomData,
        })
    }

    /// The physical line the last record returned starts on (1-based; the header is line 1),
    /// for errors an importer finds in a row the reader accepted (a dangling reference).
    pub fn line(&self) -> u64 {
        self.line
    }

    /// How far into the file the last record read starts, in bytes: progress through it.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// The file's name, as errors give it.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The header as written (trimmed).
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// Header names the object does not know; their values end up in each row's `extra`.
    pub fn extra_columns(&self) -> impl Iterator<Item = &str> {
        self.extra.iter().map(|&i| self.header[i].as_str())
    }

    /// Known columns the file lacks (their fields read as empty).
    pub fn missing_columns(&self) -> Vec<&'static str> {
        T::COLUMNS
            .iter()
            .zip(&self.columns)
            .filter(|(_, c)| c.is_none())
            .map(|(name, _)| column_name(name))
            .collect()
    }

    /// Each of `T`'s fields with the header column it is read from, if any: the mapping a
    /// preview shows to be confirmed.
    pub fn mapping(&self) -> Vec<(&'static str, Option<&str>)> {
        T::COLUMNS
            .iter()
            .zip(&self.columns)
            .map(|(name, c)| (column_name(name), c.map(|i| self.header[i].as_str())))
            .collect()
    }

    /// The next record's cells as text, not read as a `T` (for a preview); `None` at the end
    /// of the file or at a record that cannot be read.
    pub fn next_cells(&mut self) -> Option<Vec<String>> {
        if self.finished || !self.csv.read_byte_record(&mut self.record).ok()? {
            self.finished = true;
            return None;
        }
        self.decoded.decode(&self.record);
        Some(
            (0..self.decoded.len())
                .map(|i| self.decoded.get(i).unwrap_or("").to_owned())
                .collect(),
        )
    }

    fn error(&self, line: u64, field: Option<String>, reason: String) -> RowError {
        RowError {
            file: self.file.clone(),
            line,
            field,
            reason,
        }
    }
}

impl<T: Record> Iterator for Rows<T> {
    type Item = Result<T, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.finished {
            match self.csv.read_byte_record(&mut self.record) {
                Ok(true) => {}
                Ok(false) => self.finished = true,
                Err(e) => {
                    self.finished = true;
                    let line = e.position().map_or(0, csv::Position::line);
                    return Some(Err(self.error(
                        line,
                        None,
                        format!("could not be read: {e}"),
                    )));
                }
            }
            if self.finished {
                break;
            }
            let byte = self.record.position().map_or(0, csv::Position::byte);
            let line = self.csv.get_mut().line_at(byte);
            self.line = line;
            self.offset = byte;
            if self.record.iter().all(<[u8]>::is_empty) {
                continue;
            }
            if self.record.len() != self.header.len() {
                let reason = format!(
                    "has {} fields but the header has {}; the row is not read",
                    self.record.len(),
                    self.header.len()
                );
                return Some(Err(self.error(line, None, reason)));
            }
            self.decoded.decode(&self.record);
            let row = Row {
                decoded: &self.decoded,
                columns: &self.columns,
                names: T::COLUMNS,
                header: &self.header,
                extra: &self.extra,
            };
            return Some(
                T::from_row(&row).map_err(|f| self.error(line, Some(f.field.to_owned()), f.reason)),
            );
        }
        None
    }
}
