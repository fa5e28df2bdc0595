//! Salesforce record ids: 15-character case-sensitive ids and their 18-character case-safe form.
//!
//! An id is a 3-character key prefix naming the object (`006` for Opportunity), 12 base-62
//! characters, and, in the 18-character form, a 3-character suffix that encodes which of the first
//! 15 characters are upper case. The suffix lets case-insensitive tools (Excel's VLOOKUP, some
//! databases) tell `001A0000006Vm9r` from `001A0000006VM9r`. Algorithm, as documented by
//! Salesforce's `CASESAFEID()` and by e.g.
//! <https://codebycody.com/salesforces-algorithm-for-converting-ids-from-15-to-18-characters>:
//! for each 5-character chunk, bit `j` is set when character `j` is an ASCII upper-case letter;
//! the chunk's value 0–31 indexes `ABCDEFGHIJKLMNOPQRSTUVWXYZ012345`.

use std::fmt;

/// The 32 characters the case-safe suffix is drawn from.
const SUFFIX_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

/// Base-62 digits in Salesforce's order.
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Key prefixes of the standard objects Baton reads and writes.
pub mod prefix {
    /// `User`.
    pub const USER: &str = "005";
    /// `UserRole`.
    pub const USER_ROLE: &str = "00E";
    /// `Account`.
    pub const ACCOUNT: &str = "001";
    /// `Contact`.
    pub const CONTACT: &str = "003";
    /// `Opportunity`.
    pub const OPPORTUNITY: &str = "006";
    /// `OpportunityHistory`.
    pub const OPPORTUNITY_HISTORY: &str = "008";
    /// `OpportunityContactRole`.
    pub const CONTACT_ROLE: &str = "00K";
    /// `OpportunitySplitType`.
    pub const SPLIT_TYPE: &str = "148";
    /// `OpportunitySplit`.
    pub const SPLIT: &str = "149";
    /// `Task`.
    pub const TASK: &str = "00T";
    /// `Event`.
    pub const EVENT: &str = "00U";
    /// `EmailMessage`.
    pub const EMAIL_MESSAGE: &str = "02s";
}

/// Why a text is not a Salesforce id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// Neither 15 nor 18 characters.
    #[error("{0:?} is not a Salesforce id: expected 15 or 18 letters and digits")]
    Length(String),
    /// A character outside `0-9A-Za-z`.
    #[error("{0:?} is not a Salesforce id: only letters and digits are allowed")]
    Character(String),
    /// The 18-character suffix matches no casing of the first 15 characters.
    #[error("{0:?} has a case-safe suffix that does not match its first 15 characters")]
    Checksum(String),
}

/// A Salesforce id in its 18-character case-safe form.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SfId([u8; 18]);

impl SfId {
    /// Parses a 15- or 18-character id, normalising to 18 characters.
    ///
    /// An 18-character id whose first 15 characters lost their case (an export passed through a
    /// tool that upper-cased it) is repaired from its suffix; a suffix that matches no casing is
    /// an error.
    pub fn parse(text: &str) -> Result<Self, IdError> {
        let bytes = text.as_bytes();
        if bytes.len() != 15 && bytes.len() != 18 {
            return Err(IdError::Length(text.to_owned()));
        }
        if !bytes.iter().all(u8::is_ascii_alphanumeric) {
            return Err(IdError::Character(text.to_owned()));
        }
        let mut id = [0_u8; 18];
        id[..15].copy_from_slice(&bytes[..15]);
        let tail = suffix(&id[..15]);
        id[15..].copy_from_slice(&tail);
        if bytes.len() == 15 || id[15..] == bytes[15..] {
            return Ok(Self(id));
        }
        repair(bytes).ok_or_else(|| IdError::Checksum(text.to_owned()))
    }

    /// The id of the `n`-th record of an object in a generated org: the key prefix, a fixed
    /// two-character instance marker, and `n` in base 62.
    pub fn generated(key_prefix: &str, n: u64) -> Self {
        let mut id = [b'0'; 18];
        id[..3].copy_from_slice(&key_prefix.as_bytes()[..3]);
        id[3..5].copy_from_slice(b"5g");
        // Offset so that even the first records carry letters of both cases.
        let mut value = n + 35_000_000_000;
        for slot in id[5..15].iter_mut().rev() {
            *slot = BASE62[usize::try_from(value % 62).unwrap_or(0)];
            value /= 62;
        }
        let tail = suffix(&id[..15]);
        id[15..].copy_from_slice(&tail);
        Self(id)
    }

    /// The id Baton's exports give a record that did not come from Salesforce: the key prefix,
    /// the instance marker `Bt` (no Salesforce instance has it, and generated orgs use `5g`),
    /// and the Baton id in base 62. The same record always gets the same id, so exporting twice
    /// and importing both updates instead of duplicating.
    pub fn from_baton(key_prefix: &str, baton_id: u64) -> Self {
        let mut id = [b'0'; 18];
        id[..3].copy_from_slice(&key_prefix.as_bytes()[..3]);
        id[3..5].copy_from_slice(b"Bt");
        let mut value = baton_id;
        for slot in id[5..15].iter_mut().rev() {
            *slot = BASE62[usize::try_from(value % 62).unwrap_or(0)];
            value /= 62;
        }
        let tail = suffix(&id[..15]);
        id[15..].copy_from_slice(&tail);
        Self(id)
    }

