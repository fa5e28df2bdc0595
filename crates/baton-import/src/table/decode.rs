//! Bytes to text: byte-order marks, UTF-8, and the Windows-1252 fallback.
//!
//! The encoding is decided **per record**: a record whose fields are all valid UTF-8 is read as
//! UTF-8, any other record is read as Windows-1252 (the superset of Latin-1 that Excel and most
//! Windows tools write; its 27 printable characters in 0x80–0x9F, such as `€` and curly quotes,
//! are mapped, and the five bytes it leaves undefined map to the Latin-1 control characters of
//! the same value, so every byte decodes). Per record rather than per file because the reader
//! streams and cannot look at the whole file first, and because a UTF-8 export with a few rows
//! edited in a Latin-1 tool still reads correctly. The one thing no reader can tell apart is
//! Latin-1 text that happens to be valid UTF-8 (`Ã©`); such a record is read as UTF-8.
//!
//! A UTF-8 byte-order mark at the start of a file is dropped. A UTF-16 mark refuses the file.

use csv::ByteRecord;
use std::collections::VecDeque;
use std::io::{self, Read};

/// Windows-1252 characters for bytes 0x80–0x9F (`'\0'` where undefined).
const CP1252_HIGH: [char; 32] = [
    '€', '\0', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\0', 'Ž', '\0', '\0', '‘',
    '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\0', 'ž', 'Ÿ',
];

/// What the first bytes of a file say about its encoding.
pub(crate) enum Start {
    /// UTF-8 or an 8-bit encoding, with any UTF-8 byte-order mark removed.
    Text(io::Chain<io::Cursor<Vec<u8>>, Box<dyn Read + Send + Sync>>),
    /// A UTF-16 byte-order mark.
    Utf16,
}

/// Reads the first bytes and drops a UTF-8 byte-order mark.
pub(crate) fn sniff(mut reader: Box<dyn Read + Send + Sync>) -> io::Result<Start> {
    let mut head = [0_u8; 3];
    let mut n = 0;
    while n < head.len() {
        match reader.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let head = &head[..n];
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return Ok(Start::Utf16);
    }
    let skip = if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    Ok(Start::Text(
        io::Cursor::new(head[skip..].to_vec()).chain(reader),
    ))
}

/// A reader that notes where the newlines it passes on are, so that a record's byte offset can
/// be turned into the physical line it starts on. (The CSV parser's own line count skips
/// newlines inside quoted fields, and a record's offset can point at the previous line's `\n`
/// after a `\r`, or at blank lines before it.) Only newlines not yet passed are kept: memory is
/// bounded by the parser's read-ahead plus the largest record.
pub(crate) struct LineCounter<R> {
    inner: R,
    offset: u64,
    last_byte: u8,
    /// Offsets of newlines ahead, each with whether a `\r` came right before it.
    newlines: VecDeque<(u64, bool)>,
    passed: u64,
}

impl<R> LineCounter<R> {
    pub(crate) fn new(inner: R) -> Self {
        Self {
            inner,
            offset: 0,
            last_byte: 0,
            newlines: VecDeque::new(),
            passed: 0,
        }
    }

    /// The 1-based line of the first byte of a record found at `offset`, skipping line ends
    /// and blank lines before it; offsets must not decrease between calls.
    pub(crate) fn line_at(&mut self, mut offset: u64) -> u64 {
        while let Some(&(at, after_cr)) = self.newlines.front() {
            let skip = at <= offset || (after_cr && at == offset + 1);
            if !skip {
                break;
            }
            if at >= offset {
                offset = at + 1;
            }
            self.newlines.pop_front();
            self.passed += 1;
        }
        self.passed + 1
    }
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let data = &buf[..n];
        let mut from = 0;
        while let Some(i) = find_newline(&data[from..]) {
            let at = from + i;
            let before = if at == 0 {
                self.last_byte
            } else {
                data[at - 1]
            };
            self.newlines
                .push_back((self.offset + at as u64, before == b'\r'));
            from = at + 1;
        }
        if let Some(&last) = data.last() {
            self.last_byte = last;
        }
        self.offset += n as u64;
        Ok(n)
    }
}

