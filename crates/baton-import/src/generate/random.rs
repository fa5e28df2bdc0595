//! The few distributions the generator draws from, on top of one seeded ChaCha8 stream.
//!
//! Everything is drawn from a single `ChaCha8Rng` in a fixed order, so a seed determines every
//! byte of the output. Names of contacts are the exception: they come from a hash of the seed
//! and the contact's position, so a contact's name does not depend on how many random numbers
//! were drawn before it.

use super::out::DAY;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// The generator's random stream.
pub(crate) type Gen = ChaCha8Rng;

/// A uniform float in `[lo, hi)`.
pub(crate) fn uniform(rng: &mut Gen, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * rng.random::<f64>()
}

/// True with probability `p`.
pub(crate) fn chance(rng: &mut Gen, p: f64) -> bool {
    rng.random::<f64>() < p
}

/// A uniform integer in `[0, n)` (0 when `n` is 0).
pub(crate) fn below(rng: &mut Gen, n: u64) -> u64 {
    if n == 0 { 0 } else { rng.random_range(0..n) }
}

/// A uniform index into a slice of length `n`.
pub(crate) fn index(rng: &mut Gen, n: usize) -> usize {
    if n == 0 { 0 } else { rng.random_range(0..n) }
}

/// A standard normal draw (Box–Muller).
pub(crate) fn normal(rng: &mut Gen) -> f64 {
    let u1 = 1.0 - rng.random::<f64>();
    let u2 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// A log-normal draw with the given median and log-space standard deviation.
pub(crate) fn lognormal(rng: &mut Gen, median: f64, sigma: f64) -> f64 {
    median * (sigma * normal(rng)).exp()
}

/// `x` rounded down or up at random so that the expectation is `x`.
pub(crate) fn stochastic_round(rng: &mut Gen, x: f64) -> u64 {
    if x <= 0.0 {
        return 0;
    }
    let floor = x.floor();
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "x > 0, bounded by the caller"
    )]
    let base = floor as u64;
    base + u64::from(chance(rng, x - floor))
}

/// Whole seconds from a float, saturating.
#[expect(
    clippy::cast_possible_truncation,
    reason = "durations of at most a few years"
)]
pub(crate) fn secs(x: f64) -> i64 {
    x as i64
}

/// A count or instant as a float (exact below 2^53, which covers every use here).
#[expect(clippy::cast_precision_loss, reason = "values far below 2^53")]
pub(crate) fn float(x: i64) -> f64 {
    x as f64
}

/// An unsigned count as a float.
#[expect(clippy::cast_precision_loss, reason = "values far below 2^53")]
pub(crate) fn float_u(x: u64) -> f64 {
    x as f64
}

/// A working-hours instant (13:00–22:00 UTC, weekdays) on a day drawn from `[from, to)`.
///
/// The instant may fall a few hours outside `[from, to)`; callers clamp when it matters.
pub(crate) fn work_instant(rng: &mut Gen, from: i64, to: i64) -> i64 {
    let first = from.div_euclid(DAY);
    let last = (to - 1).div_euclid(DAY).max(first);
    let span = u64::try_from(last - first + 1).unwrap_or(1);
    let mut day = first + i64::try_from(below(rng, span)).unwrap_or(0);
    // 1970-01-01 was a Thursday: weekday 0 = Monday.
    match (day + 3).rem_euclid(7) {
        5 => day -= 1,
        6 => day += 1,
        _ => {}
    }
    day * DAY + 13 * 3600 + i64::try_from(below(rng, 9 * 3600)).unwrap_or(0)
}

/// A 64-bit mix of two numbers (SplitMix64's finaliser), for draws that must not consume the
/// random stream.
pub(crate) fn mix(a: u64, b: u64) -> u64 {
    let mut z = a ^ b.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
