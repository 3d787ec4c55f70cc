//! Which tokens of two sequences are kept: the runs of a longest common
//! subsequence.
//!
//! A paragraph edited in a few places is the usual case, and for it the
//! greedy form of Myers' algorithm (forward only, remembering each round's
//! furthest reaches) finds the alignment in a few microseconds. A stretch
//! that needs more rounds than [`GREEDY_ROUNDS`] goes to `similar`'s
//! linear-space Myers, which honours the deadline.

use std::time::Instant;

use similar::{Algorithm, DiffOp, capture_diff_deadline};

/// Edit rounds (insertions plus deletions) the greedy search runs before it
/// hands over: its memory grows with their square.
const GREEDY_ROUNDS: usize = 256;
/// Tokens (both sides) above which the greedy search is not tried: it does
/// not watch the clock, and its worst case grows with length times rounds,
/// so a very long stretch goes straight to the search that does.
const GREEDY_TOKENS: usize = 20_000;

/// A run of equal tokens: `a[old..old + len] == b[new..new + len]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Run {
    pub old: usize,
    pub new: usize,
    pub len: usize,
}

/// The equal runs of a minimal edit script from `a` to `b`, in order.
pub(crate) fn common_runs<T: Eq + Copy + std::hash::Hash>(
    a: &[T],
    b: &[T],
    deadline: Option<Instant>,
) -> Vec<Run> {
    let (head, tail) = common_ends(a, b);
    let (ma, mb) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    let mut runs = Vec::new();
    if head > 0 {
        runs.push(Run {
            old: 0,
            new: 0,
            len: head,
        });
    }
    let greedy_fits = ma.len() + mb.len() <= GREEDY_TOKENS;
    let middle = match greedy_fits.then(|| greedy(ma, mb)).flatten() {
        Some(r) => r,
        None => capture_diff_deadline(Algorithm::Myers, ma, 0..ma.len(), mb, 0..mb.len(), deadline)
            .into_iter()
            .filter_map(|op| match op {
                DiffOp::Equal {
                    old_index,
                    new_index,
                    len,
                } => Some(Run {
                    old: old_index,
                    new: new_index,
                    len,
                }),
                _ => None,
            })
            .collect(),
    };
    runs.extend(middle.into_iter().map(|r| Run {
        old: r.old + head,
        new: r.new + head,
        len: r.len,
    }));
    if tail > 0 {
        runs.push(Run {
            old: a.len() - tail,
            new: b.len() - tail,
            len: tail,
        });
    }
    runs
}

/// Stretches between anchors larger than this (blocks on one side times
/// blocks on the other) leave out, before Myers, the blocks the other draft
/// lacks: 32 blocks a side, far more than an ordinary revision leaves
/// between two unchanged blocks.
const FILTER_ABOVE: usize = 1 << 10;

/// The equal runs of an alignment of two long sequences of small ids
/// (`0..ids`) that are mostly distinct, such as the blocks of two versions:
/// the ids found exactly once on each side anchor it (the longest chain of
/// them in the same order, as in patience diff), and only the stretches
/// between anchors go to Myers ([`common_runs`]).
///
/// Myers over a whole draft costs its length times the number of blocks
/// changed, tens of millions of steps for a long draft revised throughout;
/// the anchors cost a sort. Where they decide differently from a minimal
/// script (a block repeated on both sides, crossing runs), the blocks left
/// out are still found as moves by the alignment that follows.
pub(crate) fn anchored_runs(
    a: &[u32],
    b: &[u32],
    ids: usize,
    deadline: Option<Instant>,
) -> Vec<Run> {
    anchored_runs_by(a, b, ids, deadline, FILTER_ABOVE)
}