    /// The 18-character text.
    pub fn as_str(&self) -> &str {
        // Built only from ASCII alphanumerics.
        std::str::from_utf8(&self.0).unwrap_or("")
    }

    /// The 15-character case-sensitive form.
    pub fn as_15(&self) -> &str {
        &self.as_str()[..15]
    }

    /// The 3-character key prefix naming the object.
    pub fn key_prefix(&self) -> &str {
        &self.as_str()[..3]
    }

    /// Whether this is the all-zero id some exports write for an empty lookup.
    pub fn is_null(&self) -> bool {
        self.0[..15].iter().all(|b| *b == b'0')
    }
}

/// Converts a 15-character id to its 18-character case-safe form (an 18-character id is checked
/// and returned normalised).
pub fn to_18(id15: &str) -> Result<String, IdError> {
    SfId::parse(id15).map(|id| id.as_str().to_owned())
}

/// The case-safe suffix of the first 15 characters.
fn suffix(first15: &[u8]) -> [u8; 3] {
    let mut out = [0_u8; 3];
    for (chunk, slot) in first15.chunks_exact(5).zip(&mut out) {
        let mut flags = 0;
        for (j, c) in chunk.iter().enumerate() {
            flags |= usize::from(c.is_ascii_uppercase()) << j;
        }
        *slot = SUFFIX_ALPHABET[flags];
    }
    out
}

/// Restores the case of the first 15 characters from an 18-character id's suffix.
fn repair(bytes: &[u8]) -> Option<SfId> {
    let mut id = [0_u8; 18];
    for (chunk, s) in bytes[15..18].iter().enumerate() {
        let flags = SUFFIX_ALPHABET
            .iter()
            .position(|a| *a == s.to_ascii_uppercase())?;
        for j in 0..5 {
            let c = bytes[chunk * 5 + j];
            id[chunk * 5 + j] = if flags & (1 << j) != 0 {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            };
            if flags & (1 << j) != 0 && !c.is_ascii_alphabetic() {
                return None;
            }
        }
        id[15 + chunk] = s.to_ascii_uppercase();
    }
    (suffix(&id[..15]) == id[15..]).then_some(SfId(id))
}

impl fmt::Display for SfId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for SfId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SfId({})", self.as_str())
    }
}

impl AsRef<[u8]> for SfId {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pairs published alongside descriptions of the algorithm (gammone.com, the NPower Seattle
    /// developer wiki, goravseth.com).
    const DOCUMENTED: &[(&str, &str)] = &[
        ("a0D30000001n7Pi", "a0D30000001n7PiEAI"),
        ("500x000000003TR", "500x000000003TRAAY"),
        ("0034000001lrbM5", "0034000001lrbM5AAI"),
        ("0034000001lRBM5", "0034000001lRBM5AAO"),
    ];

    #[test]
    fn fifteen_character_ids_get_the_documented_case_safe_suffix() {
        for (id15, id18) in DOCUMENTED {
            assert_eq!(to_18(id15).unwrap(), *id18, "{id15}");
            assert_eq!(SfId::parse(id18).unwrap().as_15(), *id15);
        }
    }

    #[test]
    fn an_eighteen_character_id_that_lost_its_case_is_repaired_from_the_suffix() {
        let id = SfId::parse("0034000001LRBM5AAO").unwrap();
        assert_eq!(id.as_str(), "0034000001lRBM5AAO");
        let lower = SfId::parse("0034000001lrbm5aai").unwrap();
        assert_eq!(lower.as_str(), "0034000001lrbM5AAI");
    }

    #[test]
    fn a_suffix_that_matches_no_casing_is_rejected() {
        // Suffix Z asks for upper case at positions that hold digits.
        assert!(matches!(
            SfId::parse("0034000001lrbM5ZZZ"),
            Err(IdError::Checksum(_))
        ));
        assert!(matches!(SfId::parse("0034"), Err(IdError::Length(_))));
        assert!(matches!(
            SfId::parse("0034000001lrb-5"),
            Err(IdError::Character(_))
        ));
    }

    #[test]
    fn ids_derived_from_baton_ids_are_valid_distinct_and_stable() {
        let a = SfId::from_baton(prefix::ACCOUNT, 1);
        let b = SfId::from_baton(prefix::ACCOUNT, 62);
        assert_eq!(a.as_str(), "001Bt0000000001IAA");
        assert_ne!(a, b);
        assert_eq!(SfId::parse(a.as_str()).unwrap(), a);
        assert_eq!(SfId::from_baton(prefix::ACCOUNT, 1), a);
        assert!(!SfId::from_baton(prefix::CONTACT, 0).is_null());
    }

    #[test]
    fn generated_ids_carry_the_prefix_and_a_valid_suffix_and_are_distinct() {
        let a = SfId::generated(prefix::OPPORTUNITY, 0);
        let b = SfId::generated(prefix::OPPORTUNITY, 1);
        assert_ne!(a, b);
        assert_eq!(a.key_prefix(), "006");
        assert_eq!(SfId::parse(a.as_15()).unwrap(), a);
        assert!(!a.is_null());
        assert!(SfId::parse("000000000000000AAA").unwrap().is_null());
    }
}
