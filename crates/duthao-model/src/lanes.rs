//! Byte-parallel tests on sixteen bytes at a time: SSE2 on x86-64 (every
//! x86-64 processor has it, so no detection is needed), a plain loop
//! elsewhere. Each test returns a 16-bit mask, bit k for byte k, so masks of
//! different tests combine as integers and shift to compare neighbours.
//!
//! The scans over a whole draft run here: the NFC quick check, the
//! whitespace check of every block's text, and the writers' escaping.

/// Sixteen bytes of a text, loaded for testing.
#[derive(Clone, Copy)]
pub struct Lanes(imp::V);

impl Lanes {
    /// The sixteen bytes of `b` from `at`. Panics when they run past the end.
    #[inline(always)]
    pub fn load(b: &[u8], at: usize) -> Lanes {
        let chunk: &[u8; 16] = b[at..at + 16].try_into().expect("sixteen bytes");
        Lanes(imp::load(chunk))
    }

    /// The bytes of `b` from `at` on, up to sixteen; past the end, `pad`.
    #[inline(always)]
    pub fn load_padded(b: &[u8], at: usize, pad: u8) -> Lanes {
        let rest = &b[at..];
        let n = rest.len().min(16);
        let mut chunk = [pad; 16];
        chunk[..n].copy_from_slice(&rest[..n]);
        Lanes(imp::load(&chunk))
    }

    /// The first byte of `b` at or after `from` that `test` flags, sixteen
    /// bytes at a time to the very end. The last chunk of a text of sixteen
    /// bytes or more is loaded overlapping the one before, and a shorter text
    /// is padded with `pad`, which `test` must not flag: the writers escape
    /// a word at a time, and a byte loop over the short tail was most of
    /// their cost.
    #[inline(always)]
    pub fn find(b: &[u8], mut from: usize, pad: u8, test: impl Fn(Lanes) -> u32) -> Option<usize> {
        let n = b.len();
        while from + 16 <= n {
            let m = test(Lanes::load(b, from));
            if m != 0 {
                return Some(from + m.trailing_zeros() as usize);
            }
            from += 16;
        }
        if from >= n {
            return None;
        }
        let m = if n >= 16 {
            test(Lanes::load(b, n - 16)) >> (from - (n - 16))
        } else {
            test(Lanes::load_padded(b, from, pad))
        };
        (m != 0).then(|| from + m.trailing_zeros() as usize)
    }

    /// Bytes equal to `x`.
    #[inline(always)]
    pub fn eq(self, x: u8) -> u32 {
        imp::eq(self.0, x)
    }

    /// Bytes at or above `x`, unsigned.
    #[inline(always)]
    pub fn ge(self, x: u8) -> u32 {
        imp::ge(self.0, x)
    }

    /// Bytes at or below `x`, unsigned.
    #[inline(always)]
    pub fn le(self, x: u8) -> u32 {
        imp::le(self.0, x)
    }

    /// Bytes whose bits under `mask` equal `x`.
    #[inline(always)]
    pub fn masked_eq(self, mask: u8, x: u8) -> u32 {
        imp::masked_eq(self.0, mask, x)
    }
}

#[cfg(target_arch = "x86_64")]
use sse2 as imp;

#[cfg(not(target_arch = "x86_64"))]
use portable as imp;

#[cfg(target_arch = "x86_64")]
mod sse2 {
    use std::arch::x86_64::{
        __m128i, _mm_and_si128, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_max_epu8, _mm_min_epu8,
        _mm_movemask_epi8, _mm_set1_epi8,
    };

    pub type V = __m128i;

    // SAFETY (every `unsafe` below but the load's): SSE2 is part of the
    // x86-64 baseline, so these instructions exist on every processor the
    // program runs on.

    #[inline(always)]
    pub fn load(chunk: &[u8; 16]) -> V {
        // SAFETY: the reference holds sixteen readable bytes, and the
        // unaligned load asks for no alignment.
        unsafe { _mm_loadu_si128(chunk.as_ptr().cast()) }
    }

    #[inline(always)]
    fn splat(x: u8) -> V {
        unsafe { _mm_set1_epi8(x as i8) }
    }

