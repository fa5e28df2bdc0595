//! Percentages with two decimal places, held exactly as basis points.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A percentage with at most two decimals (33.33 %), held as integer basis points (3333) so
/// that sums such as "revenue splits add up to 100 %" are exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Percent(i64);

/// Why a number is not an acceptable percentage.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0} is not a percentage from 0 to 100 with at most two decimals")]
pub struct InvalidPercent(pub f64);

impl Percent {
    /// One hundred percent.
    pub const HUNDRED: Percent = Percent(10_000);

    /// From basis points (1/100 of a percent).
    pub fn from_basis_points(bp: i64) -> Result<Self, InvalidPercent> {
        #[expect(
            clippy::cast_precision_loss,
            reason = "only used for the error message"
        )]
        if (0..=10_000).contains(&bp) {
            Ok(Percent(bp))
        } else {
            Err(InvalidPercent(bp as f64 / 100.0))
        }
    }

    /// From a number of percent such as `33.33`, refusing more than two decimals.
    pub fn from_number(value: f64) -> Result<Self, InvalidPercent> {
        let scaled = value * 100.0;
        let rounded = scaled.round();
        if !value.is_finite()
            || (scaled - rounded).abs() > 1e-6
            || !(0.0..=10_000.0).contains(&rounded)
        {
            return Err(InvalidPercent(value));
        }
        #[expect(
            clippy::cast_possible_truncation,
            reason = "checked to lie in 0..=10000"
        )]
        Ok(Percent(rounded as i64))
    }

    /// Basis points: 100 % is 10,000.
    pub fn basis_points(self) -> i64 {
        self.0
    }

    /// The value in percent as a float, for display only.
    #[expect(clippy::cast_precision_loss, reason = "at most 10,000 is exact in f64")]
    pub fn as_number(self) -> f64 {
        self.0 as f64 / 100.0
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 % 100 == 0 {
            write!(f, "{} %", self.0 / 100)
        } else {
            write!(f, "{}.{:02} %", self.0 / 100, self.0 % 100)
        }
    }
}

impl Serialize for Percent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.as_number())
    }
}

impl<'de> Deserialize<'de> for Percent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Percent::from_number(f64::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for Percent {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::Number)
            .description(Some("Percent from 0 to 100 with at most two decimals"))
            .minimum(Some(0.0))
            .maximum(Some(100.0))
            .into()
    }
}

impl utoipa::ToSchema for Percent {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_decimal_percentages_are_exact() {
        assert_eq!(Percent::from_number(33.33).unwrap().basis_points(), 3333);
        assert_eq!(Percent::from_number(0.1).unwrap().basis_points(), 10);
        assert_eq!(Percent::from_number(100.0).unwrap(), Percent::HUNDRED);
        let thirds = [33.33, 33.33, 33.34].map(|p| Percent::from_number(p).unwrap().basis_points());
        assert_eq!(thirds.iter().sum::<i64>(), 10_000);
    }

    #[test]
    fn more_decimals_negative_or_over_a_hundred_are_refused() {
        for bad in [33.333, -1.0, 100.01, f64::NAN, f64::INFINITY] {
            assert!(Percent::from_number(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn percentages_print_without_needless_decimals() {
        assert_eq!(Percent::from_number(50.0).unwrap().to_string(), "50 %");
        assert_eq!(Percent::from_number(12.5).unwrap().to_string(), "12.50 %");
    }
}
