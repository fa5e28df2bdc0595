//! Random streams and sampling: one seeded stream per record, the draws made from it, and the
//! numeric conversions they need.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The kinds of record with their own random streams.
#[derive(Clone, Copy)]
pub(super) enum Kind {
    Account = 1,
    Contact = 2,
    Deal = 3,
    Activity = 4,
    Quota = 5,
}

pub(super) type Rand = ChaCha8Rng;

/// Sebastiano Vigna's splitmix64 finaliser: neighbouring inputs give unrelated outputs, which is
/// what makes the per-index seeds independent (<https://prng.di.unimi.it/splitmix64.c>).
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The random stream of record `index` of `kind`: depends on nothing else, so records can be
/// generated in any order and any chunks.
pub(super) fn stream(seed: u64, kind: Kind, index: usize) -> Rand {
    let kind_seed = splitmix64(seed ^ splitmix64(kind as u64));
    Rand::seed_from_u64(splitmix64(kind_seed ^ index as u64))
}

/// A standard normal draw (Box–Muller; rand 0.9 has none without rand_distr).
pub(super) fn normal(rng: &mut Rand) -> f64 {
    let u1 = 1.0 - rng.random::<f64>(); // in (0, 1], so the logarithm is finite
    let u2 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Log-normal around `median`: the shape of deal sizes, company sizes and response times.
pub(super) fn log_normal(rng: &mut Rand, median: f64, sigma: f64) -> f64 {
    median * (sigma * normal(rng)).exp()
}

/// One of `items`, with probability proportional to its weight.
pub(super) fn pick<T: Copy>(rng: &mut Rand, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut roll = rng.random_range(0..total.max(1));
    for &(item, weight) in items {
        if roll < weight {
            return item;
        }
        roll -= weight;
    }
    items[items.len() - 1].0
}

/// One of `items`, uniformly.
pub(super) fn one_of<T: Copy>(rng: &mut Rand, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

/// `x` rounded down or up at random so that the expected value is `x`: keeps totals unbiased.
pub(super) fn round_count(rng: &mut Rand, x: f64) -> usize {
    let floor = x.max(0.0).floor();
    to_usize(floor) + usize::from(rng.random::<f64>() < x - floor)
}

/// A Feistel network over the smallest even-bit domain covering `size`, cycle-walked into
/// `0..size`: a keyed pseudo-random bijection, so index-derived names do not repeat until the
/// name space is used up.
pub(super) fn permute(value: u64, size: u64, key: u64) -> u64 {
    let bits = (64 - size.saturating_sub(1).leading_zeros()).max(2);
    let half = bits.div_ceil(2);
    let mask = (1_u64 << half) - 1;
    let mut x = value;
    loop {
        let (mut left, mut right) = (x >> half, x & mask);
        for round in 0..4 {
            let f = splitmix64(right ^ key ^ (round << 60)) & mask;
            (left, right) = (right, left ^ f);
        }
        x = (left << half) | right;
        if x < size {
            return x;
        }
    }
}

#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "callers pass small non-negative counts"
)]
fn to_usize(x: f64) -> usize {
    x.max(0.0) as usize
}

#[expect(
    clippy::cast_possible_truncation,
    reason = "amounts and durations here are far inside i64"
)]
pub(super) fn to_i64(x: f64) -> i64 {
    x.round() as i64
}

#[expect(
    clippy::cast_precision_loss,
    reason = "amounts and counts here are far below 2^52"
)]
pub(super) fn to_f64(n: i64) -> f64 {
    n as f64
}

pub(super) fn count_f64(n: usize) -> f64 {
    to_f64(i64::try_from(n).unwrap_or(i64::MAX))
}

/// The id of the record at `index`: ids start at 1.
pub(super) fn id_of(index: usize) -> i64 {
    i64::try_from(index).map_or(i64::MAX, |i| i + 1)
}

/// No custom field values. (serde_json, whose `Map` this is, is not a direct dependency of this
/// crate, so the type is left to inference.)
pub(super) fn no_custom_fields<T: Default>() -> T {
    T::default()
}

/// `major` units rounded to a multiple of `step` (at least one step), in minor units.
pub(super) fn round_money(major: f64, step: i64, unit: i64) -> i64 {
    to_i64(major / to_f64(step)).max(1) * step * unit
}