/// [`anchored_runs`], leaving out one-sided blocks in stretches larger than
/// `filter_above` (a parameter so that tests can take either path).
fn anchored_runs_by(
    a: &[u32],
    b: &[u32],
    ids: usize,
    deadline: Option<Instant>,
    filter_above: usize,
) -> Vec<Run> {
    // Per id: occurrences in `a` and `b` (capped at 2) and the position in `b`.
    let mut seen = vec![(0u8, 0u8, 0u32); ids];
    for &x in a {
        let e = &mut seen[x as usize];
        e.0 = e.0.saturating_add(1).min(2);
    }
    for (j, &x) in b.iter().enumerate() {
        let e = &mut seen[x as usize];
        e.1 = e.1.saturating_add(1).min(2);
        e.2 = j as u32;
    }
    let unique: Vec<(u32, u32)> = a
        .iter()
        .enumerate()
        .filter_map(|(i, &x)| {
            let (na, nb, j) = seen[x as usize];
            (na == 1 && nb == 1).then_some((i as u32, j))
        })
        .collect();
    let anchors = longest_increasing(&unique);
    let mut runs: Vec<Run> = Vec::new();
    let push = |runs: &mut Vec<Run>, r: Run| {
        if let Some(last) = runs.last_mut()
            && last.old + last.len == r.old
            && last.new + last.len == r.new
        {
            last.len += r.len;
        } else if r.len > 0 {
            runs.push(r);
        }
    };
    // A block whose id the other side lacks can be in no common run: in a
    // long stretch only the others go to Myers, as GNU diff and git discard
    // lines found on one side only. Between two unrelated drafts that leaves
    // next to nothing, where Myers over the whole stretch cost its length
    // squared. (A short stretch keeps the plain script: with a repeated
    // block, the filtered one may keep another copy, as long but placed
    // differently, and an ordinary revision's redline should not move.)
    let (mut sa, mut sb) = (Vec::new(), Vec::new());
    let (mut pa, mut pb) = (0usize, 0usize);
    for (i, j) in anchors
        .into_iter()
        .map(|(i, j)| (i as usize, j as usize))
        .chain(std::iter::once((a.len(), b.len())))
    {
        sa.clear();
        sb.clear();
        let filter = (i - pa).saturating_mul(j - pb) > filter_above;
        if filter {
            sa.extend((pa..i).filter(|&k| seen[a[k] as usize].1 > 0));
            sb.extend((pb..j).filter(|&k| seen[b[k] as usize].0 > 0));
        }
        if !filter || sa.len() == i - pa && sb.len() == j - pb {
            for r in common_runs(&a[pa..i], &b[pb..j], deadline) {
                push(
                    &mut runs,
                    Run {
                        old: r.old + pa,
                        new: r.new + pb,
                        len: r.len,
                    },
                );
            }
        } else if !sa.is_empty() && !sb.is_empty() {
            let fa: Vec<u32> = sa.iter().map(|&k| a[k]).collect();
            let fb: Vec<u32> = sb.iter().map(|&k| b[k]).collect();
            // A run of the kept ids is a run of the drafts only where
            // nothing was left out between its members: cut it there.
            for r in common_runs(&fa, &fb, deadline) {
                for k in r.old..r.old + r.len {
                    let old = sa[k];
                    let new = sb[k - r.old + r.new];
                    push(&mut runs, Run { old, new, len: 1 });
                }
            }
        }
        if i < a.len() {
            push(
                &mut runs,
                Run {
                    old: i,
                    new: j,
                    len: 1,
                },
            );
        }
        (pa, pb) = (i + 1, j + 1);
    }
    runs
}

/// The longest chain of `pairs` (sorted by their first member) whose second
/// members increase too: patience sorting, O(n log n).
fn longest_increasing(pairs: &[(u32, u32)]) -> Vec<(u32, u32)> {
    // tails[k]: index of the pair ending the best chain of length k + 1.
    let mut tails: Vec<usize> = Vec::new();
    let mut prev: Vec<usize> = vec![usize::MAX; pairs.len()];
    for (k, &(_, j)) in pairs.iter().enumerate() {
        let at = tails.partition_point(|&t| pairs[t].1 < j);
        if at > 0 {
            prev[k] = tails[at - 1];
        }
        if at == tails.len() {
            tails.push(k);
        } else {
            tails[at] = k;
        }
    }
    let mut out = Vec::with_capacity(tails.len());
    let mut k = tails.last().copied().unwrap_or(usize::MAX);
    while k != usize::MAX {
        out.push(pairs[k]);
        k = prev[k];
    }
    out.reverse();
    out
}