/// The index of the first `\n`, eight bytes at a time (the "has zero byte" trick: the lowest
/// flagged byte is always a true match).
fn find_newline(data: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut chunks = data.chunks_exact(8);
    for (k, chunk) in chunks.by_ref().enumerate() {
        let word =
            u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8])) ^ (ONES * u64::from(b'\n'));
        let found = word.wrapping_sub(ONES) & !word & HIGHS;
        if found != 0 {
            return Some(k * 8 + (found.trailing_zeros() / 8) as usize);
        }
    }
    let tail = chunks.remainder();
    let at = data.len() - tail.len();
    tail.iter().position(|&b| b == b'\n').map(|p| at + p)
}

/// One record's fields as text, reusing its buffers from record to record.
#[derive(Default)]
pub(crate) struct Decoded {
    text: String,
    bounds: Vec<(usize, usize)>,
}

impl Decoded {
    /// Decodes `record`, as UTF-8 when every field is, else as Windows-1252.
    pub(crate) fn decode(&mut self, record: &ByteRecord) {
        let mut bytes = std::mem::take(&mut self.text).into_bytes();
        bytes.clear();
        bytes.extend_from_slice(record.as_slice());
        self.bounds.clear();
        let mut end = 0;
        for field in record {
            self.bounds.push((end, end + field.len()));
            end += field.len();
        }
        match String::from_utf8(bytes) {
            // Valid as a whole, and no character straddles two fields.
            Ok(text) if self.bounds.iter().all(|&(a, _)| text.is_char_boundary(a)) => {
                self.text = text;
            }
            Ok(text) => self.decode_cp1252(record, text.into_bytes()),
            Err(e) => self.decode_cp1252(record, e.into_bytes()),
        }
    }

    fn decode_cp1252(&mut self, record: &ByteRecord, mut buffer: Vec<u8>) {
        buffer.clear();
        // An empty buffer is valid UTF-8: this keeps its allocation.
        let mut text = String::from_utf8(buffer).unwrap_or_default();
        self.bounds.clear();
        for field in record {
            let start = text.len();
            text.extend(field.iter().map(|&b| cp1252(b)));
            self.bounds.push((start, text.len()));
        }
        self.text = text;
    }

    /// The field at `index`.
    pub(crate) fn get(&self, index: usize) -> Option<&str> {
        self.bounds
            .get(index)
            .and_then(|&(a, b)| self.text.get(a..b))
    }

    /// The number of fields.
    pub(crate) fn len(&self) -> usize {
        self.bounds.len()
    }
}

fn cp1252(byte: u8) -> char {
    match byte {
        0x80..=0x9F => match CP1252_HIGH[usize::from(byte - 0x80)] {
            '\0' => char::from(byte),
            c => c,
        },
        _ => char::from(byte),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_and_windows_1252_bytes_decode_to_their_characters() {
        let record = ByteRecord::from(vec![&b"Jos\xe9"[..], b"\x80 5", b"\x81"]);
        let mut d = Decoded::default();
        d.decode(&record);
        assert_eq!(d.get(0), Some("José"));
        assert_eq!(d.get(1), Some("€ 5"));
        assert_eq!(d.get(2), Some("\u{81}"));
        assert_eq!(d.len(), 3);
    }

    #[test]
    fn newlines_are_found_at_every_position() {
        for len in 0..40 {
            for at in 0..len {
                let mut data = vec![b'x'; len];
                data[at] = b'\n';
                if at + 1 < len {
                    data[at + 1] = b'\n';
                }
                assert_eq!(find_newline(&data), Some(at), "{len} {at}");
            }
            assert_eq!(find_newline(&vec![0x8a; len]), None);
        }
    }

    #[test]
    fn a_record_that_is_valid_utf8_stays_utf8() {
        let record = ByteRecord::from(vec!["José", "Zoë"]);
        let mut d = Decoded::default();
        d.decode(&record);
        assert_eq!(d.get(0), Some("José"));
        assert_eq!(d.get(1), Some("Zoë"));
    }
}