    #[inline(always)]
    fn mask(v: V) -> u32 {
        (unsafe { _mm_movemask_epi8(v) }) as u32
    }

    #[inline(always)]
    pub fn eq(v: V, x: u8) -> u32 {
        mask(unsafe { _mm_cmpeq_epi8(v, splat(x)) })
    }

    #[inline(always)]
    pub fn ge(v: V, x: u8) -> u32 {
        mask(unsafe { _mm_cmpeq_epi8(_mm_max_epu8(v, splat(x)), v) })
    }

    #[inline(always)]
    pub fn le(v: V, x: u8) -> u32 {
        mask(unsafe { _mm_cmpeq_epi8(_mm_min_epu8(v, splat(x)), v) })
    }

    #[inline(always)]
    pub fn masked_eq(v: V, m: u8, x: u8) -> u32 {
        mask(unsafe { _mm_cmpeq_epi8(_mm_and_si128(v, splat(m)), splat(x)) })
    }
}

/// The same tests a byte at a time, for other processors and as the
/// reference the SSE2 form is tested against.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
mod portable {
    pub type V = [u8; 16];

    #[inline(always)]
    pub fn load(chunk: &[u8; 16]) -> V {
        *chunk
    }

    #[inline(always)]
    fn mask(v: V, test: impl Fn(u8) -> bool) -> u32 {
        v.iter()
            .enumerate()
            .fold(0, |m, (k, &c)| m | (u32::from(test(c)) << k))
    }

    pub fn eq(v: V, x: u8) -> u32 {
        mask(v, |c| c == x)
    }

    pub fn ge(v: V, x: u8) -> u32 {
        mask(v, |c| c >= x)
    }

    pub fn le(v: V, x: u8) -> u32 {
        mask(v, |c| c <= x)
    }

    pub fn masked_eq(v: V, m: u8, x: u8) -> u32 {
        mask(v, |c| c & m == x)
    }
}

#[cfg(test)]
mod find_tests {
    use super::Lanes;

    /// `find` gives the first flagged byte at or after `from` for every
    /// length up to three chunks, every start and every flagged position,
    /// through the full chunks, the overlapping last one and the padded one.
    #[test]
    fn find_agrees_with_a_byte_loop() {
        let test = |v: Lanes| v.eq(b'<') | v.le(0x1f);
        for n in 0..48 {
            for mark in (0..n).map(Some).chain([None]) {
                let b: Vec<u8> = (0..n)
                    .map(|k| {
                        if Some(k) == mark {
                            b'<'
                        } else {
                            b'a' + (k % 26) as u8
                        }
                    })
                    .collect();
                for from in 0..=n {
                    let want = (from..n).find(|&k| b[k] == b'<' || b[k] <= 0x1f);
                    assert_eq!(
                        Lanes::find(&b, from, b'a', test),
                        want,
                        "n {n} mark {mark:?} from {from}"
                    );
                }
            }
        }
    }
}

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use super::{portable, sse2};

    /// Every test agrees with the byte loop on every byte value, in every
    /// lane, against thresholds at and around the interesting edges.
    #[test]
    fn sse2_agrees_with_the_byte_loop() {
        for start in (0..=255u8).step_by(3) {
            let chunk: [u8; 16] = std::array::from_fn(|k| start.wrapping_add(k as u8 * 17));
            let (v, p) = (sse2::load(&chunk), portable::load(&chunk));
            for x in [
                0u8, 1, 0x0d, 0x0e, 0x7f, 0x80, 0x81, 0xB8, 0xCC, 0xE1, 0xFE, 0xFF,
            ] {
                assert_eq!(sse2::eq(v, x), portable::eq(p, x), "{chunk:?} == {x}");
                assert_eq!(sse2::ge(v, x), portable::ge(p, x), "{chunk:?} >= {x}");
                assert_eq!(sse2::le(v, x), portable::le(p, x), "{chunk:?} <= {x}");
                for m in [0xFFu8, 0xFC, 0xE0, 0x0F] {
                    assert_eq!(
                        sse2::masked_eq(v, m, x & m),
                        portable::masked_eq(p, m, x & m),
                        "{chunk:?} & {m} == {x}"
                    );
                }
            }
        }
    }
}