/// Items of the shorter side up to which [`within`] counts the longest
/// common subsequence bit-parallel rather than searching: sixteen words a
/// row, and masks of at most 128 KiB.
const BIT_PARALLEL_ITEMS: usize = 1024;

/// Whether `b` can be made from `a` with at most `max` insertions and
/// deletions. Lets a pair of blocks that cannot agree enough be turned down
/// without the full word diff. A paragraph-sized pair is answered by the
/// bit-parallel LCS ([`lcs_len`]) in O(N·M/64); a longer one by Myers'
/// greedy search, forward only and without a trace, in O((N+M)·max) time
/// and O(max) memory. Between two unrelated paragraphs `max` is about half
/// their length, where the search cost a few hundred thousand steps.
pub(crate) fn within<T: Ord + Copy>(a: &[T], b: &[T], max: usize) -> bool {
    let head = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[head..], &b[head..]);
    let tail = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a, b) = (&a[..a.len() - tail], &b[..b.len() - tail]);
    if a.len() + b.len() <= max {
        return true;
    }
    if a.len().abs_diff(b.len()) > max {
        return false;
    }
    let (long, short) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    if short.len() <= BIT_PARALLEL_ITEMS {
        return a.len() + b.len() - 2 * lcs_len(long, short) <= max;
    }
    within_by_search(a, b, max)
}

/// [`within`] by Myers' forward search alone, whatever the lengths.
fn within_by_search<T: Eq>(a: &[T], b: &[T], max: usize) -> bool {
    forward(a, b, max, |_| {}).is_some()
}

/// The length of a longest common subsequence of `a` and `b`, bit-parallel
/// (Allison and Dix; Hyyrö): a bit per item of `b`, and per item of `a` one
/// addition and a few masks over those bits. The zero bits left are the
/// length. Quick for the shorter side as `b`.
fn lcs_len<T: Ord + Copy>(a: &[T], b: &[T]) -> usize {
    let words = b.len().div_ceil(64);
    if words == 0 {
        return 0;
    }
    // Each distinct item of `b` with the mask of its positions, found for
    // an item of `a` by binary search.
    let mut keys: Vec<(T, usize)> = b.iter().copied().zip(0..).collect();
    keys.sort_unstable();
    let mut items: Vec<T> = Vec::new();
    let mut masks: Vec<u64> = Vec::new();
    for &(x, j) in &keys {
        if items.last() != Some(&x) {
            items.push(x);
            masks.resize(masks.len() + words, 0);
        }
        let base = masks.len() - words;
        masks[base + j / 64] |= 1 << (j % 64);
    }
    let mut v = vec![u64::MAX; words];
    for x in a {
        let Ok(k) = items.binary_search(x) else {
            continue;
        };
        let matches = &masks[k * words..(k + 1) * words];
        // V' = (V + (V & M)) | (V & !M), the addition carried across words.
        let mut carry = false;
        for (w, &m) in v.iter_mut().zip(matches) {
            let (sum, c1) = w.overflowing_add(*w & m);
            let (sum, c2) = sum.overflowing_add(u64::from(carry));
            carry = c1 | c2;
            *w = sum | (*w & !m);
        }
    }
    v.iter()
        .enumerate()
        .map(|(i, w)| {
            let bits = (b.len() - 64 * i).min(64);
            let live = if bits == 64 {
                u64::MAX
            } else {
                (1 << bits) - 1
            };
            (!w & live).count_ones() as usize
        })
        .sum()
}

