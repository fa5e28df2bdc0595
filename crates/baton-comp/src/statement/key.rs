//! The key under which the ledger books a statement line: typed, so a recompute compares and
//! hashes a few integers and a short shared id instead of formatting a string per line. Its
//! text form (`arr/commission/17/revenue`) is what storage writes, and reads back with
//! [`LineKey::parse`].

use super::LineKind;
use crate::credit::CreditKind;
use baton_model::DealId;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// Identifies one line of a rep's statement for a period across recomputes: the same line of a
/// recompute has the same key, whatever else changed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineKey {
    /// Id of the plan component that produced the line.
    pub component: Arc<str>,
    /// What the line pays for.
    pub kind: LineKind,
    /// The deal, for lines about one credit.
    pub deal: Option<DealId>,
    /// The kind of credit, for lines about one credit.
    pub credit_kind: Option<CreditKind>,
}

impl Hash for LineKey {
    /// One word for the hasher instead of one per field and discriminant: a reconcile hashes
    /// every line of a statement twice. The component id is left out: keys equal in the rest
    /// and different in it are the few lines two components write about one deal, which their
    /// equality still tells apart.
    fn hash<H: Hasher>(&self, state: &mut H) {
        let kind: u64 = match self.kind {
            LineKind::Commission => 0,
            LineKind::TrueUp { tier } => 1 + (u64::from(tier) << 8),
            LineKind::Spif => 2,
            LineKind::Bonus => 3,
            LineKind::Draw => 4,
            LineKind::Recovery => 5,
            LineKind::Clawback => 6,
        };
        let credit_kind: u64 = match self.credit_kind {
            None => 0,
            Some(CreditKind::Revenue) => 1,
            Some(CreditKind::Overlay) => 2,
            Some(CreditKind::RollUp) => 3,
        };
        let deal = self.deal.map_or(u64::MAX, |d| d.0.cast_unsigned());
        state.write_u64(deal ^ (kind << 40) ^ (credit_kind << 60));
    }
}

/// Why a stored key could not be read back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a statement line key")]
pub struct KeyError(pub String);

fn credit_kind_name(kind: Option<CreditKind>) -> &'static str {
    match kind {
        Some(CreditKind::Revenue) => "revenue",
        Some(CreditKind::Overlay) => "overlay",
        Some(CreditKind::RollUp) => "roll_up",
        None => "-",
    }
}

impl fmt::Display for LineKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let credit_kind = credit_kind_name(self.credit_kind);
        f.write_str(&self.component)?;
        match (self.kind, self.deal) {
            (LineKind::Commission, Some(deal)) => write!(f, "/commission/{deal}/{credit_kind}"),
            (LineKind::Spif, Some(deal)) => write!(f, "/spif/{deal}/{credit_kind}"),
            (LineKind::Clawback, Some(deal)) => write!(f, "/clawback/{deal}/{credit_kind}"),
            (LineKind::Commission | LineKind::Spif | LineKind::Clawback, None) => {
                write!(f, "/{credit_kind}")
            }
            (LineKind::TrueUp { tier }, _) => write!(f, "/true-up/tier-{}", u32::from(tier) + 1),
            (LineKind::Bonus, _) => f.write_str("/bonus"),
            (LineKind::Draw, _) => f.write_str("/draw"),
            (LineKind::Recovery, _) => f.write_str("/recovery"),
        }
    }
}

impl LineKey {
    /// Reads a key written by `Display`.
    pub fn parse(text: &str) -> Result<LineKey, KeyError> {
        let error = || KeyError(text.to_owned());
        let mut parts = text.split('/');
        let component = parts.next().filter(|c| !c.is_empty()).ok_or_else(error)?;
        let rest: Vec<&str> = parts.collect();
        let credit_kind = |name: &str| match name {
            "revenue" => Ok(Some(CreditKind::Revenue)),
            "overlay" => Ok(Some(CreditKind::Overlay)),
            "roll_up" => Ok(Some(CreditKind::RollUp)),
            "-" => Ok(None),
            _ => Err(error()),
        };
        let deal = |id: &str| id.parse::<i64>().map(DealId).map_err(|_| error());
        let (kind, deal, credit_kind) = match rest.as_slice() {
            ["commission", id, ck] => (LineKind::Commission, Some(deal(id)?), credit_kind(ck)?),
            ["spif", id, ck] => (LineKind::Spif, Some(deal(id)?), credit_kind(ck)?),
            ["clawback", id, ck] => (LineKind::Clawback, Some(deal(id)?), credit_kind(ck)?),
            ["true-up", tier] => {
                let n: u16 = tier
                    .strip_prefix("tier-")
                    .and_then(|n| n.parse().ok())
                    .filter(|n| *n >= 1)
                    .ok_or_else(error)?;
                (LineKind::TrueUp { tier: n - 1 }, None, None)
            }
            ["bonus"] => (LineKind::Bonus, None, None),
            ["draw"] => (LineKind::Draw, None, None),
            ["recovery"] => (LineKind::Recovery, None, None),
            [ck] => (LineKind::Commission, None, credit_kind(ck)?),
            _ => return Err(error()),
        };
        Ok(LineKey {
            component: Arc::from(component),
            kind,
            deal,
            credit_kind,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_key_reads_back_as_it_was_written() {
        let keys = [
            "arr/commission/17/revenue",
            "arr/commission/17/roll_up",
            "spif/spif/3/overlay",
            "arr/true-up/tier-2",
            "club/bonus",
            "draw/draw",
            "draw/recovery",
            "arr/clawback/9/revenue",
        ];
        for text in keys {
            assert_eq!(LineKey::parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn a_key_with_an_unknown_part_is_refused() {
        for text in [
            "",
            "arr",
            "arr/commission/x/revenue",
            "arr/true-up/tier-0",
            "a/b/c/d/e",
        ] {
            assert!(LineKey::parse(text).is_err(), "{text}");
        }
    }
}
