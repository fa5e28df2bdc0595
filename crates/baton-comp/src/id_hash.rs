//! A fast hash for integer ids and the engine's own short keys (FxHash's multiply-rotate, eight
//! bytes at a time): much cheaper than SipHash on every credit and line of a million-deal run.
//! Keys here come from plans and ids, never from an attacker choosing collisions.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A `HashMap` keyed by integer ids.
pub type IdMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

/// Multiplicative hashing of one integer.
#[derive(Debug, Default, Clone, Copy)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        // The multiply leaves the entropy in the high bits, but tables pick buckets with the
        // low ones: fold the high half down (the last step of MurmurHash3's fmix64).
        let h = self.0 ^ (self.0 >> 33);
        h.wrapping_mul(0xff51_afd7_ed55_8ccd) ^ (h >> 29)
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0_u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let mut word = [0_u8; 8];
        word[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
        self.add(u64::from_le_bytes(word));
    }

    fn write_i64(&mut self, n: i64) {
        self.add(n.cast_unsigned());
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }
}

impl IdHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::{BuildHasher, BuildHasherDefault};

    #[test]
    fn keys_differing_in_any_byte_hash_differently() {
        let hash = |s: &str| BuildHasherDefault::<IdHasher>::default().hash_one(s);
        let keys = [
            "a/commission/1/revenue",
            "a/commission/2/revenue",
            "a/commission/1/overlay",
        ];
        assert_ne!(hash(keys[0]), hash(keys[1]));
        assert_ne!(hash(keys[0]), hash(keys[2]));
        assert_eq!(hash(keys[0]), hash(keys[0]));
    }
}