/// Myers' forward search over at most `max` rounds (edits): after each
/// round `d`, `round` gets its furthest reaches on the diagonals `-d..=d`.
/// Returns the round that reached the end of both sequences, if any.
fn forward<T: Eq>(a: &[T], b: &[T], max: usize, mut round: impl FnMut(&[isize])) -> Option<isize> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    let max = max as isize;
    // v[k + off]: the furthest x reached on diagonal k = x - y.
    let off = max + 1;
    let mut v = vec![0isize; 2 * off as usize + 1];
    for d in 0..=max {
        let mut k = -d;
        let mut reached = false;
        while k <= d {
            let down = k == -d || (k != d && v[(k - 1 + off) as usize] < v[(k + 1 + off) as usize]);
            let mut x = if down {
                v[(k + 1 + off) as usize]
            } else {
                v[(k - 1 + off) as usize] + 1
            };
            let mut y = x - k;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
            }
            v[(k + off) as usize] = x;
            if x >= n && y >= m {
                reached = true;
                break;
            }
            k += 2;
        }
        round(&v[(off - d) as usize..=(off + d) as usize]);
        if reached {
            return Some(d);
        }
    }
    None
}

/// Myers' greedy search, or `None` when it would take more than
/// [`GREEDY_ROUNDS`] rounds.
fn greedy<T: Eq>(a: &[T], b: &[T]) -> Option<Vec<Run>> {
    if a.is_empty() || b.is_empty() {
        return Some(Vec::new());
    }
    // Round d's reaches, one round after another, for the walk back.
    let mut trace: Vec<isize> = Vec::new();
    let rounds = forward(a, b, (a.len() + b.len()).min(GREEDY_ROUNDS), |reach| {
        trace.extend_from_slice(reach)
    })?;
    Some(backtrack(a, b, &trace, rounds))
}

/// Walks the rounds back from the end, collecting the diagonal stretches.
fn backtrack<T>(a: &[T], b: &[T], trace: &[isize], rounds: isize) -> Vec<Run> {
    // Round d's slice starts after rounds 0..d, which hold d² entries.
    let reach = |d: isize, k: isize| trace[(d * d + (k + d)) as usize];
    let (mut x, mut y) = (a.len() as isize, b.len() as isize);
    let mut runs = Vec::new();
    let mut d = rounds;
    while d > 0 {
        let k = x - y;
        let down = k == -d || (k != d && reach(d - 1, k - 1) < reach(d - 1, k + 1));
        let prev_k = if down { k + 1 } else { k - 1 };
        let prev_x = reach(d - 1, prev_k);
        let prev_y = prev_x - prev_k;
        // The move of round d lands at (sx, sy); the snake runs from there.
        let (sx, sy) = if down {
            (prev_x, prev_y + 1)
        } else {
            (prev_x + 1, prev_y)
        };
        if x > sx {
            runs.push(Run {
                old: sx as usize,
                new: sy as usize,
                len: (x - sx) as usize,
            });
        }
        (x, y) = (prev_x, prev_y);
        d -= 1;
    }
    if x > 0 {
        runs.push(Run {
            old: 0,
            new: 0,
            len: x as usize,
        });
    }
    runs.reverse();
    runs
}

