//! Small statistics: ratios as percentages, means and medians, each `None` when undefined.

/// `n` as a float, for ratios and statistics.
#[expect(
    clippy::cast_precision_loss,
    reason = "counts, seconds and minor units, far below 2^52"
)]
pub fn float(n: i64) -> f64 {
    n as f64
}

/// `x` rounded to the nearest whole number.
#[expect(
    clippy::cast_possible_truncation,
    reason = "rounded money per day and whole percentages, far inside i64"
)]
pub fn whole(x: f64) -> i64 {
    x.round() as i64
}

/// `part ÷ whole` as a percentage rounded to a tenth, or `None` when `whole` is zero.
pub fn percent(part: i64, of: i64) -> Option<f64> {
    (of != 0).then(|| round1(float(part) * 100.0 / float(of)))
}

/// Rounds to one decimal place.
pub fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// The mean, rounded to a tenth, or `None` for no values.
pub fn mean(values: &[f64]) -> Option<f64> {
    let count = i64::try_from(values.len()).unwrap_or(i64::MAX);
    (!values.is_empty()).then(|| round1(values.iter().sum::<f64>() / float(count)))
}

/// The median (the mean of the middle two for an even count), rounded to a tenth, or `None`.
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    let value = if sorted.len().is_multiple_of(2) {
        f64::midpoint(sorted[mid - 1], sorted[mid])
    } else {
        sorted[mid]
    };
    Some(round1(value))
}

/// `numerator ÷ denominator` rounded half away from zero, or `None` when dividing by zero.
pub fn div_round(numerator: i128, denominator: i128) -> Option<i64> {
    if denominator == 0 {
        return None;
    }
    let (n, d) = if denominator < 0 {
        (-numerator, -denominator)
    } else {
        (numerator, denominator)
    };
    let q = if n >= 0 {
        (2 * n + d) / (2 * d)
    } else {
        -((-2 * n + d) / (2 * d))
    };
    i64::try_from(q).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undefined_ratios_and_statistics_are_none_not_zero() {
        assert_eq!(percent(3, 0), None);
        assert_eq!(mean(&[]), None);
        assert_eq!(median(&[]), None);
        assert_eq!(div_round(1, 0), None);
    }

    #[test]
    fn medians_of_even_counts_average_the_middle_pair() {
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(percent(2, 3), Some(66.7));
    }

    #[test]
    fn division_rounds_halves_away_from_zero() {
        assert_eq!(div_round(5, 2), Some(3));
        assert_eq!(div_round(-5, 2), Some(-3));
        assert_eq!(div_round(4, 3), Some(1));
    }
}