/// How many items `a` and `b` share at their start, and then at their end
/// (the end counted in what the start leaves, so the two never overlap).
pub(crate) fn common_ends<T: PartialEq>(a: &[T], b: &[T]) -> (usize, usize) {
    let head = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    (head, tail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::Strategy;

    /// Checks that `runs` are equal stretches of `a` and `b`, in order, and
    /// returns how many items they keep.
    fn kept<T: PartialEq + std::fmt::Debug>(a: &[T], b: &[T], runs: &[Run]) -> usize {
        let (mut po, mut pn) = (0, 0);
        let mut total = 0;
        for r in runs {
            assert!(r.len > 0 && r.old >= po && r.new >= pn, "{runs:?}");
            assert_eq!(a[r.old..r.old + r.len], b[r.new..r.new + r.len]);
            (po, pn) = (r.old + r.len, r.new + r.len);
            total += r.len;
        }
        total
    }

    /// Checks that the runs are a common subsequence, in order, of the
    /// length a reference LCS finds.
    fn check(a: &[u64], b: &[u64]) {
        let runs = common_runs(a, b, None);
        let total = kept(a, b, &runs);
        assert_eq!(total, dp_lcs(a, b), "{a:?} {b:?} {runs:?}");
    }

    /// The length of a longest common subsequence, by dynamic programming.
    fn dp_lcs(a: &[u64], b: &[u64]) -> usize {
        let mut dp = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for i in (0..a.len()).rev() {
            for j in (0..b.len()).rev() {
                dp[i][j] = if a[i] == b[j] {
                    dp[i + 1][j + 1] + 1
                } else {
                    dp[i + 1][j].max(dp[i][j + 1])
                };
            }
        }
        dp[0][0]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        #[test]
        fn runs_are_a_longest_common_subsequence(
            a in proptest::collection::vec(0u64..4, 0..40),
            b in proptest::collection::vec(0u64..4, 0..40),
        ) {
            check(&a, &b);
        }
    }

    /// The anchored alignment is a common subsequence, and a longest one
    /// when no id repeats.
    fn check_anchored(a: &[u32], b: &[u32], minimal: bool) {
        let ids = a
            .iter()
            .chain(b)
            .map(|&x| x as usize + 1)
            .max()
            .unwrap_or(0);
        let runs = anchored_runs(a, b, ids, None);
        let total = kept(a, b, &runs);
        if minimal {
            let best: usize = common_runs(a, b, None).iter().map(|r| r.len).sum();
            assert_eq!(total, best, "{a:?} {b:?} {runs:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn anchored_runs_are_a_common_subsequence(
            a in proptest::collection::vec(0u32..6, 0..40),
            b in proptest::collection::vec(0u32..6, 0..40),
        ) {
            check_anchored(&a, &b, false);
        }

        #[test]
        fn anchored_runs_of_distinct_ids_are_longest(
            a in proptest::sample::subsequence((0u32..60).collect::<Vec<_>>(), 0..60)
                .prop_shuffle(),
            b in proptest::sample::subsequence((0u32..60).collect::<Vec<_>>(), 0..60)
                .prop_shuffle(),
        ) {
            check_anchored(&a, &b, true);
        }

        /// Leaving out the blocks one side lacks keeps as many blocks as
        /// Myers over the whole stretch, and still a common subsequence.
        #[test]
        fn leaving_out_one_sided_blocks_keeps_as_many(
            a in proptest::collection::vec(0u32..30, 0..80),
            b in proptest::collection::vec(10u32..40, 0..80),
        ) {
            let plain = anchored_runs_by(&a, &b, 40, None, usize::MAX);
            let filtered = anchored_runs_by(&a, &b, 40, None, 0);
            proptest::prop_assert_eq!(kept(&a, &b, &filtered), kept(&a, &b, &plain));
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        #[test]
        fn within_agrees_with_the_edit_distance(
            a in proptest::collection::vec(0u64..4, 0..40),
            b in proptest::collection::vec(0u64..4, 0..40),
            max in 0usize..90,
        ) {
            let lcs: usize = common_runs(&a, &b, None).iter().map(|r| r.len).sum();
            let distance = a.len() + b.len() - 2 * lcs;
            proptest::prop_assert_eq!(within(&a, &b, max), distance <= max);
            proptest::prop_assert_eq!(within_by_search(&a, &b, max), distance <= max);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]
        /// The bit-parallel count across several words (carries between
        /// them), against the dynamic-programming LCS.
        #[test]
        fn the_bit_parallel_lcs_is_the_lcs(
            a in proptest::collection::vec(0u64..6, 0..300),
            b in proptest::collection::vec(0u64..6, 0..300),
        ) {
            proptest::prop_assert_eq!(lcs_len(&a, &b), dp_lcs(&a, &b));
        }
    }

    #[test]
    fn long_edits_go_to_the_linear_space_search() {
        let a: Vec<u64> = (0..2000).collect();
        let b: Vec<u64> = (0..2000)
            .map(|i| if i % 3 == 0 { i + 10_000 } else { i })
            .collect();
        assert!(greedy(&a, &b).is_none());
        check(&a[..300], &b[..300]);
        let runs = common_runs(&a, &b, None);
        assert_eq!(runs.iter().map(|r| r.len).sum::<usize>(), 2000 - 667);
    }
}
